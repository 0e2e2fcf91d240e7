import { describe, expect, it } from 'vitest';
import { compareScalars, compareTensors, globalNorm } from './parity.ts';
import { matchDetections } from './detections-match.ts';

describe('compareTensors', () => {
  it('measures the error against the reference\'s largest magnitude', () => {
    const p = compareTensors([0, 1.0005, 2], [0, 1, 2], 1e-3);
    expect(p.relMax).toBeCloseTo(0.00025, 9);
    expect(p.pass).toBe(true);
    expect(compareTensors([0, 1.01, 2], [0, 1, 2], 1e-3).pass).toBe(false);
  });

  it('fails on a non-finite result whatever the rest', () => {
    const p = compareTensors([NaN, 1], [0, 1]);
    expect(p.nonFinite).toBe(1);
    expect(p.pass).toBe(false);
  });
});

describe('compareScalars and globalNorm', () => {
  it('compares relatively', () => {
    expect(compareScalars(1.005, 1, 1e-2).pass).toBe(true);
    expect(compareScalars(1.02, 1, 1e-2).pass).toBe(false);
    expect(compareScalars(NaN, 1, 1e-2).pass).toBe(false);
  });
  it('is the L2 norm over all tensors', () => {
    expect(globalNorm([[3], [4, 0]])).toBe(5);
  });
});

describe('matchDetections', () => {
  const options = { scoreThreshold: 0.05, limit: 3 };
  const reference = { boxes: [0, 0, 99, 99, 200, 200, 299, 299, 50, 50, 80, 80], scores: [0.9, 0.5, 0.2], labels: [1, 2, 1] };

  it('matches reordered boxes by class and IoU and compares their scores', () => {
    const actual = { boxes: [200, 200, 299, 299, 0, 0, 99, 99.2, 50, 50, 80, 80], scores: [0.5002, 0.9, 0.2], labels: [2, 1, 1] };
    const p = matchDetections(actual, reference, options);
    expect(p).toMatchObject({ matched: 3, unexplained: 0, atCut: 0, pass: true });
    expect(p.maxScoreRelDiff).toBeCloseTo(0.0004, 9);
  });

  it('does not match across classes, or below IoU 0.99', () => {
    const wrongClass = { ...reference, labels: [1, 3, 1] };
    expect(matchDetections(wrongClass, reference, options)).toMatchObject({ matched: 2, unexplained: 2, pass: false });
    const shifted = { ...reference, boxes: [0, 0, 99, 99, 205, 200, 304, 299, 50, 50, 80, 80] };
    expect(matchDetections(shifted, reference, options)).toMatchObject({ matched: 2, pass: false });
  });

  it('accepts a lone box that fell on the other side of the top-N cut', () => {
    // Both sides kept 3 (the limit); the third boxes differ but score at the cut.
    const actual = { boxes: [0, 0, 99, 99, 200, 200, 299, 299, 120, 120, 150, 150], scores: [0.9, 0.5, 0.19999], labels: [1, 2, 4] };
    const p = matchDetections(actual, reference, options);
    expect(p).toMatchObject({ matched: 2, atCut: 2, unexplained: 0, pass: true });
  });

  it('rejects a score beyond the tolerance', () => {
    const actual = { ...reference, scores: [0.9, 0.51, 0.2] };
    expect(matchDetections(actual, reference, options).pass).toBe(false);
  });

  it('does not pass when there is nothing to compare', () => {
    const none = { boxes: [], scores: [], labels: [] };
    expect(matchDetections(none, none, options).pass).toBe(false);
  });
});
