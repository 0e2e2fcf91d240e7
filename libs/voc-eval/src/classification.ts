import type { ClassAp } from '@mgta/results-schema';
import { downsamplePrecisionRecall, voc07ElevenPointAp, vocAreaAp } from './average-precision.ts';

/**
 * One class's classification AP (VOCdevkit VOCevalcls.m). Both arrays follow the split's
 * image order: `labels` from `<cls>_<split>.txt` (1 present, -1 absent, 0 only difficult),
 * `scores` the submitted confidences with -Infinity for images the submission left out.
 * Images are ranked by descending score, ties in split order (MATLAB's sort is stable);
 * label-0 images are neither true nor false positives; npos = images labelled 1.
 */
export function evaluateClassScores(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: { maxPrPoints?: number } = {},
): ClassAp {
  const n = labels.length;
  if (scores.length !== n) throw new RangeError(`${n} labels but ${scores.length} scores`);
  let npos = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (label !== 1 && label !== -1 && label !== 0) throw new RangeError(`label ${i} is ${label}, not 1, -1 or 0`);
    if (Number.isNaN(scores[i]) || scores[i] === Infinity) throw new RangeError(`score ${i} is ${scores[i]}`);
    if (label === 1) npos++;
  }
  if (npos === 0) return { ap: null, ap07: null, npos };

  const order = rankByScore(scores);

  const recall = new Float64Array(n);
  const precision = new Float64Array(n);
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const label = labels[order[r]];
    if (label === 1) tp++;
    else if (label === -1) fp++;
    recall[r] = tp / npos;
    // Only leading label-0 images leave tp + fp at 0; MATLAB's max skips that NaN, 0 is equivalent.
    precision[r] = tp + fp > 0 ? tp / (tp + fp) : 0;
  }
  const maxPrPoints = options.maxPrPoints ?? 200;
  const result: ClassAp = { ap: vocAreaAp(recall, precision), ap07: voc07ElevenPointAp(recall, precision), npos };
  if (maxPrPoints > 0) result.pr = downsamplePrecisionRecall(recall, precision, maxPrPoints);
  return result;
}

/** Indices by descending score, ties in index order: evaluateClassScores' ranking. */
export function rankByScore(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // -Infinity - -Infinity is NaN, so compare rather than subtract; the index keeps ties stable.
  return order.sort((a, b) => (scores[b] > scores[a] ? 1 : scores[b] < scores[a] ? -1 : a - b));
}
