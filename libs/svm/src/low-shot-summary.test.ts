import { describe, expect, it } from 'vitest';
import { summarizeLowShotK } from './low-shot-summary.ts';

describe('summarizeLowShotK (aggregate_low_shot_svm_stats.py)', () => {
  it('picks the cost with the best mean over samples, first on ties, and reports population std there', () => {
    // means over the two samples: 0.6, 0.7, 0.7 → cost 1 (the first of the tie)
    const summary = summarizeLowShotK(4, [0.1, 1, 10], [[0.5, 0.6, 0.65], [0.7, 0.8, 0.75]]);
    expect(summary).toMatchObject({ k: 4, cost: 1, costIndex: 1, perSample: [0.6, 0.8], min: 0.6, max: 0.8 });
    expect(summary.mean).toBeCloseTo(0.7, 15);
    expect(summary.std).toBeCloseTo(0.1, 15); // np.std: sqrt(((0.6-0.7)^2 + (0.8-0.7)^2) / 2)
    expect(summary.meanByCost.map((v) => +v.toFixed(12))).toEqual([0.6, 0.7, 0.7]);
  });

  it('refuses a row with the wrong number of costs', () => {
    expect(() => summarizeLowShotK(1, [1, 2], [[0.5]])).toThrow('low-shot k 1: 1 mAPs for 2 costs');
    expect(() => summarizeLowShotK(1, [1], [])).toThrow('no sample');
  });
});
