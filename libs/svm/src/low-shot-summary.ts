/**
 * What Goyal et al. 2019 report for one low-shot k, as fair_self_supervision_benchmark computes it:
 * tools/svm/test_svm_low_shot.py (`test_svm_low_shot`) scores every (sample, cost) by the mean over
 * classes of the test AP; tools/svm/aggregate_low_shot_svm_stats.py (`aggregate_stats`) takes, per
 * cost, the mean / min / max / std (`np.std`: population, ddof 0) over the samples, picks the cost
 * with the highest mean (`np.argmax`: the first in cost-list order on ties) and reports the four
 * statistics at that cost. The cost is thus chosen on the test set, once per k, for all classes
 * and samples together: the reference's rule, recorded as such.
 */
export interface LowShotKSummary {
  k: number;
  /** The chosen cost and its index in the cost list. */
  cost: number;
  costIndex: number;
  /** Over the samples, at the chosen cost: test mAP (fractions, not percent). */
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Test mAP of each sample at the chosen cost, in sample order. */
  perSample: number[];
  /** Mean over samples of the test mAP at every cost, in cost-list order. */
  meanByCost: number[];
}

/** `mapBySampleCost[s][j]`: mean test AP over classes of sample s at cost j (cost-list order). */
export function summarizeLowShotK(k: number, costs: readonly number[], mapBySampleCost: readonly (readonly number[])[]): LowShotKSummary {
  const samples = mapBySampleCost.length;
  if (samples === 0) throw new RangeError(`low-shot k ${k}: no sample to summarize`);
  for (const row of mapBySampleCost) {
    if (row.length !== costs.length) throw new RangeError(`low-shot k ${k}: ${row.length} mAPs for ${costs.length} costs`);
  }
  const meanByCost = costs.map((_, j) => mapBySampleCost.reduce((sum, row) => sum + row[j], 0) / samples);
  let best = 0;
  for (let j = 1; j < meanByCost.length; j++) if (meanByCost[j] > meanByCost[best]) best = j;
  const perSample = mapBySampleCost.map((row) => row[best]);
  const mean = meanByCost[best];
  const variance = perSample.reduce((sum, value) => sum + (value - mean) ** 2, 0) / samples;
  return {
    k,
    cost: costs[best],
    costIndex: best,
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...perSample),
    max: Math.max(...perSample),
    perSample,
    meanByCost,
  };
}
