import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { assignRows, rowNorms, updateMinDistToCentroid, type KernelArrays } from './distance-kernel.ts';

function setup(n: number, k: number, d: number, seed: number): KernelArrays {
  const rng = new Random(seed);
  const x = Float32Array.from({ length: n * d }, () => rng.normal());
  const centroids = Float32Array.from({ length: k * d }, () => rng.normal());
  const xNorm = new Float64Array(n);
  const cNorm = new Float64Array(k);
  rowNorms(x, d, 0, n, xNorm);
  rowNorms(centroids, d, 0, k, cNorm);
  return { x, xNorm, centroids, cNorm, labels: new Int32Array(n).fill(-1), minDist: new Float64Array(n) };
}

/** Direct O(n·k·d) squared distances from differences. */
function direct(a: KernelArrays, n: number, k: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (a.x[i * d + t] - a.centroids[j * d + t]) ** 2;
    return s;
  }));
}

describe('assignRows', () => {
  // n and k not multiples of 4, k larger than one 32-centroid block: every edge path runs.
  const n = 23, k = 37, d = 9;

  it('finds the nearest centroid and its squared distance, like a direct computation', () => {
    const a = setup(n, k, d, 1);
    const changed = assignRows(a, d, k, 0, n);
    expect(changed).toBe(n);
    const dist = direct(a, n, k, d);
    for (let i = 0; i < n; i++) {
      const best = dist[i].indexOf(Math.min(...dist[i]));
      expect(a.labels[i]).toBe(best);
      expect(a.minDist[i]).toBeCloseTo(dist[i][best], 9);
    }
    expect(assignRows(a, d, k, 0, n)).toBe(0);
  });

  it('gives bit-identical results whatever the row split', () => {
    const whole = setup(n, k, d, 2);
    assignRows(whole, d, k, 0, n);
    const parts = setup(n, k, d, 2);
    for (const [r0, r1] of [[0, 3], [3, 4], [4, 13], [13, 23]]) assignRows(parts, d, k, r0, r1);
    expect(Array.from(parts.labels)).toEqual(Array.from(whole.labels));
    expect(Array.from(parts.minDist)).toEqual(Array.from(whole.minDist));
  });

  it('breaks ties towards the lower centroid index', () => {
    const d1 = 1;
    const a: KernelArrays = {
      x: Float32Array.of(0, 1, 2, 3, 4),
      xNorm: new Float64Array(5),
      centroids: Float32Array.of(3, 1, 1, 3, 5),
      cNorm: new Float64Array(5),
      labels: new Int32Array(5).fill(-1),
      minDist: new Float64Array(5),
    };
    rowNorms(a.x, d1, 0, 5, a.xNorm);
    rowNorms(a.centroids, d1, 0, 5, a.cNorm);
    assignRows(a, d1, 5, 0, 5);
    // x=2 is 1 from centroids 0 (3), 1 (1), 2 (1), 3 (3): index 0 wins.
    expect(Array.from(a.labels)).toEqual([1, 1, 0, 0, 0]);
    expect(Array.from(a.minDist)).toEqual([1, 0, 1, 0, 1]);
  });
});

describe('updateMinDistToCentroid', () => {
  it('lowers minDist to the distance to the given centroid where that is smaller', () => {
    const n = 11, k = 3, d = 5;
    const a = setup(n, k, d, 3);
    a.minDist.fill(Infinity);
    updateMinDistToCentroid(a, d, 1, 0, n);
    const dist = direct(a, n, k, d);
    for (let i = 0; i < n; i++) expect(a.minDist[i]).toBeCloseTo(dist[i][1], 9);
    updateMinDistToCentroid(a, d, 2, 0, n);
    for (let i = 0; i < n; i++) expect(a.minDist[i]).toBeCloseTo(Math.min(dist[i][1], dist[i][2]), 9);
  });
});
