import { boxCount, type BoxWeights, type Boxes, type ImageShape } from './types.ts';

/** Areas with the +1 pixel convention: (x2 - x1 + 1) * (y2 - y1 + 1). */
export function boxAreas(boxes: Boxes): Float64Array {
  const n = boxCount(boxes);
  const areas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    areas[i] = (boxes[i * 4 + 2] - boxes[i * 4] + 1) * (boxes[i * 4 + 3] - boxes[i * 4 + 1] + 1);
  }
  return areas;
}

/**
 * IoU of every box of `a` with every box of `b`, row-major [a, b], as Detectron's
 * cython_bbox.bbox_overlaps: intersection sides are min(x2) - max(x1) + 1, zero unless both are
 * positive; union = area(a) + area(b) - intersection.
 */
export function iouMatrix(a: Boxes, b: Boxes): Float64Array {
  const na = boxCount(a);
  const nb = boxCount(b);
  const areasA = boxAreas(a);
  const areasB = boxAreas(b);
  const overlaps = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    const ax1 = a[i * 4], ay1 = a[i * 4 + 1], ax2 = a[i * 4 + 2], ay2 = a[i * 4 + 3];
    for (let j = 0; j < nb; j++) {
      const iw = Math.min(ax2, b[j * 4 + 2]) - Math.max(ax1, b[j * 4]) + 1;
      if (iw <= 0) continue;
      const ih = Math.min(ay2, b[j * 4 + 3]) - Math.max(ay1, b[j * 4 + 1]) + 1;
      if (ih <= 0) continue;
      const intersection = iw * ih;
      overlaps[i * nb + j] = intersection / (areasA[i] + areasB[j] - intersection);
    }
  }
  return overlaps;
}

/**
 * Regression targets taking each source box onto its target box, Detectron's
 * box_utils.bbox_transform_inv: dx = wx (ctr_t - ctr_s) / w_s, dw = ww log(w_t / w_s), with
 * w = x2 - x1 + 1 and ctr = x1 + 0.5 w.
 */
export function encodeBoxes(sources: Boxes, targets: Boxes, weights: BoxWeights): Float32Array {
  const n = boxCount(sources);
  if (boxCount(targets) !== n) throw new Error(`encodeBoxes: ${n} sources but ${boxCount(targets)} targets`);
  const [wx, wy, ww, wh] = weights;
  const deltas = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const sw = sources[o + 2] - sources[o] + 1;
    const sh = sources[o + 3] - sources[o + 1] + 1;
    const tw = targets[o + 2] - targets[o] + 1;
    const th = targets[o + 3] - targets[o + 1] + 1;
    const sx = sources[o] + 0.5 * sw;
    const sy = sources[o + 1] + 0.5 * sh;
    const tx = targets[o] + 0.5 * tw;
    const ty = targets[o + 1] + 0.5 * th;
    deltas[o] = (wx * (tx - sx)) / sw;
    deltas[o + 1] = (wy * (ty - sy)) / sh;
    deltas[o + 2] = ww * Math.log(tw / sw);
    deltas[o + 3] = wh * Math.log(th / sh);
  }
  return deltas;
}

/**
 * Applies deltas to source boxes, Detectron's box_utils.bbox_transform. `deltas` holds k groups of
 * 4 per source box (row-major [n, 4k], e.g. one group per class) and the result has the same
 * shape. dw and dh are clamped from above at `clip` (BBOX_XFORM_CLIP); x2 = ctr + 0.5 w - 1.
 */
export function decodeBoxes(sources: Boxes, deltas: Float32Array, weights: BoxWeights, clip: number): Float32Array {
  const n = boxCount(sources);
  if (n === 0) return new Float32Array(0);
  if (deltas.length % (n * 4) !== 0) throw new Error(`decodeBoxes: ${deltas.length} deltas for ${n} boxes`);
  const groups = deltas.length / (n * 4);
  const [wx, wy, ww, wh] = weights;
  const decoded = new Float32Array(deltas.length);
  for (let i = 0; i < n; i++) {
    const width = sources[i * 4 + 2] - sources[i * 4] + 1;
    const height = sources[i * 4 + 3] - sources[i * 4 + 1] + 1;
    const ctrX = sources[i * 4] + 0.5 * width;
    const ctrY = sources[i * 4 + 1] + 0.5 * height;
    for (let g = 0; g < groups; g++) {
      const o = (i * groups + g) * 4;
      const predCtrX = (deltas[o] / wx) * width + ctrX;
      const predCtrY = (deltas[o + 1] / wy) * height + ctrY;
      const predW = Math.exp(Math.min(deltas[o + 2] / ww, clip)) * width;
      const predH = Math.exp(Math.min(deltas[o + 3] / wh, clip)) * height;
      decoded[o] = predCtrX - 0.5 * predW;
      decoded[o + 1] = predCtrY - 0.5 * predH;
      decoded[o + 2] = predCtrX + 0.5 * predW - 1;
      decoded[o + 3] = predCtrY + 0.5 * predH - 1;
    }
  }
  return decoded;
}

/**
 * Clips every coordinate into the image, Detectron's box_utils.clip_tiled_boxes: x into
 * [0, width - 1], y into [0, height - 1]. Works on any number of 4-groups per row.
 */
export function clipBoxes(boxes: Float32Array, image: ImageShape): Float32Array {
  const clipped = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    clipped[i] = Math.max(Math.min(boxes[i], image.width - 1), 0);
    clipped[i + 1] = Math.max(Math.min(boxes[i + 1], image.height - 1), 0);
    clipped[i + 2] = Math.max(Math.min(boxes[i + 2], image.width - 1), 0);
    clipped[i + 3] = Math.max(Math.min(boxes[i + 3], image.height - 1), 0);
  }
  return clipped;
}
