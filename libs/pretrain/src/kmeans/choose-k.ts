/**
 * Choosing K by the Calinski–Harabasz criterion (paper §3.2, eq. 2): run k-means for each
 * candidate K and keep the one with the largest CH score. Ties keep the earlier candidate.
 */
import { kmeans, type KMeansOptions, type KMeansResult } from './kmeans.ts';
import { calinskiHarabasz } from './calinski-harabasz.ts';

export interface ChooseKOptions extends Omit<KMeansOptions, 'k'> {
  /** Candidate cluster counts, each ≥ 2 (CH is undefined for one cluster). */
  candidates: number[];
}

export interface ChooseKScore {
  k: number;
  score: number;
  inertia: number;
  iterations: number;
}

export interface ChooseKResult {
  /** The winning K. */
  k: number;
  /** k-means result for the winning K. */
  best: KMeansResult;
  /** One entry per candidate, in the order given. */
  scores: ChooseKScore[];
}

export async function chooseK(x: Float32Array, n: number, d: number, options: ChooseKOptions): Promise<ChooseKResult> {
  const { candidates, ...rest } = options;
  if (candidates.length === 0) throw new RangeError('chooseK: no candidates');
  for (const k of candidates) {
    if (!Number.isInteger(k) || k < 2 || k >= n) throw new RangeError(`chooseK: candidate ${k} is not an integer in [2, n)`);
  }
  const scores: ChooseKScore[] = [];
  let best: KMeansResult | undefined;
  let bestK = -1;
  let bestScore = -Infinity;
  for (const k of candidates) {
    // Same seed for every candidate: the comparison is between K values, not between seeds.
    const result = await kmeans(x, n, d, { ...rest, k });
    const score = calinskiHarabasz(x, n, d, result.labels);
    scores.push({ k, score, inertia: result.inertia, iterations: result.iterations });
    if (score > bestScore) { bestScore = score; bestK = k; best = result; }
  }
  return { k: bestK, best: best!, scores };
}
