import { describe, expect, it } from 'vitest';
import { kmeans, updateCentroids, directInertia } from './kmeans.ts';
import { gaussianBlobs } from './test-data.ts';
import { purity } from '../cluster-metrics.ts';
import type { KernelArrays } from './distance-kernel.ts';

describe('kmeans', () => {
  it('solves a hand-worked 1-D example', async () => {
    // Two obvious groups: {0, 1, 2} (mean 1) and {10, 11} (mean 10.5).
    const x = Float32Array.of(0, 10, 1, 11, 2);
    const r = await kmeans(x, 5, 1, { k: 2, seed: 1, threads: 1 });
    const [a, b] = [r.labels[0], r.labels[1]];
    expect(a).not.toBe(b);
    expect(Array.from(r.labels)).toEqual([a, b, a, b, a]);
    expect(r.centroids[a]).toBeCloseTo(1, 6);
    expect(r.centroids[b]).toBeCloseTo(10.5, 6);
    // 1 + 0 + 1 + 0.25 + 0.25
    expect(r.inertia).toBeCloseTo(2.5, 9);
  });

  it('recovers well-separated blobs', async () => {
    const { x, truth } = gaussianBlobs(600, 16, 6, 7, 4, 1);
    const r = await kmeans(x, 600, 16, { k: 6, seed: 3, threads: 1 });
    expect(purity(r.labels, truth)).toBe(1);
    expect(r.inertia).toBeCloseTo(directInertia(x, 600, 16, r.centroids, r.labels), 6);
    expect(r.iterations).toBeGreaterThanOrEqual(1);
  });

  it('returns centroids that are the means of their points and labels that are nearest-centroid', async () => {
    const n = 300, d = 5, k = 7;
    const { x } = gaussianBlobs(n, d, 4, 11, 1, 1);
    const r = await kmeans(x, n, d, { k, seed: 2, threads: 1 });
    for (let j = 0; j < k; j++) {
      const rows = [...r.labels.keys()].filter((i) => r.labels[i] === j);
      expect(rows.length).toBeGreaterThan(0);
      for (let t = 0; t < d; t++) {
        const mean = rows.reduce((s, i) => s + x[i * d + t], 0) / rows.length;
        expect(r.centroids[j * d + t]).toBeCloseTo(mean, 5);
      }
    }
    for (let i = 0; i < n; i++) {
      let best = -1, bestD = Infinity;
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (x[i * d + t] - r.centroids[j * d + t]) ** 2;
        if (s < bestD) { bestD = s; best = j; }
      }
      expect(r.labels[i]).toBe(best);
    }
  });

  it('is identical for 1 and 2 threads (and across repeated runs)', async () => {
    const n = 503, d = 24, k = 9;
    const { x } = gaussianBlobs(n, d, 5, 5, 1, 1.5);
    const one = await kmeans(x, n, d, { k, seed: 42, threads: 1 });
    const two = await kmeans(x, n, d, { k, seed: 42, threads: 2 });
    const again = await kmeans(x, n, d, { k, seed: 42, threads: 2 });
    for (const r of [two, again]) {
      expect(Array.from(r.labels)).toEqual(Array.from(one.labels));
      expect(Array.from(r.centroids)).toEqual(Array.from(one.centroids));
      expect(r.inertia).toBe(one.inertia);
      expect(r.iterations).toBe(one.iterations);
    }
  }, 60_000); // starting worker threads (tsx compiles each) takes seconds on a busy machine

  it('keeps the restart with the lowest inertia', async () => {
    const n = 400, d = 8;
    const { x } = gaussianBlobs(n, d, 12, 9, 1, 1);
    const runs = await Promise.all([1, 3].map((restarts) => kmeans(x, n, d, { k: 12, seed: 8, threads: 1, restarts })));
    // Restart 0 is the same run in both (one forked stream per restart), so 3 restarts can only do as well or better.
    expect(runs[1].inertia).toBeLessThanOrEqual(runs[0].inertia);
  });

  it('stops at maxIterations', async () => {
    const { x } = gaussianBlobs(500, 4, 20, 13, 0.3, 1);
    const r = await kmeans(x, 500, 4, { k: 20, seed: 1, threads: 1, restarts: 1, maxIterations: 2 });
    expect(r.iterations).toBeLessThanOrEqual(2);
  });

  it('handles fewer distinct points than k (duplicates)', async () => {
    const x = Float32Array.of(1, 1, 1, 5, 5);
    const r = await kmeans(x, 5, 1, { k: 3, seed: 4, threads: 1 });
    expect(r.inertia).toBe(0);
    expect(new Set(r.labels).size).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad arguments', async () => {
    const x = new Float32Array(6);
    await expect(kmeans(x, 3, 2, { k: 4, seed: 1 })).rejects.toThrow(RangeError);
    await expect(kmeans(x, 4, 2, { k: 2, seed: 1 })).rejects.toThrow(/fewer than n\*d/);
    await expect(kmeans(Float32Array.of(0, NaN), 2, 1, { k: 1, seed: 1 })).rejects.toThrow(/not finite/);
  });
});

describe('updateCentroids (empty clusters)', () => {
  it('re-seeds an empty cluster with the point farthest from its centre', () => {
    // 1-D, k = 3; cluster 2 is empty. Point 3 (x = 9) is farthest from its centre (8 away).
    const d = 1, k = 3, n = 5;
    const a: KernelArrays = {
      x: Float32Array.of(0, 1, 2, 9, 3),
      xNorm: new Float64Array(n),
      centroids: new Float32Array(k),
      cNorm: new Float64Array(k),
      labels: Int32Array.of(0, 0, 1, 1, 1),
      minDist: Float64Array.of(0.25, 0.25, 1, 64, 4),
    };
    updateCentroids(a, n, d, k, new Float64Array(k * d), new Int32Array(k));
    expect(Array.from(a.labels)).toEqual([0, 0, 1, 2, 1]);
    expect(Array.from(a.centroids)).toEqual([0.5, 2.5, 9]);
    expect(Array.from(a.cNorm)).toEqual([0.25, 6.25, 81]);
  });

  it('never empties a donor cluster', () => {
    // Cluster 1 is a singleton far away; cluster 2 is empty: the donor must be cluster 0.
    const a: KernelArrays = {
      x: Float32Array.of(0, 2, 100),
      xNorm: new Float64Array(3),
      centroids: new Float32Array(3),
      cNorm: new Float64Array(3),
      labels: Int32Array.of(0, 0, 1),
      minDist: Float64Array.of(1, 1, 0),
    };
    updateCentroids(a, 3, 1, 3, new Float64Array(3), new Int32Array(3));
    expect(Array.from(a.labels)).toEqual([2, 0, 1]);
    expect(Array.from(a.centroids)).toEqual([2, 100, 0]);
  });
});
