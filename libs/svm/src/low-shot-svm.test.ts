import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { runLowShotSvm } from './low-shot-svm.ts';
import { GOYAL2019_PROTOCOL, type SvmClass } from './voc-svm.ts';

/**
 * Single-label images with one-hot features (dimension c for class c, the last for background):
 * every linear SVM trained on k positives (e_c) and negatives (other one-hots) scores e_c above
 * every other one-hot, so every class's test AP is exactly 1 at every cost, k and sample.
 * Difficult-only test images carry their class's feature and come first in the split: counted
 * as negatives, they would tie with the positives, rank above them and pull APs below 1 (that
 * difficult training images are never drawn is low-shot-samples.test.ts's).
 */
function oneHotProblem(seed: number, rows: number, classes: number) {
  const random = new Random(seed);
  const d = classes + 1;
  const data = new Float32Array(rows * d);
  const labels = Array.from({ length: classes }, () => new Int8Array(rows).fill(-1));
  for (let i = 0; i < rows; i++) {
    const which = i < classes ? i : random.int(d); // the first rows: one difficult image per class
    data[i * d + which] = 1;
    if (which < classes) labels[which][i] = i < classes ? 0 : 1;
  }
  return { data, labels, d };
}

describe('runLowShotSvm', () => {
  const classes = 4;
  const train = oneHotProblem(1, 400, classes);
  const test = oneHotProblem(2, 200, classes);
  const svmClasses: SvmClass[] = train.labels.map((labels, c) => ({ name: `c${c}`, trainLabels: labels, testLabels: test.labels[c] }));
  const svm = { ...GOYAL2019_PROTOCOL, costs: [0.01, 0.1, 1, 10] };

  it('gives mAP 1 with std 0 at every k on separable one-hot features, the first cost on the tie; too-large k skipped', async () => {
    const positives = Math.min(...train.labels.map((l) => l.filter((v) => v === 1).length));
    const tooMany = positives + 1;
    const result = await runLowShotSvm(
      { rows: 400, cols: train.d, data: train.data }, { rows: 200, cols: test.d, data: test.data }, svmClasses, svm,
      { kValues: [1, 2, 8, tooMany], samples: 3, seed: 5 }, { threads: 0 },
    );
    expect(result.byK.map((r) => r.k)).toEqual([1, 2, 8]);
    for (const r of result.byK) {
      expect(r).toMatchObject({ mean: 1, std: 0, min: 1, max: 1, cost: 0.01, costIndex: 0, perSample: [1, 1, 1] });
      expect(r.seeds).toEqual([5 + r.k, 1005 + r.k, 2005 + r.k]);
    }
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatchObject({ k: tooMany, pool: 'positives', available: positives, needed: tooMany });
    expect(result.skipped[0].reason).toMatch(new RegExp(`^k ${tooMany}: class c\\d has ${positives} positive training images, ${tooMany} needed$`));
    expect(result).toMatchObject({ kValues: [1, 2, 8, tooMany], samples: 3, seed: 5 });
  });

  it('the SIMD path on workers and the JavaScript path inline agree on a noisy problem', async () => {
    const random = new Random(9);
    const d = 16;
    const make = (rows: number) => {
      const data = new Float32Array(rows * d);
      const labels = [new Int8Array(rows), new Int8Array(rows)];
      for (let i = 0; i < rows; i++) {
        for (let k = 0; k < d; k++) data[i * d + k] = Math.max(0, random.normal());
        for (let c = 0; c < 2; c++) {
          const present = random.next() < 0.3;
          if (present) data[i * d + c] += 1.2;
          labels[c][i] = present ? (random.next() < 0.1 ? 0 : 1) : -1;
        }
      }
      return { data, labels };
    };
    const a = make(300);
    const b = make(200);
    const cls: SvmClass[] = [0, 1].map((c) => ({ name: `k${c}`, trainLabels: a.labels[c], testLabels: b.labels[c] }));
    const run = (options: { threads: number; simd: boolean }) => runLowShotSvm(
      { rows: 300, cols: d, data: a.data }, { rows: 200, cols: d, data: b.data }, cls, svm, { kValues: [2, 8], samples: 4, seed: 0 }, options,
    );
    const fast = await run({ threads: 2, simd: true });
    const plain = await run({ threads: 0, simd: false });
    expect(fast.byK.map((r) => r.cost)).toEqual(plain.byK.map((r) => r.cost));
    fast.byK.forEach((r, i) => {
      r.meanByCost.forEach((value, j) => expect(value).toBeCloseTo(plain.byK[i].meanByCost[j], 6));
      expect(r.std).toBeGreaterThan(0); // the samples differ
    });
    // more shots help on this signal
    expect(fast.byK[1].mean).toBeGreaterThan(fast.byK[0].mean);
  });
});
