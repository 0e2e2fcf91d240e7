import { GOYAL_LOW_SHOT_K } from './low-shot-samples.ts';

/**
 * `--low-shot` value: true (the flag alone) gives Goyal's k list, a string a comma-separated list
 * of positive integers in the given order. Throws RangeError naming the offending token.
 */
export function parseLowShotK(spec: string | true): number[] {
  if (spec === true) return [...GOYAL_LOW_SHOT_K];
  const tokens = spec.split(',').map((t) => t.trim());
  if (tokens.some((t) => t.length === 0)) throw new RangeError(`"${spec}": expected comma-separated positive integers (k values), e.g. 1,2,4`);
  const values = tokens.map((token) => {
    if (!/^\d+$/.test(token) || Number(token) < 1) throw new RangeError(`"${spec}": "${token}" is not a positive integer`);
    return Number(token);
  });
  if (new Set(values).size !== values.length) throw new RangeError(`"${spec}": a k value is listed twice`);
  return values;
}

/** What a results file records about the low-shot protocol besides k, samples and seed. */
export const LOW_SHOT_PROTOCOL_NOTES = {
  reference: 'Goyal et al. 2019, fair_self_supervision_benchmark: extra_scripts/create_voc_low_shot_challenge_samples.py, tools/svm/train_svm_low_shot.py, test_svm_low_shot.py, aggregate_low_shot_svm_stats.py',
  trainingSets: 'per sample, k and class: k label-1 images and (C-1)·k label -1 images drawn without replacement from the training split; difficult-only (label 0) images never drawn; a k with too few in some class skipped',
  seedRule: 'sample s (0-based) at k draws from Random(seed + 1000·s + k)',
  svm: 'the full benchmark\'s LinearSVC settings on the drawn rows only, one fit per cost, no cross-validation',
  costRule: 'per k: the cost with the highest mean over samples of the test mAP (first in cost-list order on ties), as aggregate_low_shot_svm_stats.py; chosen on the test split, as the reference does',
  reported: 'per k at that cost: mean, std (population), min, max of the test mAP over samples; test APs with difficult-only test images dropped',
} as const;
