import { Random } from '@mgta/core';

/**
 * Goyal et al. 2019's VOC07 low-shot training sets, with the semantics of
 * fair_self_supervision_benchmark extra_scripts/create_voc_low_shot_challenge_samples.py
 * (`generate_independent_sample` and `sample_symbol`):
 *
 * - the targets there come from extra_scripts/create_voc_data_files.py
 *   (`get_images_labels_info`), which maps VOC label 1 → 1 (present), −1 → 0 (not present) and
 *   0 (difficult only) → −1 (ignore);
 * - for every independent sample and every k, each class independently draws, without
 *   replacement (`random.sample`), k images among its label-1 images as positives and
 *   (C − 1)·k among its VOC label −1 images as negatives; every other image is "ignore" for that
 *   class. So a difficult-only image is never a positive nor a negative of its class, and one
 *   image can be a positive of one class and a negative of another;
 * - defaults: k ∈ {1, 2, 4, 8, 16, 32, 64, 96} (`--k_values`), 5 samples (`--num_samples`).
 *
 * Where a class has fewer than k positives or (C − 1)·k negatives, `random.sample` raises there;
 * here that k is skipped for every sample and class, and the reason is returned.
 * Each (sample, k) draws from its own seeded stream (`lowShotSeed`), so a k's sets do not depend on
 * which other k values are listed; the reference draws all of them from one Python `random` stream.
 */
export const GOYAL_LOW_SHOT_K: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 96];
/** `--num_samples` default of create_voc_low_shot_challenge_samples.py. */
export const GOYAL_LOW_SHOT_SAMPLES = 5;

/** The seed of sample `sample` (0-based) at `k`: recorded with the results. */
export function lowShotSeed(seed: number, sample: number, k: number): number {
  return (seed + 1000 * sample + k) >>> 0;
}

export interface LowShotClassSet {
  /** Training rows (ascending), positives and negatives together. */
  rows: Int32Array;
  /** ±1 per row of `rows`. */
  labels: Float64Array;
}

export interface LowShotDraw {
  k: number;
  /** 0-based sample index. */
  sample: number;
  seed: number;
  /** One training set per class, in class order. */
  classes: LowShotClassSet[];
}

export interface LowShotSkip {
  k: number;
  className: string;
  /** Which pool is too small. */
  pool: 'positives' | 'negatives';
  available: number;
  needed: number;
}

export interface LowShotPlan {
  draws: LowShotDraw[];
  /** The k values drawn, in the order given. */
  kept: number[];
  /** One entry per skipped k: the first class (in class order) whose pool is too small. */
  skipped: LowShotSkip[];
}

/**
 * Draws every (sample, k) training set. `trainLabels[c]` are the VOC labels 1 / −1 / 0 of class c
 * on the training rows. Throws RangeError on a k that is not a positive integer, a repeated k, or
 * a sample count below 1.
 */
export function drawLowShotSets(
  trainLabels: ArrayLike<number>[],
  classNames: string[],
  options: { kValues: readonly number[]; samples: number; seed: number },
): LowShotPlan {
  const { kValues, samples, seed } = options;
  if (kValues.length === 0) throw new RangeError('no low-shot k value given');
  for (const k of kValues) if (!Number.isInteger(k) || k < 1) throw new RangeError(`low-shot k ${k} is not a positive integer`);
  if (new Set(kValues).size !== kValues.length) throw new RangeError('a low-shot k value is listed twice');
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`low-shot sample count ${samples} is not a positive integer`);
  if (trainLabels.length !== classNames.length) throw new RangeError(`${trainLabels.length} label lists for ${classNames.length} classes`);
  const classCount = classNames.length;
  const pools = trainLabels.map((labels) => {
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === 1) positives.push(i);
      else if (labels[i] === -1) negatives.push(i); // label 0 (difficult only): never drawn
    }
    return { positives, negatives };
  });

  const kept: number[] = [];
  const skipped: LowShotSkip[] = [];
  for (const k of kValues) {
    const negativesNeeded = (classCount - 1) * k;
    let skip: LowShotSkip | undefined;
    for (let c = 0; c < classCount && skip === undefined; c++) {
      const { positives, negatives } = pools[c];
      if (positives.length < k) skip = { k, className: classNames[c], pool: 'positives', available: positives.length, needed: k };
      else if (negatives.length < negativesNeeded) skip = { k, className: classNames[c], pool: 'negatives', available: negatives.length, needed: negativesNeeded };
    }
    if (skip) skipped.push(skip);
    else kept.push(k);
  }

  const draws: LowShotDraw[] = [];
  for (let sample = 0; sample < samples; sample++) {
    for (const k of kept) {
      const sampleSeed = lowShotSeed(seed, sample, k);
      const random = new Random(sampleSeed);
      // positives of every class, then negatives of every class: the reference's order
      const positives = pools.map((pool) => choose(pool.positives, k, random));
      const negatives = pools.map((pool) => choose(pool.negatives, (classCount - 1) * k, random));
      const classes = pools.map((_, c) => {
        const labelled = [...positives[c].map((row) => [row, 1]), ...negatives[c].map((row) => [row, -1])].sort((a, b) => a[0] - b[0]);
        return { rows: Int32Array.from(labelled, ([row]) => row), labels: Float64Array.from(labelled, ([, label]) => label) };
      });
      draws.push({ k, sample, seed: sampleSeed, classes });
    }
  }
  return { draws, kept, skipped };
}

/** `count` distinct items of `pool`, uniformly (a partial Fisher–Yates shuffle of a copy). */
function choose(pool: readonly number[], count: number, random: Random): number[] {
  const items = [...pool];
  for (let i = 0; i < count; i++) {
    const j = i + random.int(items.length - i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items.slice(0, count);
}

/** "k 64: class sheep has 40 positives, 64 needed". */
export function describeSkip(skip: LowShotSkip): string {
  return `k ${skip.k}: class ${skip.className} has ${skip.available} ${skip.pool === 'positives' ? 'positive' : 'negative (label -1)'} training images, ${skip.needed} needed`;
}
