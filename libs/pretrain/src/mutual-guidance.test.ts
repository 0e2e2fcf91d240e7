import { describe, expect, it } from 'vitest';
import { mutualGuidancePlan, splitHalves, tripletWeight } from './mutual-guidance.ts';

describe('mutualGuidancePlan', () => {
  it('follows the paper: N1 labels D2 for N2, then N2 labels D1 for N1, then N1 labels all for N2', () => {
    const plan = mutualGuidancePlan({ T: 10, E: 10, n: 60000, seed: 1 });
    expect(plan.length).toBe(21);
    expect(plan.map((s) => s.step)).toEqual([...Array(21).keys()]);
    for (let t = 0; t < 10; t++) {
      expect(plan[2 * t]).toMatchObject({ labeler: 'N1', learner: 'N2', data: 'D2', epochs: 10 });
      expect(plan[2 * t + 1]).toMatchObject({ labeler: 'N2', learner: 'N1', data: 'D1', epochs: 10 });
      expect(plan[2 * t].lambda).toBe(plan[2 * t + 1].lambda);
    }
    expect(plan[20]).toEqual({ step: 20, labeler: 'N1', learner: 'N2', data: 'all', lambda: 1, epochs: 10 });
  });

  it('raises λ linearly from 0.1 to 1', () => {
    const lambdas = mutualGuidancePlan({ T: 10, E: 1, n: 10, seed: 1 }).filter((s) => s.data === 'D2').map((s) => s.lambda);
    const expected = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    lambdas.forEach((l, i) => expect(l).toBeCloseTo(expected[i], 12));
    expect(tripletWeight(0, 4)).toBeCloseTo(0.1, 12);
    expect(tripletWeight(1, 4)).toBeCloseTo(0.4, 12);
    expect(tripletWeight(3, 4)).toBeCloseTo(1, 12);
  });

  it('uses λ = 1 for a one-iteration schedule', () => {
    expect(mutualGuidancePlan({ T: 1, E: 2, n: 4, seed: 0 }).map((s) => s.lambda)).toEqual([1, 1, 1]);
  });

  it('rejects bad sizes', () => {
    expect(() => mutualGuidancePlan({ T: 0, E: 1, n: 10, seed: 1 })).toThrow(RangeError);
    expect(() => mutualGuidancePlan({ T: 1, E: 0, n: 10, seed: 1 })).toThrow(RangeError);
  });
});

describe('splitHalves', () => {
  it('splits 0..n−1 into two disjoint sorted halves', () => {
    for (const n of [10, 11]) {
      const { d1, d2 } = splitHalves(n, 7);
      expect(d1.length).toBe(Math.floor(n / 2));
      expect(d2.length).toBe(n - Math.floor(n / 2));
      expect([...d1, ...d2].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect([...d1]).toEqual([...d1].sort((a, b) => a - b));
      expect([...d2]).toEqual([...d2].sort((a, b) => a - b));
    }
  });

  it('is seeded', () => {
    expect(splitHalves(100, 3)).toEqual(splitHalves(100, 3));
    expect(splitHalves(100, 3).d1).not.toEqual(splitHalves(100, 4).d1);
  });
});
