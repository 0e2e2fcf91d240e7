import { describe, expect, it } from 'vitest';
import { calinskiHarabasz } from './calinski-harabasz.ts';
import { chooseK } from './choose-k.ts';
import { gaussianBlobs } from './test-data.ts';

describe('calinskiHarabasz', () => {
  it('matches a hand-worked example', () => {
    // 1-D {0, 2} and {10, 12}: μ = 6, centres 1 and 11.
    // tr(B) = 2·25 + 2·25 = 100; tr(W) = 1 + 1 + 1 + 1 = 4; CH = 100/4 · (4−2)/(2−1) = 50
    expect(calinskiHarabasz(Float32Array.of(0, 2, 10, 12), 4, 1, [0, 0, 1, 1])).toBeCloseTo(50, 10);
  });

  it('matches the covariance-trace form on random data (tr B = tr T − tr W)', () => {
    const n = 40, d = 3;
    const { x } = gaussianBlobs(n, d, 3, 1);
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 5);
    // Direct: total scatter T and within scatter W from pairwise differences:
    // Σ_i ‖x_i − μ‖² = (1/2n) Σ_i Σ_j ‖x_i − x_j‖², and the same within each cluster.
    const sq = (i: number, j: number) => { let s = 0; for (let t = 0; t < d; t++) s += (x[i * d + t] - x[j * d + t]) ** 2; return s; };
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) total += sq(i, j);
    total /= 2 * n;
    let within = 0;
    for (let c = 0; c < 5; c++) {
      const rows = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
      let s = 0;
      for (const i of rows) for (const j of rows) s += sq(i, j);
      within += s / (2 * rows.length);
    }
    const expected = ((total - within) / within) * ((n - 5) / (5 - 1));
    expect(calinskiHarabasz(x, n, d, labels)).toBeCloseTo(expected, 8);
  });

  it('rejects one cluster', () => {
    expect(() => calinskiHarabasz(Float32Array.of(0, 1, 2), 3, 1, [0, 0, 0])).toThrow(RangeError);
  });
});

describe('chooseK', () => {
  it('picks the true number of well-separated blobs and reports every candidate', async () => {
    const n = 400, d = 6;
    const { x } = gaussianBlobs(n, d, 4, 21, 5, 1);
    const r = await chooseK(x, n, d, { candidates: [2, 3, 4, 5, 6], seed: 1, threads: 1 });
    expect(r.k).toBe(4);
    expect(r.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
    const best = Math.max(...r.scores.map((s) => s.score));
    expect(r.scores.find((s) => s.k === 4)!.score).toBe(best);
    expect(r.best.centroids.length).toBe(4 * d);
  });
});
