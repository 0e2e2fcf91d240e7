import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { iouMatrix } from './boxes.ts';
import { nms } from './nms.ts';
import { randomBoxes } from './testing/random-boxes.ts';

/** Direct O(n^2) reference: repeatedly take the best remaining box (lowest index on ties), drop all it overlaps. */
function referenceNms(boxes: Float32Array, scores: Float32Array, thresh: number): number[] {
  const n = scores.length;
  const overlaps = iouMatrix(boxes, boxes);
  const remaining = new Set(Array.from({ length: n }, (_, i) => i));
  const keep: number[] = [];
  while (remaining.size > 0) {
    let best = -1;
    for (const i of remaining) if (best < 0 || scores[i] > scores[best] || (scores[i] === scores[best] && i < best)) best = i;
    keep.push(best);
    for (const j of [...remaining]) if (j === best || overlaps[best * n + j] >= thresh) remaining.delete(j);
  }
  return keep;
}

describe('nms', () => {
  it('matches a direct O(n^2) greedy reference on random boxes with tied scores', () => {
    const random = new Random(11);
    for (const thresh of [0.3, 0.5, 0.7]) {
      const boxes = randomBoxes(random, 400, 200, 150, 4);
      // Scores on a coarse grid so that many are equal.
      const scores = Float32Array.from({ length: 400 }, () => random.int(40) / 40);
      expect(Array.from(nms(boxes, scores, thresh))).toEqual(referenceNms(boxes, scores, thresh));
    }
  });

  it('suppresses at IoU >= thresh, keeps equal scores in index order, and stops at maxKeep', () => {
    const boxes = new Float32Array([
      0, 0, 9, 9, //
      0, 0, 9, 4, // IoU 0.5 with box 0
      50, 50, 59, 59,
      100, 100, 109, 109,
    ]);
    const scores = new Float32Array([0.9, 0.8, 0.5, 0.5]);
    expect(Array.from(nms(boxes, scores, 0.5))).toEqual([0, 2, 3]);
    expect(Array.from(nms(boxes, scores, 0.51))).toEqual([0, 1, 2, 3]);
    expect(Array.from(nms(boxes, scores, 0.5, 2))).toEqual([0, 2]);
    expect(Array.from(nms(new Float32Array(0), new Float32Array(0), 0.5))).toEqual([]);
  });
});
