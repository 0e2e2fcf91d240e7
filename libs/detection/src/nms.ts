import { boxCount, type Boxes } from './types.ts';

/**
 * Indices of boxes sorted by descending score; equal scores keep index order (a stable sort,
 * where Detectron's `scores.argsort()[::-1]` would put the later index first).
 */
export function orderByScoreDescending(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * Greedy non-maximum suppression, Detectron's cython_nms.nms: visit boxes by descending score
 * and keep one unless an already-kept box overlaps it with IoU >= `thresh` (+1 pixel
 * convention). Returns the kept indices in visiting order. Stopping after `maxKeep` boxes gives
 * the same prefix as running to the end and truncating, as Detectron does with
 * RPN_POST_NMS_TOP_N.
 */
export function nms(boxes: Boxes, scores: ArrayLike<number>, thresh: number, maxKeep = Infinity): Int32Array {
  const n = boxCount(boxes);
  if (scores.length !== n) throw new Error(`nms: ${n} boxes but ${scores.length} scores`);
  const order = orderByScoreDescending(scores);
  // Corners and areas in visiting order, so the inner loop reads memory sequentially.
  const x1 = new Float64Array(n), y1 = new Float64Array(n), x2 = new Float64Array(n), y2 = new Float64Array(n);
  const areas = new Float64Array(n);
  for (let rank = 0; rank < n; rank++) {
    const o = order[rank] * 4;
    x1[rank] = boxes[o]; y1[rank] = boxes[o + 1]; x2[rank] = boxes[o + 2]; y2[rank] = boxes[o + 3];
    areas[rank] = (x2[rank] - x1[rank] + 1) * (y2[rank] - y1[rank] + 1);
  }
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let rank = 0; rank < n && keep.length < maxKeep; rank++) {
    if (suppressed[rank]) continue;
    keep.push(order[rank]);
    const ax1 = x1[rank], ay1 = y1[rank], ax2 = x2[rank], ay2 = y2[rank], area = areas[rank];
    for (let later = rank + 1; later < n; later++) {
      if (suppressed[later]) continue;
      const w = Math.min(ax2, x2[later]) - Math.max(ax1, x1[later]) + 1;
      if (w <= 0) continue;
      const h = Math.min(ay2, y2[later]) - Math.max(ay1, y1[later]) + 1;
      if (h <= 0) continue;
      const intersection = w * h;
      if (intersection / (area + areas[later] - intersection) >= thresh) suppressed[later] = 1;
    }
  }
  return Int32Array.from(keep);
}
