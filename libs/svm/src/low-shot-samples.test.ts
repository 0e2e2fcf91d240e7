import { describe, expect, it } from 'vitest';
import { drawLowShotSets, lowShotSeed } from './low-shot-samples.ts';

// 14 training images, 3 classes (VOC labels 1 / -1 / 0):
//   a: positives 0-2, difficult-only 3, negatives 4-13 (10)
//   b: positives 4-9 (6), difficult-only 10-11, negatives 0-3, 12-13 (6)
//   c: positives 10-13 (4), negatives 0-9 (10)
const NAMES = ['a', 'b', 'c'];
const LABELS = [
  [1, 1, 1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1],
  [-1, -1, -1, -1, 1, 1, 1, 1, 1, 1, 0, 0, -1, -1],
  [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 1, 1, 1],
];
const rowsWith = (c: number, label: number) => LABELS[c].flatMap((l, i) => (l === label ? [i] : []));

describe('drawLowShotSets (create_voc_low_shot_challenge_samples.py semantics)', () => {
  it('draws k positives and (C-1)k negatives per class, never a difficult-only image', () => {
    const plan = drawLowShotSets(LABELS, NAMES, { kValues: [1, 2], samples: 3, seed: 7 });
    expect(plan.kept).toEqual([1, 2]);
    expect(plan.skipped).toEqual([]);
    // sample-major, k-minor, as the reference loops
    expect(plan.draws.map((d) => [d.sample, d.k])).toEqual([[0, 1], [0, 2], [1, 1], [1, 2], [2, 1], [2, 2]]);
    for (const draw of plan.draws) {
      expect(draw.seed).toBe(lowShotSeed(7, draw.sample, draw.k));
      draw.classes.forEach((set, c) => {
        const rows = Array.from(set.rows);
        const positives = rows.filter((_, i) => set.labels[i] === 1);
        const negatives = rows.filter((_, i) => set.labels[i] === -1);
        expect(positives).toHaveLength(draw.k);
        expect(negatives).toHaveLength(2 * draw.k);
        expect(rows).toHaveLength(3 * draw.k);
        expect(new Set(rows).size).toBe(rows.length); // disjoint: no image both ways
        expect(rows).toEqual([...rows].sort((x, y) => x - y));
        for (const row of positives) expect(rowsWith(c, 1)).toContain(row);
        for (const row of negatives) expect(rowsWith(c, -1)).toContain(row);
      });
    }
  });

  it('skips a k whose positives or negatives are too few, naming the first such class', () => {
    // k 3: b needs 6 negatives (has 6), c has 4 positives: fine. k 4: a has 3 positives.
    // k 5 would also fail on a; k 3 is kept even though b's negatives are all drawn.
    const plan = drawLowShotSets(LABELS, NAMES, { kValues: [3, 4, 1], samples: 2, seed: 0 });
    expect(plan.kept).toEqual([3, 1]);
    expect(plan.skipped).toEqual([{ k: 4, className: 'a', pool: 'positives', available: 3, needed: 4 }]);
    for (const draw of plan.draws.filter((d) => d.k === 3)) {
      const b = draw.classes[1];
      expect(Array.from(b.rows).filter((_, i) => b.labels[i] === -1)).toEqual(rowsWith(1, -1)); // all 6
    }
    // Negatives: with a fourth class of all positives, every other class needs 3k negatives.
    const four = [...LABELS, LABELS[0].map(() => 1)];
    const negatives = drawLowShotSets(four, [...NAMES, 'd'], { kValues: [2, 4], samples: 1, seed: 0 });
    // k 2: a needs 6 negatives of 10 and 2 positives of 3; b 6 of 6; c 6 of 10; d has no negative
    expect(negatives.kept).toEqual([]);
    expect(negatives.skipped).toEqual([
      { k: 2, className: 'd', pool: 'negatives', available: 0, needed: 6 },
      { k: 4, className: 'a', pool: 'positives', available: 3, needed: 4 },
    ]);
  });

  it('is deterministic per seed, independent across samples, and a k does not depend on the others listed', () => {
    const big = [Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 1 : i % 4 === 1 ? 0 : -1))];
    const rowsOf = (plan: ReturnType<typeof drawLowShotSets>, sample: number, k: number) =>
      Array.from(plan.draws.find((d) => d.sample === sample && d.k === k)!.classes[0].rows);
    const one = drawLowShotSets([...big, ...big], ['x', 'y'], { kValues: [8, 16], samples: 2, seed: 3 });
    const again = drawLowShotSets([...big, ...big], ['x', 'y'], { kValues: [8, 16], samples: 2, seed: 3 });
    expect(again).toEqual(one);
    const onlySixteen = drawLowShotSets([...big, ...big], ['x', 'y'], { kValues: [16], samples: 2, seed: 3 });
    expect(rowsOf(onlySixteen, 1, 16)).toEqual(rowsOf(one, 1, 16));
    expect(rowsOf(one, 0, 16)).not.toEqual(rowsOf(one, 1, 16));
    const otherSeed = drawLowShotSets([...big, ...big], ['x', 'y'], { kValues: [8, 16], samples: 2, seed: 4 });
    expect(rowsOf(otherSeed, 0, 16)).not.toEqual(rowsOf(one, 0, 16));
    // classes draw independently: x and y have the same labels but other draws
    const draw = one.draws[0];
    expect(Array.from(draw.classes[0].rows)).not.toEqual(Array.from(draw.classes[1].rows));
  });

  it('draws every eligible image about equally often', () => {
    // class with 10 positives, k 2, 2000 samples: each positive drawn ~400 times
    const labels = [Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : -1))];
    const plan = drawLowShotSets(labels, ['x'], { kValues: [2], samples: 2000, seed: 1 });
    const counts = new Array(10).fill(0);
    for (const draw of plan.draws) draw.classes[0].rows.forEach((row, i) => { if (draw.classes[0].labels[i] === 1) counts[row]++; });
    for (const count of counts) expect(Math.abs(count - 400)).toBeLessThan(80); // > 4 sd (sd ~19)
  });

  it('refuses bad k lists and sample counts', () => {
    const draw = (kValues: number[], samples = 5) => () => drawLowShotSets(LABELS, NAMES, { kValues, samples, seed: 0 });
    expect(draw([0])).toThrow('low-shot k 0 is not a positive integer');
    expect(draw([1.5])).toThrow('low-shot k 1.5 is not a positive integer');
    expect(draw([1, 1])).toThrow('a low-shot k value is listed twice');
    expect(draw([])).toThrow('no low-shot k value given');
    expect(draw([1], 0)).toThrow('low-shot sample count 0 is not a positive integer');
  });
});
