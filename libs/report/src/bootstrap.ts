import { Random } from '@mgta/core';
import type { BootstrapInterval, ClassAp } from '@mgta/results-schema';
import {
  evaluateClassDetections,
  evaluateClassScores,
  rankByScore,
  summarize,
  voc07ElevenPointAp,
  vocAreaAp,
  type ClassDetections,
  type ClassGroundTruth,
} from '@mgta/voc-eval';

/**
 * Classification: per class, one label (1 present, -1 absent, 0 difficult only) and one
 * score per test image, all classes in the same image order (VOCevalcls semantics).
 */
export interface ClassificationBootstrapInput {
  kind: 'classification';
  labels: Readonly<Record<string, ArrayLike<number>>>;
  scores: Readonly<Record<string, ArrayLike<number>>>;
}

/**
 * Detection: per class, the split's ground truth and the detections (image index into the
 * split), as `buildDetectionGroundTruth` / `detectionsFromRows` of @mgta/voc-eval give them.
 */
export interface DetectionBootstrapInput {
  kind: 'detection';
  groundTruth: ReadonlyMap<string, ClassGroundTruth> | Readonly<Record<string, ClassGroundTruth>>;
  detections: Readonly<Record<string, ClassDetections>>;
  /** IoU a detection must exceed; 0.5 by default. */
  iouThreshold?: number;
}

export interface BootstrapOptions {
  /** Default 1000. */
  resamples?: number;
  /** Default 0. */
  seed?: number;
  /**
   * Which mean AP: `ap` (area under the precision envelope, Table 2's number) or `ap07`
   * (VOC07 11-point, Table 3's). Default: `ap` for classification, `ap07` for detection.
   */
  metric?: 'ap' | 'ap07';
  /** Central coverage, default 0.95. */
  level?: number;
}

/**
 * A percentile bootstrap interval of the mAP over test images: draw as many images as the
 * test set holds, with replacement, recompute every class's AP on that sample (an image
 * drawn twice counts twice: its objects are two objects, its detections two detections),
 * average over the classes with defined AP, as the point estimate does, and take the
 * (1-level)/2 and (1+level)/2 quantiles of those means. Seeded, hence reproducible.
 *
 * The interval says how much the mAP would move on another test set of this size drawn from
 * the same images; it ignores training randomness (SVM folds, detector init).
 */
export function bootstrapMapInterval(input: ClassificationBootstrapInput | DetectionBootstrapInput, options: BootstrapOptions = {}): BootstrapInterval {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const metric = options.metric ?? (input.kind === 'classification' ? 'ap' : 'ap07');
  const sampler = input.kind === 'classification' ? classificationSampler(input) : detectionSampler(input);

  const random = new Random(seed);
  const sample = new Int32Array(sampler.imageCount);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < sample.length; i++) sample[i] = random.int(sample.length);
    const result = summarize(sampler.evaluate(sample));
    const mean = metric === 'ap' ? result.map : result.map07;
    // A sample with no positive of any class has no mAP; leaving it out conditions the
    // interval on "mAP defined", as the point estimate is.
    if (mean !== null) means.push(mean);
  }
  if (means.length < resamples / 2) {
    throw new RangeError(`only ${means.length} of ${resamples} resamples had any positive image; too few positives for an interval`);
  }
  means.sort((a, b) => a - b);
  return { low: quantile(means, (1 - level) / 2), high: quantile(means, (1 + level) / 2), resamples, seed };
}

/** Linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantile(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

interface Sampler {
  imageCount: number;
  /** Every class's AP on the test set made of images `sample[0], sample[1], ...`. */
  evaluate(sample: Int32Array): Record<string, ClassAp>;
}

function classificationSampler(input: ClassificationBootstrapInput): Sampler {
  const classes = Object.keys(input.labels);
  if (classes.length === 0) throw new RangeError('no classes');
  const imageCount = input.labels[classes[0]].length;
  for (const cls of classes) {
    const scores = input.scores[cls];
    if (scores === undefined) throw new RangeError(`class "${cls}" has labels but no scores`);
    if (input.labels[cls].length !== imageCount || scores.length !== imageCount) {
      throw new RangeError(`class "${cls}": ${input.labels[cls].length} labels and ${scores.length} scores, expected ${imageCount} images`);
    }
  }
  if (imageCount === 0) throw new RangeError('no test images');
  // evaluateClassScores on the test set itself checks every label and score once; a resample
  // only repeats them.
  for (const cls of classes) evaluateClassScores(input.labels[cls], input.scores[cls], { maxPrPoints: 0 });
  const ranked = classes.map((cls) => rankClass(input.labels[cls], input.scores[cls]));
  const copies = new SampleCopies(imageCount);
  const curve = { recall: new Float64Array(imageCount), precision: new Float64Array(imageCount), tied: new Int32Array(imageCount) };
  return {
    imageCount,
    evaluate(sample) {
      copies.set(sample);
      const perClass: Record<string, ClassAp> = {};
      classes.forEach((cls, c) => { perClass[cls] = resampledClassAp(ranked[c], sample, copies, curve); });
      return perClass;
    },
  };
}

/**
 * A class's test images in evaluateClassScores' order (descending score), cut into runs of
 * equal score. Sorted once: a resample then needs no sort of its own (sorting every class of
 * every resample took ~25 s of a 1000-resample interval at VOC07 size).
 */
interface RankedClass {
  labels: Int8Array;
  /** Image indices by descending score. */
  order: Uint32Array;
  /** Run r of equal scores is order[runStart[r]] .. order[runStart[r+1]-1]. */
  runStart: Int32Array;
}

function rankClass(labels: ArrayLike<number>, scores: ArrayLike<number>): RankedClass {
  const order = rankByScore(scores);
  const runStart = [0];
  for (let r = 1; r < order.length; r++) if (scores[order[r]] !== scores[order[r - 1]]) runStart.push(r);
  runStart.push(order.length);
  return { labels: Int8Array.from(labels), order, runStart: Int32Array.from(runStart) };
}

/**
 * evaluateClassScores of the resampled test set (its k-th image is image sample[k]), computed
 * from the class's ranking: exactly the same numbers. That evaluator ranks by descending score
 * and breaks ties by position in the sample, so a run of one score lists the copies of its
 * images by the position at which each copy was drawn.
 */
function resampledClassAp(
  ranked: RankedClass,
  sample: Int32Array,
  copies: SampleCopies,
  curve: { recall: Float64Array; precision: Float64Array; tied: Int32Array },
): ClassAp {
  const { labels, order, runStart } = ranked;
  const { start, position } = copies;
  const { recall, precision, tied } = curve;
  let npos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) npos += start[i + 1] - start[i];
  if (npos === 0) return { ap: null, ap07: null, npos };
  let tp = 0;
  let fp = 0;
  let r = 0;
  const take = (label: number): void => {
    if (label === 1) tp++;
    else if (label === -1) fp++;
    recall[r] = tp / npos;
    precision[r] = tp + fp > 0 ? tp / (tp + fp) : 0;
    r++;
  };
  for (let run = 0; run + 1 < runStart.length; run++) {
    if (runStart[run + 1] - runStart[run] === 1) {
      const i = order[runStart[run]];
      for (let c = start[i]; c < start[i + 1]; c++) take(labels[i]);
      continue;
    }
    let drawn = 0;
    for (let j = runStart[run]; j < runStart[run + 1]; j++) {
      const i = order[j];
      for (let c = start[i]; c < start[i + 1]; c++) tied[drawn++] = position[c];
    }
    const positions = tied.subarray(0, drawn).sort();
    for (const k of positions) take(labels[sample[k]]);
  }
  return { ap: vocAreaAp(recall, precision), ap07: voc07ElevenPointAp(recall, precision), npos };
}

/** A class's objects, and its detections in rank order, for copying per drawn image. */
interface PreparedClass {
  gt: ClassGroundTruth;
  dets: ClassDetections;
  /** Detection indices by descending score, ties in submission order: evaluateClassDetections' own ranking. */
  ranked: Int32Array;
}

function detectionSampler(input: DetectionBootstrapInput): Sampler {
  const gtByClass = input.groundTruth instanceof Map ? input.groundTruth : new Map(Object.entries(input.groundTruth as Record<string, ClassGroundTruth>));
  const classes = [...gtByClass.keys()];
  if (classes.length === 0) throw new RangeError('no classes');
  const imageCount = gtByClass.get(classes[0])!.imageCount;
  if (imageCount === 0) throw new RangeError('no test images');
  const empty: ClassDetections = { image: new Int32Array(0), score: new Float64Array(0), boxes: new Float64Array(0) };
  const prepared: PreparedClass[] = classes.map((cls) => {
    const gt = gtByClass.get(cls)!;
    if (gt.imageCount !== imageCount) throw new RangeError(`class "${cls}": ground truth over ${gt.imageCount} images, expected ${imageCount}`);
    const dets = input.detections[cls] ?? empty;
    for (let d = 0; d < dets.image.length; d++) {
      const image = dets.image[d];
      if (!(image >= 0 && image < imageCount)) throw new RangeError(`class "${cls}" detection ${d}: image index ${image} outside the split`);
    }
    const ranked = new Int32Array(dets.score.length);
    for (let d = 0; d < ranked.length; d++) ranked[d] = d;
    ranked.sort((a, b) => dets.score[b] - dets.score[a] || a - b);
    return { gt, dets, ranked };
  });
  const options = { iouThreshold: input.iouThreshold ?? 0.5, maxPrPoints: 0 };
  const copies = new SampleCopies(imageCount);
  return {
    imageCount,
    evaluate(sample) {
      copies.set(sample);
      const perClass: Record<string, ClassAp> = {};
      classes.forEach((cls, c) => {
        const { gt, dets } = resampleDetections(prepared[c], sample, copies);
        perClass[cls] = evaluateClassDetections(gt, dets, options);
      });
      return perClass;
    },
  };
}

/** For each original image, the positions k at which a sample drew it (its copies). */
class SampleCopies {
  /** Copies of image i are position[start[i]] .. position[start[i+1]-1]. */
  readonly start: Int32Array;
  readonly position: Int32Array;

  constructor(imageCount: number) {
    this.start = new Int32Array(imageCount + 1);
    this.position = new Int32Array(imageCount);
  }

  set(sample: Int32Array): void {
    const { start, position } = this;
    start.fill(0);
    for (let k = 0; k < sample.length; k++) start[sample[k] + 1]++;
    for (let i = 0; i + 1 < start.length; i++) start[i + 1] += start[i];
    const next = start.slice(0, start.length - 1);
    for (let k = 0; k < sample.length; k++) position[next[sample[k]]++] = k;
  }
}

/**
 * The class's ground truth and detections on the resampled test set: the k-th drawn image
 * becomes image k, a copy of its objects and detections. Within one image copy, matching
 * is what it was on the original image, since detections only claim objects of their own
 * image. Detections are emitted in rank order (the copies of one detection together), so
 * the evaluator's stable ranking keeps that order and its sort meets sorted input.
 */
function resampleDetections(source: PreparedClass, sample: Int32Array, copies: SampleCopies): { gt: ClassGroundTruth; dets: ClassDetections } {
  const { gt, dets, ranked } = source;
  let objectCount = 0;
  for (let k = 0; k < sample.length; k++) objectCount += gt.start[sample[k] + 1] - gt.start[sample[k]];
  let detCount = 0;
  for (let d = 0; d < dets.image.length; d++) detCount += copies.start[dets.image[d] + 1] - copies.start[dets.image[d]];

  const start = new Int32Array(sample.length + 1);
  const boxes = new Float64Array(4 * objectCount);
  const difficult = new Uint8Array(objectCount);
  let o = 0;
  for (let k = 0; k < sample.length; k++) {
    const i = sample[k];
    for (let j = gt.start[i]; j < gt.start[i + 1]; j++, o++) {
      boxes.set(gt.boxes.subarray(4 * j, 4 * j + 4), 4 * o);
      difficult[o] = gt.difficult[j];
    }
    start[k + 1] = o;
  }

  const image = new Int32Array(detCount);
  const score = new Float64Array(detCount);
  const detBoxes = new Float64Array(4 * detCount);
  let n = 0;
  for (let r = 0; r < ranked.length; r++) {
    const d = ranked[r];
    const i = dets.image[d];
    for (let c = copies.start[i]; c < copies.start[i + 1]; c++, n++) {
      image[n] = copies.position[c];
      score[n] = dets.score[d];
      detBoxes.set(dets.boxes.subarray(4 * d, 4 * d + 4), 4 * n);
    }
  }
  return { gt: { imageCount: sample.length, start, boxes, difficult }, dets: { image, score, boxes: detBoxes } };
}
