/**
 * Lloyd's k-means with k-means++ seeding, the clustering MGTA uses to turn encoder features into
 * pseudo-labels (paper §3.2, §4.2: k = 100 or 300 on 60,000 ResNet-50 features of width 2048).
 *
 * Pinned choices (the paper names only "K-means"):
 * - Seeding is plain k-means++ (Arthur & Vassilvitskii 2007): first centre uniform, each next
 *   centre drawn with probability ∝ D(x)², the squared distance to the nearest chosen centre.
 *   Not sklearn's greedy variant (2 + ln k candidates per step, keep the best): at 60,000 × 2048
 *   with k = 300 that is ~8 full passes over the data per centre instead of one; the restarts
 *   (best inertia of 3 by default) are what we spend on quality instead.
 * - 3 restarts, at most 100 iterations, stop as soon as an assignment step changes no label.
 * - An empty cluster is re-seeded with the point farthest from its own centre (the largest
 *   contribution to the inertia) among clusters that keep at least one point; several empty
 *   clusters take the farthest, second farthest, ... points, ties to the lower index.
 * - Determinism: for a seed, results are bit-identical for any thread count: distances per row
 *   do not depend on the row split (distance-kernel.ts), and every sum over rows (centroid
 *   means, D² totals, inertia) is done on the main thread in row order, in float64.
 */
import { cpus } from 'node:os';
import { Random } from '@mgta/core';
import { allocateKernelArrays, KernelPool } from './kernel-pool.ts';
import type { KernelArrays } from './distance-kernel.ts';

export interface KMeansOptions {
  k: number;
  seed: number;
  /** Independent k-means++ runs; the one with the lowest inertia wins. Default 3. */
  restarts?: number;
  /** Cap on Lloyd iterations per restart. Default 100. */
  maxIterations?: number;
  /** Worker threads; default the number of cores. 1 runs on the calling thread. */
  threads?: number;
  /** Called after seeding and after every assignment step (progress reports, benchmarks). */
  onProgress?: (event: KMeansProgress) => void;
}

export interface KMeansProgress {
  restart: number;
  /** 'seeded': k-means++ done; 'iteration': one update + assignment step done. */
  phase: 'seeded' | 'iteration';
  /** Lloyd iterations done so far in this restart. */
  iteration: number;
  /** Labels changed by the last assignment step (n after seeding). */
  changed: number;
}

export interface KMeansResult {
  /** Cluster index per row, in [0, k). */
  labels: Int32Array;
  /** k × d row-major centroids. */
  centroids: Float32Array;
  /** Sum over rows of the squared distance to the assigned centroid (computed directly, float64). */
  inertia: number;
  /**
   * Lloyd iterations of the winning restart: centroid updates performed. Each is followed by an
   * assignment step; the run stops when that step changes nothing or the cap is reached.
   */
  iterations: number;
}

/** Argument errors throw RangeError (InputError is for problems in user files). */
export async function kmeans(x: Float32Array, n: number, d: number, options: KMeansOptions): Promise<KMeansResult> {
  const { k, seed } = options;
  const restarts = options.restarts ?? 3;
  const maxIterations = options.maxIterations ?? 100;
  const threads = options.threads ?? cpus().length;
  validate(x, n, d, k, restarts, maxIterations, threads);

  const arrays = allocateKernelArrays(x, n, d, k);
  const pool = await KernelPool.create(arrays, n, d, threads);
  try {
    const root = new Random(seed);
    let best: KMeansResult | undefined;
    for (let r = 0; r < restarts; r++) {
      // One forked stream per restart, so restart r is the same whatever the restart count.
      const report = options.onProgress ? (e: Omit<KMeansProgress, 'restart'>) => options.onProgress!({ restart: r, ...e }) : undefined;
      const result = await lloyd(pool, arrays, n, d, k, maxIterations, root.fork(r), report);
      if (best === undefined || result.inertia < best.inertia) best = result;
    }
    return best!;
  } finally {
    await pool.close();
  }
}

function validate(x: Float32Array, n: number, d: number, k: number, restarts: number, maxIterations: number, threads: number): void {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  if (!positiveInt(n) || !positiveInt(d)) throw new RangeError(`kmeans: n and d must be positive integers (got n=${n}, d=${d})`);
  if (x.length < n * d) throw new RangeError(`kmeans: x has ${x.length} values, fewer than n*d = ${n * d}`);
  if (!positiveInt(k) || k > n) throw new RangeError(`kmeans: k must be an integer in [1, n=${n}] (got ${k})`);
  if (!positiveInt(restarts)) throw new RangeError(`kmeans: restarts must be a positive integer (got ${restarts})`);
  if (!positiveInt(maxIterations)) throw new RangeError(`kmeans: maxIterations must be a positive integer (got ${maxIterations})`);
  if (!positiveInt(threads)) throw new RangeError(`kmeans: threads must be a positive integer (got ${threads})`);
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`kmeans: x[${i}] is not finite (row ${Math.floor(i / d)})`);
  }
}

/** One restart: k-means++ seeding, then Lloyd iterations. */
async function lloyd(
  pool: KernelPool, a: KernelArrays, n: number, d: number, k: number, maxIterations: number, rng: Random,
  report?: (e: Omit<KMeansProgress, 'restart'>) => void,
): Promise<KMeansResult> {
  await seedPlusPlus(pool, a, n, d, k, rng);
  a.labels.fill(-1);
  await pool.assign(k);
  report?.({ phase: 'seeded', iteration: 0, changed: n });
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let iterations = 0;
  for (;;) {
    updateCentroids(a, n, d, k, sums, counts);
    iterations++;
    const changed = await pool.assign(k);
    report?.({ phase: 'iteration', iteration: iterations, changed });
    if (changed === 0 || iterations >= maxIterations) break;
  }
  return {
    labels: a.labels.slice(),
    centroids: a.centroids.slice(0, k * d),
    inertia: directInertia(a.x, n, d, a.centroids, a.labels),
    iterations,
  };
}

/** Plain k-means++ (D² sampling), writing k centroids into a.centroids. */
async function seedPlusPlus(pool: KernelPool, a: KernelArrays, n: number, d: number, k: number, rng: Random): Promise<void> {
  a.minDist.fill(Infinity);
  let chosen = rng.int(n);
  for (let j = 0; ; j++) {
    setCentroidFromRow(a, d, j, chosen);
    if (j === k - 1) break;
    await pool.updateMinDist(j);
    // Inverse-CDF draw over D², summed in row order on this thread (deterministic).
    let total = 0;
    for (let i = 0; i < n; i++) total += a.minDist[i];
    if (total > 0) {
      const target = rng.next() * total;
      let acc = 0;
      chosen = -1;
      for (let i = 0; i < n; i++) {
        acc += a.minDist[i];
        if (acc > target && a.minDist[i] > 0) { chosen = i; break; }
      }
      // Rounding can leave target ≥ the running sum at the end: take the last positive row.
      if (chosen < 0) for (let i = n - 1; i >= 0; i--) if (a.minDist[i] > 0) { chosen = i; break; }
    } else {
      // Every point coincides with a chosen centre (fewer than k distinct points): any row will do.
      chosen = rng.int(n);
    }
  }
}

function setCentroidFromRow(a: KernelArrays, d: number, j: number, row: number): void {
  a.centroids.set(a.x.subarray(row * d, row * d + d), j * d);
  a.cNorm[j] = a.xNorm[row];
}

/**
 * Centroid = mean of its rows (float64 sums in row order), after re-seeding empty clusters
 * from the points farthest from their centres (uses minDist from the last assignment).
 */
export function updateCentroids(a: KernelArrays, n: number, d: number, k: number, sums: Float64Array, counts: Int32Array): void {
  const { x, labels, minDist, centroids, cNorm } = a;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  for (let j = 0; j < k; j++) {
    if (counts[j] > 0) continue;
    let far = -1;
    for (let i = 0; i < n; i++) {
      if (counts[labels[i]] > 1 && (far < 0 || minDist[i] > minDist[far])) far = i;
    }
    if (far < 0) break; // every cluster is a singleton already: nothing can donate (k = n)
    counts[labels[far]]--;
    labels[far] = j;
    counts[j] = 1;
    minDist[far] = 0; // now sits on its own centre; never picked twice
  }
  sums.fill(0);
  for (let i = 0; i < n; i++) {
    const o = labels[i] * d;
    const xo = i * d;
    for (let t = 0; t < d; t++) sums[o + t] += x[xo + t];
  }
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue; // keep the old centroid (only when k = n with duplicates)
    const inv = 1 / counts[j];
    let norm = 0;
    for (let t = 0; t < d; t++) {
      const v = Math.fround(sums[j * d + t] * inv);
      centroids[j * d + t] = v;
      norm += v * v;
    }
    cNorm[j] = norm;
  }
}

/** Σ‖x_i − c_{label_i}‖² computed from differences (no cancellation), float64, row order. */
export function directInertia(x: Float32Array, n: number, d: number, centroids: Float32Array, labels: Int32Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const co = labels[i] * d;
    for (let t = 0; t < d; t++) {
      const diff = x[xo + t] - centroids[co + t];
      total += diff * diff;
    }
  }
  return total;
}
