/**
 * PK batches for the hard triplet loss (Hermans et al. 2017; paper §3.3.1): each batch holds
 * P pseudo-label clusters × K images of each.
 *
 * Definition of an epoch (the paper does not say): as many passes over the clusters as it
 * takes to show at least as many images as there are (n), like the identity samplers of
 * re-identification code, so that "E epochs" means E times the data whatever K and P are.
 * Each pass takes the clusters in a seeded shuffled order, P clusters per batch; the last
 * group of fewer than P clusters is dropped (like drop_last), and the next pass reshuffles.
 *
 * Within a cluster, K images are drawn without replacement when it has at least K members and
 * with replacement (uniformly, so duplicates occur) when it has fewer.
 */
import { Random } from '@mgta/core';

export interface PKOptions {
  /** Clusters per batch (P ≥ 2, so every anchor has negatives). */
  p: number;
  /** Images per cluster (K ≥ 2, so every anchor has a positive). */
  k: number;
  seed: number;
  /** Images an epoch shows at least (default: all of them, labels.length). */
  minImages?: number;
}

/** One epoch of batches; each batch is P·K row indices, cluster by cluster. */
export function pkBatches(labels: ArrayLike<number>, options: PKOptions): number[][] {
  const { p, k, seed } = options;
  if (!Number.isInteger(p) || p < 2) throw new RangeError(`pkBatches: p must be an integer ≥ 2 (got ${p})`);
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`pkBatches: k must be an integer ≥ 2 (got ${k})`);
  const members = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = members.get(labels[i]);
    if (list) list.push(i);
    else members.set(labels[i], [i]);
  }
  if (members.size < p) throw new RangeError(`pkBatches: ${members.size} clusters, fewer than p = ${p}`);

  const rng = new Random(seed);
  const minImages = options.minImages ?? labels.length;
  const batches: number[][] = [];
  // Sorted cluster ids before shuffling: the order does not depend on Map insertion order.
  const clusterIds = [...members.keys()].sort((a, b) => a - b);
  do {
    const clusters = rng.shuffle(clusterIds.slice());
    batches.push(...pass(clusters, members, p, k, rng));
  } while (batches.length * p * k < minImages);
  return batches;
}

/** One pass over the clusters: floor(C/P) batches. */
function pass(clusters: number[], members: Map<number, number[]>, p: number, k: number, rng: Random): number[][] {
  const batches: number[][] = [];
  for (let start = 0; start + p <= clusters.length; start += p) {
    const batch: number[] = [];
    for (const cluster of clusters.slice(start, start + p)) {
      const pool = members.get(cluster)!;
      if (pool.length >= k) {
        // Partial Fisher–Yates on a copy: K distinct members.
        const copy = pool.slice();
        for (let i = 0; i < k; i++) {
          const j = i + rng.int(copy.length - i);
          [copy[i], copy[j]] = [copy[j], copy[i]];
          batch.push(copy[i]);
        }
      } else {
        for (let i = 0; i < k; i++) batch.push(pool[rng.int(pool.length)]);
      }
    }
    batches.push(batch);
  }
  return batches;
}

/**
 * The number of batches pkBatches gives for `images` rows in `clusters` non-empty clusters,
 * without drawing them: floor(C/P) batches per pass, passes until P·K·batches ≥ images.
 */
export function pkBatchCount(images: number, options: { p: number; k: number; clusters: number }): number {
  const perPass = Math.floor(options.clusters / options.p);
  if (perPass < 1) throw new RangeError(`pkBatchCount: ${options.clusters} clusters, fewer than p = ${options.p}`);
  return Math.max(1, Math.ceil(images / (perPass * options.p * options.k))) * perPass;
}
