/**
 * Pseudo-labels from features (paper §3.2): k-means (k-means++ seeding, seeded, restarts and
 * iteration cap from the preset: 3 and 100) with K fixed, or K chosen by the Calinski–Harabasz
 * criterion over candidate values (eq. 2). Reports CH, and NMI / purity against the hidden
 * labels when the data set has them (diagnostics only; they never feed training).
 */
import { kmeans } from '../kmeans/kmeans.ts';
import { chooseK } from '../kmeans/choose-k.ts';
import { calinskiHarabasz } from '../kmeans/calinski-harabasz.ts';
import { normalizedMutualInformation, purity } from '../cluster-metrics.ts';

export interface PseudoLabelOptions {
  /** A fixed K, or 'ch' to choose among `candidates`. */
  k: number | 'ch';
  candidates: number[];
  seed: number;
  restarts: number;
  maxIterations: number;
  /** Hidden labels of the same rows, for NMI / purity. */
  hidden?: ArrayLike<number>;
}

export interface PseudoLabels {
  labels: Int32Array;
  k: number;
  ch: number;
  nmi?: number;
  purity?: number;
}

export async function pseudoLabels(x: Float32Array, n: number, d: number, options: PseudoLabelOptions): Promise<PseudoLabels> {
  const common = { seed: options.seed, restarts: options.restarts, maxIterations: options.maxIterations };
  let labels: Int32Array;
  let k: number;
  if (options.k === 'ch') {
    const candidates = options.candidates.filter((c) => c < n);
    if (candidates.length === 0) throw new RangeError(`no K candidate below the ${n} images to cluster`);
    const chosen = await chooseK(x, n, d, { ...common, candidates });
    labels = chosen.best.labels;
    k = chosen.k;
  } else {
    if (options.k >= n) throw new RangeError(`K = ${options.k} is not below the ${n} images to cluster`);
    labels = (await kmeans(x, n, d, { ...common, k: options.k })).labels;
    k = options.k;
  }
  const result: PseudoLabels = { labels, k, ch: calinskiHarabasz(x, n, d, labels) };
  if (options.hidden) {
    result.nmi = normalizedMutualInformation(labels, options.hidden);
    result.purity = purity(labels, options.hidden);
  }
  return result;
}
