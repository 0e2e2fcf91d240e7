import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { rankByScore } from './rank.ts';

/** The ranking rankByScore replaces: descending score, ties by index. */
function rankWithComparator(score: Float64Array): Uint32Array {
  const order = new Uint32Array(score.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => score[b] - score[a] || a - b);
}

describe('rankByScore', () => {
  it.each([0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 1000, 4099])('ranks %i scores as the comparator sort does, ties in index order', (n) => {
    const random = new Random(n + 1);
    // Few distinct values (Detectron's %.3f scores tie often), signed zeros, infinities.
    const values = [0, -0, 0.5, 0.25, 1, -1, 0.001, 0.999, Infinity, -Infinity];
    const tied = Float64Array.from({ length: n }, () => values[random.int(values.length)]);
    const distinct = Float64Array.from({ length: n }, () => random.normal());
    const rounded = Float64Array.from({ length: n }, () => Math.round(random.next() * 1000) / 1000);
    for (const score of [tied, distinct, rounded, distinct.slice().sort(), distinct.slice().sort().reverse(), new Float64Array(n)]) {
      expect(Array.from(rankByScore(score))).toEqual(Array.from(rankWithComparator(score)));
    }
  });

  it('keeps file order among equal scores, -0 equal to 0', () => {
    expect(Array.from(rankByScore(Float64Array.from([0.5, 0.9, 0.5, -0, 0.9, 0])))).toEqual([1, 4, 0, 2, 3, 5]);
  });
});
