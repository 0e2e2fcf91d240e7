import { describe, expect, it } from 'vitest';
import { pkBatches } from './pk-sampler.ts';

describe('pkBatches', () => {
  // 7 clusters: sizes 5, 5, 5, 5, 2, 1, 6 (cluster ids deliberately not 0..6)
  const labels: number[] = [];
  const sizes: Array<[number, number]> = [[10, 5], [11, 5], [12, 5], [13, 5], [20, 2], [30, 1], [40, 6]];
  for (const [id, size] of sizes) for (let i = 0; i < size; i++) labels.push(id);

  it('makes passes of floor(C/P) batches of P clusters × K images, each cluster at most once per pass', () => {
    const batches = pkBatches(labels, { p: 3, k: 4, seed: 1, minImages: 1 });
    expect(batches.length).toBe(2); // one pass: 7 clusters, P = 3: one group of 1 dropped
    const seen = new Set<number>();
    for (const batch of batches) {
      expect(batch.length).toBe(12);
      for (let c = 0; c < 3; c++) {
        const group = batch.slice(c * 4, c * 4 + 4);
        const cluster = labels[group[0]];
        expect(group.every((i) => labels[i] === cluster)).toBe(true);
        expect(seen.has(cluster)).toBe(false);
        seen.add(cluster);
        const size = sizes.find(([id]) => id === cluster)![1];
        // without replacement when the cluster has ≥ K members
        if (size >= 4) expect(new Set(group).size).toBe(4);
      }
    }
  });

  it('repeats passes until an epoch has shown at least n images', () => {
    // n = 29 images; a pass of P = 3, K = 4 shows 2 × 12 = 24, so an epoch takes two passes.
    const batches = pkBatches(labels, { p: 3, k: 4, seed: 1 });
    expect(batches.length).toBe(4);
    expect(batches.slice(0, 2)).toEqual(pkBatches(labels, { p: 3, k: 4, seed: 1, minImages: 1 }));
    expect(pkBatches(labels, { p: 3, k: 4, seed: 1, minImages: 49 }).length).toBe(6);
  });

  it('samples small clusters with replacement', () => {
    // P = 7 takes every cluster; clusters 20 (2 members) and 30 (1 member) need repeats.
    const [batch] = pkBatches(labels, { p: 7, k: 4, seed: 3, minImages: 1 });
    const of = (id: number) => batch.filter((i) => labels[i] === id);
    expect(of(30)).toEqual([labels.indexOf(30), labels.indexOf(30), labels.indexOf(30), labels.indexOf(30)]);
    expect(of(20).length).toBe(4);
    expect(new Set(of(20)).size).toBeLessThanOrEqual(2);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(pkBatches(labels, { p: 2, k: 2, seed: 5 })).toEqual(pkBatches(labels, { p: 2, k: 2, seed: 5 }));
    expect(pkBatches(labels, { p: 2, k: 2, seed: 5 })).not.toEqual(pkBatches(labels, { p: 2, k: 2, seed: 6 }));
  });

  it('rejects P larger than the number of clusters', () => {
    expect(() => pkBatches(labels, { p: 8, k: 2, seed: 1 })).toThrow(RangeError);
  });
});
