/**
 * PK batches for the hard triplet loss (Hermans et al. 2017; paper §3.3.1): each batch holds
 * P pseudo-label clusters × K images of each.
 *
 * Definition of an epoch (pinned by the issue; the paper does not say): one pass over the
 * clusters in a seeded shuffled order, P clusters per batch, so every cluster appears in at
 * most one batch per epoch. The last group of fewer than P clusters is dropped (like
 * drop_last); the next epoch reshuffles, so every cluster is equally likely to be dropped.
 * Note that an epoch therefore shows floor(C/P)·P·K images, not all n.
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
  // Sorted cluster ids before shuffling: the order does not depend on Map insertion order.
  const clusters = rng.shuffle([...members.keys()].sort((a, b) => a - b));
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
