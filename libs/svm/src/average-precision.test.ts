import { describe, expect, it } from 'vitest';
import { averagePrecisionScore } from './average-precision.ts';

describe('averagePrecisionScore (sklearn semantics)', () => {
  it('perfect and worst rankings', () => {
    expect(averagePrecisionScore([1, 1, -1, -1], [4, 3, 2, 1])).toBe(1);
    // positives ranked last: thresholds 4,3 give recall 0; 2: R=1/2, P=1/3; 1: R=1, P=2/4.
    expect(averagePrecisionScore([-1, -1, 1, 1], [4, 3, 2, 1])).toBeCloseTo(0.5 * (1 / 3) + 0.5 * 0.5, 15);
  });

  it('groups tied scores into one threshold (hand-computed)', () => {
    // scores 0.9 | 0.8 0.8 | 0.5 0.5 | 0.1, labels 1 | 0 1 | 1 0 | 0 (3 positives):
    // 0.9: P=1 R=1/3; 0.8: P=2/3 R=2/3; 0.5: P=3/5 R=1; 0.1: R unchanged.
    // AP = 1/3·1 + 1/3·2/3 + 1/3·3/5 = 0.75555…  (sklearn 1.2.1 prints 0.7555555555555555)
    expect(averagePrecisionScore([1, 0, 1, 1, 0, 0], [0.9, 0.8, 0.8, 0.5, 0.5, 0.1])).toBeCloseTo(0.7555555555555555, 15);
    // all tied: one threshold, P = positives / n
    expect(averagePrecisionScore([1, -1, -1, -1], [0, 0, 0, 0])).toBeCloseTo(0.25, 15);
  });

  it('is 0 without positives (recent sklearn)', () => {
    expect(averagePrecisionScore([-1, -1], [1, 2])).toBe(0);
  });
});
