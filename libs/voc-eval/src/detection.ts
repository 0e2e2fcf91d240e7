import type { ClassAp } from '@mgta/results-schema';
import { downsamplePrecisionRecall, voc07ElevenPointAp, vocAreaAp } from './average-precision.ts';
import { rankByScore } from './rank.ts';

/**
 * The ground truth of one class over a split, grouped by image (compressed rows): the
 * objects of image `i` (index into the split's id list) are `start[i] .. start[i+1]-1`.
 * Boxes are `x1 y1 x2 y2` in VOC pixels (1-based, inclusive), four numbers per object.
 */
export interface ClassGroundTruth {
  imageCount: number;
  start: Int32Array;
  boxes: Float64Array;
  difficult: Uint8Array;
}

/**
 * One class's detections in submission order (file order breaks score ties), columnar:
 * image index into the split, score, and `x1 y1 x2 y2` in the same VOC pixel convention
 * as the ground truth (Detectron adds 1 to its 0-based boxes when it writes comp4 files).
 */
export interface ClassDetections {
  image: Int32Array;
  score: Float64Array;
  boxes: Float64Array;
}

export interface DetectionOptions {
  /** A detection matches when IoU > this (strict); 0.5 in VOC (voc_eval.py `ovthresh`). */
  iouThreshold?: number;
  /** Precision–recall points kept in the result; 0 leaves them out. Default 200. */
  maxPrPoints?: number;
}

/** detectron2's PascalVOCDetectionEvaluator thresholds for "AP" = mean over 0.50:0.05:0.95. */
export const COCO_STYLE_IOU_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, k) => (50 + 5 * k) / 100);

/**
 * Each detection's best-overlapping ground truth, in rank order. The best overlap does not
 * depend on the IoU threshold, so evaluating at several thresholds ranks and overlaps once.
 */
interface RankedOverlaps {
  /** Detection indices by descending score, ties in submission order. */
  order: Uint32Array;
  /** Best IoU of the ranked detection with any object of its image (-Infinity if none, NaN as in numpy). */
  overlap: Float64Array;
  /** Index (into the class's objects) of that object, or -1. */
  object: Int32Array;
}

function rankAndOverlap(gt: ClassGroundTruth, dets: ClassDetections): RankedOverlaps {
  const n = dets.score.length;
  if (dets.image.length !== n || dets.boxes.length !== 4 * n) {
    throw new RangeError(`detections: ${n} scores, ${dets.image.length} image indices, ${dets.boxes.length / 4} boxes`);
  }
  const order = rankByScore(dets.score);

  const overlap = new Float64Array(n);
  const object = new Int32Array(n);
  const gb = gt.boxes;
  for (let r = 0; r < n; r++) {
    const d = order[r];
    const image = dets.image[d];
    if (!(image >= 0 && image < gt.imageCount)) {
      throw new RangeError(`detection ${d}: image index ${image} outside the split (${gt.imageCount} images)`);
    }
    const x1 = dets.boxes[4 * d], y1 = dets.boxes[4 * d + 1], x2 = dets.boxes[4 * d + 2], y2 = dets.boxes[4 * d + 3];
    // +1: VOC boxes are inclusive pixel ranges (voc_eval.py, VOCevaldet.m).
    const area = (x2 - x1 + 1) * (y2 - y1 + 1);
    let best = -Infinity;
    let bestObject = -1;
    for (let j = gt.start[image], end = gt.start[image + 1]; j < end; j++) {
      const iw = Math.min(x2, gb[4 * j + 2]) - Math.max(x1, gb[4 * j]) + 1;
      const ih = Math.min(y2, gb[4 * j + 3]) - Math.max(y1, gb[4 * j + 1]) + 1;
      const inter = Math.max(iw, 0) * Math.max(ih, 0);
      const gtArea = (gb[4 * j + 2] - gb[4 * j] + 1) * (gb[4 * j + 3] - gb[4 * j + 1] + 1);
      const iou = inter / (area + gtArea - inter);
      // An inverted detection box can make the union 0: numpy's max and argmax then stop
      // at the first NaN, and NaN > threshold is false, a false positive. Mirror that.
      if (Number.isNaN(iou)) {
        best = NaN;
        bestObject = j;
        break;
      }
      // Strict >: the first object wins a tie, like numpy's argmax.
      if (iou > best) {
        best = iou;
        bestObject = j;
      }
    }
    overlap[r] = best;
    object[r] = bestObject;
  }
  return { order, overlap, object };
}

/**
 * Greedy matching in rank order (voc_eval.py): a detection whose best overlap exceeds the
 * threshold is a true positive on the first claim of a non-difficult object, a false
 * positive on a repeated claim, and neither on a difficult object; below the threshold it
 * is a false positive.
 */
function matchAtThreshold(gt: ClassGroundTruth, ranked: RankedOverlaps, iouThreshold: number, maxPrPoints: number): ClassAp {
  let npos = 0;
  for (let j = 0; j < gt.difficult.length; j++) if (!gt.difficult[j]) npos++;
  const n = ranked.order.length;
  const claimed = new Uint8Array(gt.difficult.length);
  const recall = new Float64Array(n);
  const precision = new Float64Array(n);
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    if (ranked.overlap[r] > iouThreshold) {
      const j = ranked.object[r];
      if (!gt.difficult[j]) {
        if (claimed[j]) fp++;
        else {
          tp++;
          claimed[j] = 1;
        }
      }
    } else {
      fp++;
    }
    recall[r] = tp / npos;
    // tp + fp is 0 only after leading difficult matches; voc_eval.py's eps guard makes that 0.
    precision[r] = tp + fp > 0 ? tp / (tp + fp) : 0;
  }
  if (npos === 0) return { ap: null, ap07: null, npos };
  const result: ClassAp = { ap: vocAreaAp(recall, precision), ap07: voc07ElevenPointAp(recall, precision), npos };
  if (maxPrPoints > 0) result.pr = downsamplePrecisionRecall(recall, precision, maxPrPoints);
  return result;
}

/** One class's detection AP (both metrics) at one IoU threshold. */
export function evaluateClassDetections(gt: ClassGroundTruth, dets: ClassDetections, options: DetectionOptions = {}): ClassAp {
  return matchAtThreshold(gt, rankAndOverlap(gt, dets), checkThreshold(options.iouThreshold ?? 0.5), options.maxPrPoints ?? 200);
}

/** One class's detection AP at each threshold, ranking and overlapping only once. */
export function evaluateClassDetectionsAtThresholds(
  gt: ClassGroundTruth,
  dets: ClassDetections,
  iouThresholds: readonly number[],
  options: { maxPrPoints?: number } = {},
): ClassAp[] {
  const ranked = rankAndOverlap(gt, dets);
  return iouThresholds.map((t) => matchAtThreshold(gt, ranked, checkThreshold(t), options.maxPrPoints ?? 200));
}

function checkThreshold(t: number): number {
  if (!(t >= 0 && t < 1)) throw new RangeError(`IoU threshold must be in [0, 1), got ${t}`);
  return t;
}
