import { describe, expect, it } from 'vitest';
import { evaluateClassScores } from './classification.ts';

describe('evaluateClassScores (VOCevalcls.m rules)', () => {
  it('label-0 images are neither true nor false positives', () => {
    // Ranked: the label-0 image (0.9), the positive (0.5), the negative (0.1):
    // tp 0,1,1; fp 0,0,1 → recall 0,1,1, precision 0,1,1/2 → AP 1.
    // Counted as a FP the label-0 image would give AP 1/2.
    const result = evaluateClassScores([1, 0, -1], [0.5, 0.9, 0.1]);
    expect(result).toMatchObject({ ap: 1, npos: 1 });
    expect(result.ap07).toBeCloseTo(1, 15);
  });

  it('an image scored -Infinity (left out of the submission) ranks last', () => {
    // The negative (0.5) first, the missing positive last: precision 0, 1/2 → AP 1/2.
    expect(evaluateClassScores([-1, 1], [0.5, -Infinity]).ap).toBe(0.5);
  });

  it('ties keep the split order, including ties at -Infinity', () => {
    expect(evaluateClassScores([-1, 1], [0.5, 0.5]).ap).toBe(0.5);
    expect(evaluateClassScores([1, -1], [0.5, 0.5]).ap).toBe(1);
    expect(evaluateClassScores([1, -1], [-Infinity, -Infinity]).ap).toBe(1);
    expect(evaluateClassScores([-1, 1], [-Infinity, -Infinity]).ap).toBe(0.5);
  });

  it('npos counts the positive images; two of four found first gives AP 1', () => {
    // Ranked 1, 1, -1, -1 → precision 1, 1, 2/3, 1/2; recall 1/2, 1, 1, 1.
    const result = evaluateClassScores([-1, 1, -1, 1], [0.1, 0.9, 0.2, 0.8]);
    expect(result).toMatchObject({ ap: 1, npos: 2 });
    expect(result.pr).toEqual({ recall: [0.5, 1, 1, 1], precision: [1, 1, 2 / 3, 0.5] });
  });

  it('a class with no positive image has AP null, not NaN', () => {
    expect(evaluateClassScores([-1, 0], [0.3, 0.2])).toEqual({ ap: null, ap07: null, npos: 0 });
  });

  it('rejects a bad label or a NaN score', () => {
    expect(() => evaluateClassScores([2], [0.1])).toThrow(/label 0 is 2/);
    expect(() => evaluateClassScores([1], [NaN])).toThrow(/score 0 is NaN/);
  });
});
