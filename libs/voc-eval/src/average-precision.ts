import type { PrecisionRecall } from '@mgta/results-schema';

/**
 * The VOC2007 11-point interpolated AP: the mean over t in {0, 0.1, ..., 1} of the highest
 * precision at any recall >= t, or 0 where no point reaches t (VOCdevkit 2007 VOCevalcls.m /
 * VOCevaldet.m, and `voc_ap(use_07_metric=True)` in Detectron's voc_eval.py).
 *
 * The thresholds are computed as `i * 0.1`, exactly the values of numpy's
 * `np.arange(0., 1.1, 0.1)` used by voc_eval.py (0.30000000000000004, 0.6000000000000001,
 * 0.7000000000000001), so a recall of exactly 3/10 does not reach the 0.3 threshold there
 * and does not here either.
 */
export function voc07ElevenPointAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  checkSameLength(recall, precision);
  let sum = 0;
  for (let i = 0; i <= 10; i++) {
    const threshold = i * 0.1;
    let best = 0;
    for (let k = 0; k < recall.length; k++) {
      if (recall[k] >= threshold && precision[k] > best) best = precision[k];
    }
    sum += best / 11;
  }
  return sum;
}

/**
 * The VOC2010+ AP: the area under the precision envelope (precision made monotonically
 * non-increasing from the right), summed over the recall steps, with sentinels
 * (recall 0, precision 0) before the curve and (recall 1, precision 0) after it
 * (VOCdevkit 2010+ VOCap.m; `voc_ap(use_07_metric=False)` in voc_eval.py).
 */
export function vocAreaAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  checkSameLength(recall, precision);
  const n = recall.length;
  // envelope[k] = max precision at rank >= k; the trailing sentinel contributes precision 0.
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
  // The sentinel step from the last recall to 1 has precision 0: it adds nothing.
  return area;
}

/**
 * At most `maxPoints` points of a long curve, evenly spaced in rank and always keeping the
 * last one, for storage and plotting. APs are always computed on the full curve.
 */
export function downsamplePrecisionRecall(
  recall: ArrayLike<number>,
  precision: ArrayLike<number>,
  maxPoints = 200,
): PrecisionRecall {
  checkSameLength(recall, precision);
  const n = recall.length;
  if (maxPoints < 2) throw new RangeError(`maxPoints must be at least 2, got ${maxPoints}`);
  if (n <= maxPoints) return { recall: Array.from(recall), precision: Array.from(precision) };
  const out: PrecisionRecall = { recall: [], precision: [] };
  for (let i = 0; i < maxPoints; i++) {
    const k = Math.round((i * (n - 1)) / (maxPoints - 1));
    out.recall.push(recall[k]);
    out.precision.push(precision[k]);
  }
  return out;
}

function checkSameLength(recall: ArrayLike<number>, precision: ArrayLike<number>): void {
  if (recall.length !== precision.length) {
    throw new RangeError(`recall has ${recall.length} points but precision has ${precision.length}`);
  }
}
