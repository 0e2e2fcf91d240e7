/**
 * Parity of two runs of the whole detector (GPU against CPU): boxes are matched by class and
 * IoU ≥ 0.99 rather than by position, because near-equal scores can come out in another order,
 * and the matched pairs' scores are compared.
 *
 * A box found on one side only is accepted when its score lies at the other side's cut (within
 * the tolerance): the score threshold, or the lowest kept score when the top-N limit is reached.
 * Such a box fell on the other side of a tie; any other lone box is a real difference.
 */
import { INFERENCE_TOLERANCE } from './parity.ts';

export interface Detections {
  /** [K, 4] x1, y1, x2, y2, 0-based inclusive pixels. */
  boxes: ArrayLike<number>;
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export interface MatchOptions {
  minIou?: number;
  tolerance?: number;
  /** TEST.SCORE_THRESH: detections below it are never kept. */
  scoreThreshold: number;
  /** TEST.DETECTIONS_PER_IM: a side that kept this many was cut by the limit. */
  limit: number;
}

export interface DetectionParity {
  actual: number;
  reference: number;
  matched: number;
  /** Largest |Δscore| / score over the matched pairs. */
  maxScoreRelDiff: number;
  /** Lowest IoU among the matched pairs. */
  minMatchedIou: number;
  /** Lone boxes explained by a tie at the other side's cut. */
  atCut: number;
  /** Lone boxes that are not. */
  unexplained: number;
  tolerance: number;
  pass: boolean;
}

/** IoU with Detectron's +1 pixel convention (libs/detection boxes.ts). */
export function boxIou(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const iw = Math.min(a[i * 4 + 2], b[j * 4 + 2]) - Math.max(a[i * 4], b[j * 4]) + 1;
  const ih = Math.min(a[i * 4 + 3], b[j * 4 + 3]) - Math.max(a[i * 4 + 1], b[j * 4 + 1]) + 1;
  if (iw <= 0 || ih <= 0) return 0;
  const area = (x: ArrayLike<number>, k: number) => (x[k * 4 + 2] - x[k * 4] + 1) * (x[k * 4 + 3] - x[k * 4 + 1] + 1);
  const inter = iw * ih;
  return inter / (area(a, i) + area(b, j) - inter);
}

export function matchDetections(actual: Detections, reference: Detections, options: MatchOptions): DetectionParity {
  const minIou = options.minIou ?? 0.99;
  const tolerance = options.tolerance ?? INFERENCE_TOLERANCE;
  const na = actual.scores.length, nr = reference.scores.length;
  const taken = new Uint8Array(na);
  const matchedRef = new Uint8Array(nr);
  let matched = 0, maxScoreRelDiff = 0, minMatchedIou = 1;
  // Reference boxes best first, each takes the unmatched same-class box of highest IoU.
  const order = Array.from({ length: nr }, (_, i) => i).sort((x, y) => reference.scores[y] - reference.scores[x]);
  for (const r of order) {
    let best = -1, bestIou = minIou;
    for (let a = 0; a < na; a++) {
      if (taken[a] || actual.labels[a] !== reference.labels[r]) continue;
      const iou = boxIou(actual.boxes, a, reference.boxes, r);
      if (iou >= bestIou) { best = a; bestIou = iou; }
    }
    if (best < 0) continue;
    taken[best] = 1;
    matchedRef[r] = 1;
    matched++;
    minMatchedIou = Math.min(minMatchedIou, bestIou);
    const rel = Math.abs(actual.scores[best] - reference.scores[r]) / Math.max(Math.abs(reference.scores[r]), Number.MIN_VALUE);
    maxScoreRelDiff = Math.max(maxScoreRelDiff, rel);
  }
  const cut = (side: Detections): number => (side.scores.length >= options.limit ? Math.min(...Array.from(side.scores)) : options.scoreThreshold);
  const cutOfReference = cut(reference), cutOfActual = cut(actual);
  let atCut = 0, unexplained = 0;
  const judge = (score: number, otherCut: number) => {
    if (Math.abs(score - otherCut) <= tolerance * Math.max(otherCut, score) || score < otherCut) atCut++;
    else unexplained++;
  };
  for (let a = 0; a < na; a++) if (!taken[a]) judge(actual.scores[a], cutOfReference);
  for (let r = 0; r < nr; r++) if (!matchedRef[r]) judge(reference.scores[r], cutOfActual);
  if (matched === 0) minMatchedIou = 0;
  return {
    actual: na, reference: nr, matched, maxScoreRelDiff, minMatchedIou, atCut, unexplained, tolerance,
    pass: matched > 0 && unexplained === 0 && maxScoreRelDiff <= tolerance,
  };
}
