/**
 * Average precision as scikit-learn's `average_precision_score` computes it (the CV score
 * of the protocol): rank by decreasing score, group tied scores into one threshold, and sum
 * over thresholds (R_n - R_{n-1}) * P_n. No interpolation. Positives are labels > 0.
 * With no positive at all, recall is undefined; recent sklearn sets it to 1 everywhere,
 * which makes the sum 0, and so do we.
 */
export function averagePrecisionScore(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  if (scores.length !== n) throw new RangeError(`${n} labels but ${scores.length} scores`);
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] > 0) positives++;
  if (positives === 0) return 0;
  const order = rankByScore(scores);
  let ap = 0;
  let tp = 0;
  let previousRecall = 0;
  for (let r = 0; r < n; ) {
    const threshold = scores[order[r]];
    // the whole group of tied scores enters at once
    while (r < n && scores[order[r]] === threshold) {
      if (labels[order[r]] > 0) tp++;
      r++;
    }
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / r);
    previousRecall = recall;
  }
  return ap;
}

/** Indices by decreasing score; ties keep index order (stable), like MATLAB's sort in VOCdevkit. */
export function rankByScore(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}
