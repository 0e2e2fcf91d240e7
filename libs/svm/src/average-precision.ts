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

/**
 * The precision/recall after each rank, as VOCdevkit's VOCevalcls.m computes it for the
 * classification task: sort by decreasing confidence, cumulative true/false positives,
 * recall = tp / npos, precision = tp / (tp + fp). Images with label 0 must be removed first.
 */
export function rankedPrecisionRecall(labels: ArrayLike<number>, scores: ArrayLike<number>): { recall: Float64Array; precision: Float64Array } {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] > 0) positives++;
  const order = rankByScore(scores);
  const recall = new Float64Array(n);
  const precision = new Float64Array(n);
  let tp = 0;
  for (let r = 0; r < n; r++) {
    if (labels[order[r]] > 0) tp++;
    recall[r] = positives > 0 ? tp / positives : 0;
    precision[r] = tp / (r + 1);
  }
  return { recall, precision };
}

// TODO(voc-eval): switch to `vocAreaAp` / `voc07ElevenPointAp` from @mgta/voc-eval once it
// exports them from its index; these two local copies follow the same definitions.

/** VOC2010+ AP: area under the precision envelope (VOCdevkit VOCap.m). */
export function vocAreaAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  const n = recall.length;
  const envelope = new Float64Array(n + 1);
  for (let k = n - 1; k >= 0; k--) envelope[k] = Math.max(precision[k], envelope[k + 1]);
  let area = 0;
  let previousRecall = 0;
  for (let k = 0; k < n; k++) {
    if (recall[k] !== previousRecall) {
      area += (recall[k] - previousRecall) * envelope[k];
      previousRecall = recall[k];
    }
  }
  return area;
}

/**
 * VOC2007 11-point AP: mean over t = 0, 0.1, ..., 1 (computed as i * 0.1, like numpy's
 * arange in voc_eval.py) of the best precision at recall >= t, 0 if none.
 */
export function voc07ElevenPointAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i <= 10; i++) {
    const threshold = i * 0.1;
    let best = 0;
    for (let k = 0; k < recall.length; k++) if (recall[k] >= threshold && precision[k] > best) best = precision[k];
    sum += best / 11;
  }
  return sum;
}
