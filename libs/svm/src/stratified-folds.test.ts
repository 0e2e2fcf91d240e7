import { describe, expect, it } from 'vitest';
import { foldSplit, stratifiedFoldAssignment } from './stratified-folds.ts';

describe('stratifiedFoldAssignment (sklearn StratifiedKFold, shuffle=False)', () => {
  it('hand-worked case: 4 positives, 6 negatives, 3 folds', () => {
    // Classes by first appearance: 1 → #0 (4 samples), −1 → #1 (6). Sorted codes
    // 0 0 0 0 1 1 1 1 1 1; fold f takes positions f, f+3, ...:
    //   fold 0: positions 0 3 6 9 → #0 ×2, #1 ×2;  fold 1: 1 4 7 → #0 ×1, #1 ×2;  fold 2: 2 5 8 → #0 ×1, #1 ×2.
    // Positives (indices 0 1 2 7) → folds 0 0 1 2; negatives (3 4 5 6 8 9) → 0 0 1 1 2 2.
    const y = [1, 1, 1, -1, -1, -1, -1, 1, -1, -1];
    expect(Array.from(stratifiedFoldAssignment(y, 3))).toEqual([0, 0, 1, 0, 0, 1, 1, 2, 2, 2]);
  });

  it('hand-worked case: negatives first, a class smaller than the number of folds', () => {
    // −1 → #0 (5), 1 → #1 (2). Sorted 0 0 0 0 0 1 1: fold 0: positions 0 3 6 → #0 ×2, #1 ×1;
    // fold 1: 1 4 → #0 ×2; fold 2: 2 5 → #0 ×1, #1 ×1.
    // Negatives (0 2 3 5 6) → 0 0 1 1 2; positives (1 4) → 0 2.
    const y = [-1, 1, -1, -1, 1, -1, -1];
    expect(Array.from(stratifiedFoldAssignment(y, 3))).toEqual([0, 0, 0, 1, 2, 1, 2]);
  });

  it('splits into train/validation index lists in ascending order', () => {
    const assignment = stratifiedFoldAssignment([1, 1, 1, -1, -1, -1, -1, 1, -1, -1], 3);
    expect(foldSplit(assignment, 1)).toEqual({ train: Int32Array.from([0, 1, 3, 4, 7, 8, 9]), validation: Int32Array.from([2, 5, 6]) });
  });

  it('keeps every class spread over the folds with sizes differing by at most one', () => {
    const y = Array.from({ length: 101 }, (_, i) => (i % 7 === 0 ? 1 : -1));
    const assignment = stratifiedFoldAssignment(y, 3);
    const sizes = [0, 0, 0];
    const positives = [0, 0, 0];
    assignment.forEach((f, i) => { sizes[f]++; if (y[i] === 1) positives[f]++; });
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Math.max(...positives) - Math.min(...positives)).toBeLessThanOrEqual(1);
    expect(() => stratifiedFoldAssignment([1, -1], 3)).toThrow(RangeError);
  });
});
