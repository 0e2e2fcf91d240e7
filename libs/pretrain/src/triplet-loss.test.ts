import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { batchHardTripletLoss, DISTANCE_EPSILON } from './triplet-loss.ts';

/** Direct O(n²·d) float64 batch-hard loss, written from the definition (eq. 6, mean over anchors). */
function reference(e: number[][], labels: number[], margin: number): number {
  const n = e.length;
  const dist = (a: number, b: number) => Math.sqrt(e[a].reduce((s, v, t) => s + (v - e[b][t]) ** 2, 0) + DISTANCE_EPSILON);
  let total = 0, anchors = 0;
  for (let a = 0; a < n; a++) {
    let hardestPos = -Infinity, hardestNeg = Infinity;
    for (let b = 0; b < n; b++) {
      if (b === a) continue;
      if (labels[b] === labels[a]) hardestPos = Math.max(hardestPos, dist(a, b));
      else hardestNeg = Math.min(hardestNeg, dist(a, b));
    }
    if (hardestPos === -Infinity || hardestNeg === Infinity) continue;
    total += Math.max(0, margin + hardestPos - hardestNeg);
    anchors++;
  }
  return anchors === 0 ? 0 : total / anchors;
}

function randomEmbeddings(n: number, d: number, seed: number, scale: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() * scale));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('batchHardTripletLoss', () => {
  it('matches a hand-worked example', () => {
    // 1-D points: A0 = 0, A1 = 1 (label 0), B0 = 1.2, B1 = 3 (label 1).
    // anchor 0: pos 1, neg 1.2 → 0.3 + 1 − 1.2 = 0.1
    // anchor 1: pos 1, neg 0.2 → 1.1
    // anchor 2: pos 1.8, neg 0.2 → 1.9
    // anchor 3: pos 1.8, neg 2 → 0.1
    // mean = 3.2 / 4 = 0.8
    const loss = batchHardTripletLoss(tf.tensor2d([[0], [1], [1.2], [3]]), Int32Array.of(0, 0, 1, 1));
    expect(loss.dataSync()[0]).toBeCloseTo(0.8, 5);
  });

  it('matches a direct float64 computation on random batches', () => {
    for (const seed of [1, 2, 3]) {
      const e = randomEmbeddings(12, 6, seed, 0.3);
      const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3];
      const got = batchHardTripletLoss(tf.tensor2d(e), tf.tensor1d(labels, 'int32')).dataSync()[0];
      expect(got).toBeCloseTo(reference(e, labels, 0.3), 5);
    }
  });

  it('is zero when every hardest negative is farther than the hardest positive plus the margin', () => {
    const loss = batchHardTripletLoss(tf.tensor2d([[0, 0], [0.1, 0], [5, 5], [5.1, 5]]), Int32Array.of(0, 0, 1, 1));
    expect(loss.dataSync()[0]).toBe(0);
  });

  it('leaves anchors without a positive out of the mean', () => {
    // Anchor 2 is alone in its label: only anchors 0 and 1 count.
    const e = [[0], [1], [1.2]];
    const labels = [0, 0, 1];
    const got = batchHardTripletLoss(tf.tensor2d(e), Int32Array.from(labels)).dataSync()[0];
    // anchor 0: 0.3 + 1 − 1.2 = 0.1; anchor 1: 0.3 + 1 − 0.2 = 1.1; mean 0.6
    expect(got).toBeCloseTo(0.6, 5);
    expect(got).toBeCloseTo(reference(e, labels, 0.3), 5);
  });

  it('has the gradient of the definition (central differences in float64)', () => {
    // 8 × 5, labels 4 × 2, generic random points: distinct distances, so the hardest pairs
    // (and the active hinges) do not change within ±h.
    const e = randomEmbeddings(8, 5, 17, 0.5);
    const labels = [0, 0, 1, 1, 2, 2, 3, 3];
    const margin = 1.0; // large enough that most hinges are active
    const grad = tf.grad((x: tf.Tensor) => batchHardTripletLoss(x as tf.Tensor2D, Int32Array.from(labels), margin))(tf.tensor2d(e));
    const g = grad.arraySync() as number[][];
    const h = 1e-5;
    let nonzero = 0;
    for (let i = 0; i < 8; i++) {
      for (let t = 0; t < 5; t++) {
        const plus = e.map((r) => r.slice()); plus[i][t] += h;
        const minus = e.map((r) => r.slice()); minus[i][t] -= h;
        const numeric = (reference(plus, labels, margin) - reference(minus, labels, margin)) / (2 * h);
        expect(Math.abs(g[i][t] - numeric)).toBeLessThan(2e-3);
        if (Math.abs(numeric) > 1e-3) nonzero++;
      }
    }
    expect(nonzero).toBeGreaterThan(10);
  });

  it('has a finite gradient with duplicate embeddings (distance 0)', () => {
    const x = tf.tensor2d([[1, 2], [1, 2], [3, 1], [3, 1]]);
    const g = tf.grad((v: tf.Tensor) => batchHardTripletLoss(v as tf.Tensor2D, Int32Array.of(0, 0, 1, 1), 5))(x);
    for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
  });
});
