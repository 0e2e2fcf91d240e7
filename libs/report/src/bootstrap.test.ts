import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { evaluateClassDetections, evaluateClassScores, summarize, type ClassDetections, type ClassGroundTruth } from '@mgta/voc-eval';
import { bootstrapMapInterval, quantile } from './bootstrap.ts';

/** `copies` copies of a 4-image pattern: ranked +, -, +, -; area AP = (1 + 2/3) / 2 = 5/6. */
function classification(copies: number) {
  const labels: number[] = [];
  const scores: number[] = [];
  for (let c = 0; c < copies; c++) {
    labels.push(1, -1, 1, -1);
    // Scores interleave copies, so every copy ranks +, -, +, - at the same levels.
    scores.push(0.9 - c * 1e-3, 0.8 - c * 1e-3, 0.3 - c * 1e-3, 0.1 - c * 1e-3);
  }
  return { kind: 'classification' as const, labels: { a: labels }, scores: { a: scores } };
}

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4, 5], 1)).toBe(5);
  });
});

describe('bootstrapMapInterval, classification', () => {
  it('contains the point estimate, is deterministic for a seed, and shrinks with more images', () => {
    const small = classification(2);
    // The point estimate, computed the ordinary way; 5/6 by hand for every copy count.
    const point = evaluateClassScores(small.labels.a, small.scores.a).ap!;
    expect(point).toBeCloseTo(5 / 6, 12);

    const a = bootstrapMapInterval(small, { seed: 7, resamples: 400 });
    expect(a.low).toBeLessThanOrEqual(point);
    expect(a.high).toBeGreaterThanOrEqual(point);
    expect(a.low).toBeLessThan(a.high);
    expect(a).toEqual({ low: a.low, high: a.high, resamples: 400, seed: 7 });

    expect(bootstrapMapInterval(small, { seed: 7, resamples: 400 })).toEqual(a);
    expect(bootstrapMapInterval(small, { seed: 8, resamples: 400 })).not.toEqual(a);

    const large = classification(16);
    const b = bootstrapMapInterval(large, { seed: 7, resamples: 400 });
    expect(b.low).toBeLessThanOrEqual(point);
    expect(b.high).toBeGreaterThanOrEqual(point);
    expect(b.high - b.low).toBeLessThan((a.high - a.low) / 2);
  });

  it('gives [1, 1] for a perfect ranking: every resample ranks its positives first', () => {
    const input = { kind: 'classification' as const, labels: { a: [1, 1, -1, -1, 0] }, scores: { a: [5, 4, 3, 2, 1] } };
    expect(bootstrapMapInterval(input, { resamples: 200 })).toMatchObject({ low: 1, high: 1 });
  });

  it('averages over classes: a perfect class and a reversed class', () => {
    // Class b ranks its single positive last of 2 images: AP 1/2 whenever both are drawn,
    // 1 when only the positive is; class a is perfect. The mean lies in [0.75, 1].
    const input = { kind: 'classification' as const, labels: { a: [1, -1], b: [-1, 1] }, scores: { a: [2, 1], b: [2, 1] } };
    const interval = bootstrapMapInterval(input, { resamples: 300, seed: 3 });
    expect(interval.low).toBeGreaterThanOrEqual(0.75);
    expect(interval.high).toBeLessThanOrEqual(1);
  });

  it('rejects mismatched arrays', () => {
    const input = { kind: 'classification' as const, labels: { a: [1, -1] }, scores: { a: [1] } };
    expect(() => bootstrapMapInterval(input)).toThrow(/class "a": 2 labels and 1 scores/);
  });

  it('rejects a bad label or score even where no resample would draw it', () => {
    const labels = { a: [...Array(999).fill(1), 2] };
    const scores = { a: Array.from({ length: 1000 }, (_, i) => i) };
    expect(() => bootstrapMapInterval({ kind: 'classification', labels, scores }, { resamples: 1 })).toThrow(/label 999 is 2/);
    expect(() => bootstrapMapInterval({ kind: 'classification', labels: { a: [1, -1] }, scores: { a: [1, NaN] } })).toThrow(/score 1 is NaN/);
  });

  it('is exactly the interval of evaluateClassScores run on every materialised resample, ties and difficult images included', () => {
    // The reference: draw as bootstrapMapInterval draws, copy the drawn images' labels and
    // scores out in draw order, and evaluate them the ordinary way.
    const reference = (labels: Record<string, number[]>, scores: Record<string, number[]>, resamples: number, seed: number, metric: 'ap' | 'ap07') => {
      const n = Object.values(labels)[0].length;
      const random = new Random(seed);
      const means: number[] = [];
      for (let r = 0; r < resamples; r++) {
        const sample = Array.from({ length: n }, () => random.int(n));
        const perClass = Object.fromEntries(Object.keys(labels).map((cls) => [cls, evaluateClassScores(sample.map((i) => labels[cls][i]), sample.map((i) => scores[cls][i]), { maxPrPoints: 0 })]));
        const mean = metric === 'ap' ? summarize(perClass).map : summarize(perClass).map07;
        if (mean !== null) means.push(mean);
      }
      means.sort((a, b) => a - b);
      return { low: quantile(means, (1 - 0.95) / 2), high: quantile(means, (1 + 0.95) / 2), resamples, seed };
    };
    const random = new Random(11);
    const labels: Record<string, number[]> = {};
    const scores: Record<string, number[]> = {};
    for (const cls of ['coarse', 'fine', 'rare']) {
      // Scores on a grid of 5 levels (coarse: long runs of ties between different images),
      // continuous (fine), and one positive in 60 (rare: resamples without it have no AP).
      labels[cls] = Array.from({ length: 60 }, (_, i) => (cls === 'rare' ? (i === 7 ? 1 : -1) : [1, -1, -1, 0][random.int(4)]));
      scores[cls] = Array.from({ length: 60 }, () => (cls === 'coarse' ? random.int(5) / 4 : random.normal()));
    }
    scores.coarse[3] = -Infinity;
    scores.coarse[9] = -Infinity;
    const input = { kind: 'classification' as const, labels, scores };
    for (const metric of ['ap', 'ap07'] as const) {
      expect(bootstrapMapInterval(input, { resamples: 300, seed: 5, metric })).toEqual(reference(labels, scores, 300, 5, metric));
    }
  });
});

/** One class, `n` images with one 10x10 object each; image i gets one detection, a hit for even i, a miss for odd i. */
function detection(n: number): { gt: ClassGroundTruth; dets: ClassDetections } {
  const gt: ClassGroundTruth = { imageCount: n, start: new Int32Array(n + 1), boxes: new Float64Array(4 * n), difficult: new Uint8Array(n) };
  const dets: ClassDetections = { image: new Int32Array(n), score: new Float64Array(n), boxes: new Float64Array(4 * n) };
  for (let i = 0; i < n; i++) {
    gt.start[i + 1] = i + 1;
    gt.boxes.set([1, 1, 10, 10], 4 * i);
    dets.image[i] = i;
    dets.score[i] = 1 - i / n;
    dets.boxes.set(i % 2 === 0 ? [1, 1, 10, 10] : [50, 50, 60, 60], 4 * i);
  }
  return { gt, dets };
}

describe('bootstrapMapInterval, detection', () => {
  it('contains the 11-point point estimate, is deterministic, shrinks with more images', () => {
    const small = detection(8);
    const point = evaluateClassDetections(small.gt, small.dets).ap07!;
    const a = bootstrapMapInterval({ kind: 'detection', groundTruth: { a: small.gt }, detections: { a: small.dets } }, { seed: 1, resamples: 300 });
    expect(a.low).toBeLessThanOrEqual(point);
    expect(a.high).toBeGreaterThanOrEqual(point);
    expect(bootstrapMapInterval({ kind: 'detection', groundTruth: { a: small.gt }, detections: { a: small.dets } }, { seed: 1, resamples: 300 })).toEqual(a);

    const large = detection(128);
    const b = bootstrapMapInterval({ kind: 'detection', groundTruth: new Map([['a', large.gt]]), detections: { a: large.dets } }, { seed: 1, resamples: 300 });
    expect(b.high - b.low).toBeLessThan(a.high - a.low);
  });

  it('gives [1, 1] when every object is found before any false positive, duplicates included', () => {
    // Every image's detection hits its object, so any resample (with repeated images) has AP 1.
    const { gt, dets } = detection(6);
    for (let i = 0; i < 6; i++) dets.boxes.set([1, 1, 10, 10], 4 * i);
    const interval = bootstrapMapInterval({ kind: 'detection', groundTruth: { a: gt }, detections: { a: dets } }, { resamples: 100 });
    // 11-point AP sums eleven precisions: 1 up to float rounding.
    expect(interval.low).toBeCloseTo(1, 12);
    expect(interval.high).toBeCloseTo(1, 12);
  });

  it('counts a drawn-twice image as two images: two objects, two detections', () => {
    // Image 0: object found (score 0.9). Image 1: object missed, a false positive at 0.95.
    // A sample of two image-0 copies must score AP 1 (two objects, two hits), not the AP of
    // one object claimed twice (a hit then a false positive).
    const gt: ClassGroundTruth = { imageCount: 2, start: Int32Array.from([0, 1, 2]), boxes: Float64Array.from([1, 1, 10, 10, 1, 1, 10, 10]), difficult: new Uint8Array(2) };
    const dets: ClassDetections = { image: Int32Array.from([0, 1]), score: Float64Array.from([0.9, 0.95]), boxes: Float64Array.from([1, 1, 10, 10, 40, 40, 50, 50]) };
    const interval = bootstrapMapInterval({ kind: 'detection', groundTruth: { a: gt }, detections: { a: dets } }, { resamples: 400, seed: 2 });
    // Samples: {0,0}: AP 1 (p=1/4); {0,1}: FP then TP, precision 1/2 up to recall 1/2 -> 6/11 * 1/2 (p=1/2);
    // {1,1}: AP 0 (p=1/4). So the 2.5% and 97.5% quantiles are 0 and 1.
    expect(interval.low).toBe(0);
    expect(interval.high).toBeCloseTo(1, 12);
  });
});
