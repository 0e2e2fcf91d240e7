import { describe, expect, it } from 'vitest';
import { normalizedMutualInformation, purity } from './cluster-metrics.ts';

describe('normalizedMutualInformation', () => {
  it('is 1 for identical partitions, whatever the label names', () => {
    expect(normalizedMutualInformation([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBeCloseTo(1, 12);
  });

  it('matches a hand-worked example', () => {
    // predicted {0,1} {2,3}; truth {0,1,2} {3}. n = 4.
    // I = ½ln(4/3) + ¼ln(2/3) + ¼ln2;  H(pred) = ln2;  H(truth) = −(¾ln¾ + ¼ln¼)
    const mi = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2);
    const hp = Math.log(2);
    const ht = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    const expected = mi / ((hp + ht) / 2);
    expect(expected).toBeCloseTo(0.343711, 6);
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(expected, 12);
    // symmetric
    expect(normalizedMutualInformation([0, 0, 0, 1], [0, 0, 1, 1])).toBeCloseTo(expected, 12);
  });

  it('is 0 for independent partitions and 1 when both are a single cluster', () => {
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
    expect(normalizedMutualInformation([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
    expect(normalizedMutualInformation([7, 7, 7], [1, 1, 1])).toBe(1);
  });
});

describe('purity', () => {
  it('counts the majority class of every cluster', () => {
    expect(purity([0, 0, 1, 1], [0, 0, 0, 1])).toBe(0.75);
    // clusters: {a,a,b} → 2, {b,c,c,c} → 3, {a} → 1: 6/8
    expect(purity([0, 0, 0, 1, 1, 1, 1, 2], [0, 0, 1, 1, 2, 2, 2, 0])).toBe(6 / 8);
  });

  it('rejects labelings of different lengths', () => {
    expect(() => purity([0], [0, 1])).toThrow(RangeError);
  });
});
