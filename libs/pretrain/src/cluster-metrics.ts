/**
 * Diagnostics for pseudo-labels against hidden ground-truth labels (never used for training).
 *
 * NMI uses the arithmetic-mean normalisation, sklearn's default:
 *   NMI(U, V) = I(U; V) / ((H(U) + H(V)) / 2), natural logs (the base cancels).
 * Limit cases follow sklearn: both labelings a single cluster → 1; I = 0 → 0.
 *
 * Purity = (1/n) Σ_clusters max_class |cluster ∩ class|: the accuracy of labelling every
 * cluster with its majority class.
 */

interface Contingency {
  n: number;
  /** counts per (cluster, class) pair, keyed cluster → class → count */
  table: Map<number, Map<number, number>>;
  clusterSizes: Map<number, number>;
  classSizes: Map<number, number>;
}

function contingency(predicted: ArrayLike<number>, truth: ArrayLike<number>): Contingency {
  if (predicted.length !== truth.length) {
    throw new RangeError(`cluster metrics: ${predicted.length} predicted labels vs ${truth.length} true labels`);
  }
  const table = new Map<number, Map<number, number>>();
  const clusterSizes = new Map<number, number>();
  const classSizes = new Map<number, number>();
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i];
    const t = truth[i];
    let row = table.get(p);
    if (!row) table.set(p, (row = new Map()));
    row.set(t, (row.get(t) ?? 0) + 1);
    clusterSizes.set(p, (clusterSizes.get(p) ?? 0) + 1);
    classSizes.set(t, (classSizes.get(t) ?? 0) + 1);
  }
  return { n: predicted.length, table, clusterSizes, classSizes };
}

function entropy(sizes: Map<number, number>, n: number): number {
  let h = 0;
  for (const c of sizes.values()) h -= (c / n) * Math.log(c / n);
  return h;
}

export function normalizedMutualInformation(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const { n, table, clusterSizes, classSizes } = contingency(predicted, truth);
  if (n === 0) throw new RangeError('normalizedMutualInformation: no labels');
  if (clusterSizes.size === 1 && classSizes.size === 1) return 1;
  let mi = 0;
  for (const [p, row] of table) {
    const a = clusterSizes.get(p)!;
    for (const [t, nij] of row) {
      const b = classSizes.get(t)!;
      mi += (nij / n) * Math.log((nij * n) / (a * b));
    }
  }
  if (mi <= 0) return 0; // independent labelings (tiny negative values are rounding)
  const denominator = (entropy(clusterSizes, n) + entropy(classSizes, n)) / 2;
  return mi / Math.max(denominator, Number.EPSILON);
}

export function purity(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const { n, table } = contingency(predicted, truth);
  if (n === 0) throw new RangeError('purity: no labels');
  let majority = 0;
  for (const row of table.values()) majority += Math.max(...row.values());
  return majority / n;
}
