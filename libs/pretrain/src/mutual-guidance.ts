/**
 * The mutual-guidance schedule of MGTA, as run in the paper (§4.2), expressed as a pure plan.
 *
 * N1 and N2 both start from the IAE weights. The training set is split once, at random, into
 * halves D1 and D2 (splitHalves). Each of T iterations (t = 0..T−1) has two steps, in this order:
 *   1. N1 extracts features of D2; k-means labels D2; N2 trains on D2 for E epochs.
 *   2. N2 extracts features of D1; k-means labels D1; N1 trains on D1 for E epochs.
 * The triplet weight grows linearly from 0.1 to 1 ("increasing from 0.1 to 1 linearly"):
 *   λ_t = 0.1 + 0.9 · t / (T − 1), and λ = 1 when T = 1 (pinned: a one-iteration schedule
 *   runs at the final weight).
 * Final step: N1 extracts features of all images, k-means labels them, N2 trains on all of
 * them for E epochs with λ = 1; N2 is the result.
 */
import { Random } from '@mgta/core';

export type Net = 'N1' | 'N2';

export interface MutualGuidanceStep {
  /** 0-based position in the plan. */
  step: number;
  /** The net whose features are clustered to make the pseudo-labels. */
  labeler: Net;
  /** The net trained on those labels. */
  learner: Net;
  data: 'D1' | 'D2' | 'all';
  /** Weight of the hard triplet loss in L = L_re + λ·L_htri. */
  lambda: number;
  epochs: number;
}

export interface MutualGuidancePlanOptions {
  /** Mutual-guidance iterations (paper: 10). */
  T: number;
  /** Epochs per training step (paper: 10). */
  E: number;
  /** Number of training images (paper: 60,000); validated here, split by splitHalves(n, seed). */
  n: number;
  /** Seed of the D1/D2 split (splitHalves); the plan itself does not depend on it. */
  seed: number;
}

export function tripletWeight(t: number, T: number): number {
  return T === 1 ? 1 : 0.1 + (0.9 * t) / (T - 1);
}

export function mutualGuidancePlan(options: MutualGuidancePlanOptions): MutualGuidanceStep[] {
  const { T, E, n } = options;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`mutualGuidancePlan: T must be an integer ≥ 1 (got ${T})`);
  if (!Number.isInteger(E) || E < 1) throw new RangeError(`mutualGuidancePlan: E must be an integer ≥ 1 (got ${E})`);
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`mutualGuidancePlan: n must be an integer ≥ 2 (got ${n})`);
  const plan: MutualGuidanceStep[] = [];
  for (let t = 0; t < T; t++) {
    const lambda = tripletWeight(t, T);
    plan.push({ step: plan.length, labeler: 'N1', learner: 'N2', data: 'D2', lambda, epochs: E });
    plan.push({ step: plan.length, labeler: 'N2', learner: 'N1', data: 'D1', lambda, epochs: E });
  }
  plan.push({ step: plan.length, labeler: 'N1', learner: 'N2', data: 'all', lambda: 1, epochs: E });
  return plan;
}

/**
 * A seeded random split of 0..n−1 into two halves ("A and B are the same number of training
 * points"): D1 gets floor(n/2) indices, D2 the rest; each half is sorted ascending.
 */
export function splitHalves(n: number, seed: number): { d1: Int32Array; d2: Int32Array } {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`splitHalves: n must be an integer ≥ 2 (got ${n})`);
  const order = new Random(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const half = Math.floor(n / 2);
  const d1 = Int32Array.from(order.slice(0, half)).sort();
  const d2 = Int32Array.from(order.slice(half)).sort();
  return { d1, d2 };
}
