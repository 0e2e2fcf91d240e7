/**
 * Calinski–Harabasz score, paper eq. 2: CH(k) = tr(B_k)/tr(W_k) · (m − k)/(k − 1), with
 *   tr(B_k) = Σ_j n_j ‖c_j − μ‖²        (between-cluster dispersion)
 *   tr(W_k) = Σ_i ‖x_i − c_{label_i}‖²  (within-cluster dispersion)
 * where c_j is the mean of cluster j's rows and μ the mean of all rows. Higher is better; MGTA
 * picks the K with the largest score (§3.2).
 *
 * Means are recomputed from the labels (not taken from k-means' centroids) so the score is a
 * function of the partition alone. k is the number of non-empty clusters. As in sklearn, a
 * partition with tr(W) = 0 scores 1.
 */

export function calinskiHarabasz(x: Float32Array, n: number, d: number, labels: ArrayLike<number>): number {
  if (labels.length !== n) throw new RangeError(`calinskiHarabasz: ${labels.length} labels for ${n} rows`);
  if (x.length < n * d) throw new RangeError(`calinskiHarabasz: x has ${x.length} values, fewer than n*d = ${n * d}`);
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) if (!ids.has(labels[i])) ids.set(labels[i], ids.size);
  const k = ids.size;
  if (k < 2 || k >= n) throw new RangeError(`calinskiHarabasz: needs 2 ≤ clusters < n (got ${k} clusters, n=${n})`);

  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const mean = new Float64Array(d);
  const dense = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = ids.get(labels[i])!;
    dense[i] = j;
    counts[j]++;
    for (let t = 0; t < d; t++) {
      const v = x[i * d + t];
      sums[j * d + t] += v;
      mean[t] += v;
    }
  }
  for (let t = 0; t < d; t++) mean[t] /= n;
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) sums[j * d + t] /= counts[j];
  const centres = sums;

  let between = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = centres[j * d + t] - mean[t];
      s += diff * diff;
    }
    between += counts[j] * s;
  }
  let within = 0;
  for (let i = 0; i < n; i++) {
    const co = dense[i] * d;
    for (let t = 0; t < d; t++) {
      const diff = x[i * d + t] - centres[co + t];
      within += diff * diff;
    }
  }
  if (within === 0) return 1;
  return (between / within) * ((n - k) / (k - 1));
}
