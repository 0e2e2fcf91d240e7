import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { boxAreas } from './boxes.ts';
import { flipBoxesHorizontally } from './flip.ts';
import { randomBoxes } from './testing/random-boxes.ts';

describe('flipBoxesHorizontally', () => {
  it("maps x1' = W - x2 - 1 and x2' = W - x1 - 1", () => {
    expect(Array.from(flipBoxesHorizontally(new Float32Array([0, 3, 2, 5, 9, 0, 9, 0]), 10))).toEqual([7, 3, 9, 5, 0, 0, 0, 0]);
  });

  it('is its own inverse and keeps areas', () => {
    const boxes = randomBoxes(new Random(2), 100, 500, 375);
    const flipped = flipBoxesHorizontally(boxes, 500);
    expect(Array.from(flipBoxesHorizontally(flipped, 500))).toEqual(Array.from(boxes));
    expect(Array.from(boxAreas(flipped))).toEqual(Array.from(boxAreas(boxes)));
  });
});
