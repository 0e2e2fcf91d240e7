/**
 * The SVM cost (C) grids of the published VOC07 linear-SVM protocols. The order matters:
 * the cost with the highest mean CV AP wins and ties go to the one listed first
 * (fair_self_supervision_benchmark picks with `np.argmax` over the list, which returns the
 * first maximum).
 */

/** 0.5^4, 0.5^5, ..., 0.5^19, appended in this order by `get_svm_costs` (range(4, 20)). */
function halvings(): number[] {
  const costs: number[] = [];
  for (let power = 4; power < 20; power++) costs.push(0.5 ** power);
  return costs;
}

export const COST_LISTS: Readonly<Record<string, readonly number[]>> = {
  /**
   * Goyal et al. 2019, fair_self_supervision_benchmark: `--costs_list
   * "0.0000001,0.000001,0.00001,0.0001,0.001,0.01,0.1,1.0,10.0,100.0"` (scripts/train_svm*.sh,
   * GETTING_STARTED.md) followed by 0.5^4..0.5^19 (tools/svm/svm_helper.py get_svm_costs):
   * 10 + 16 = 26 costs.
   */
  goyal2019: [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, ...halvings()],
  /** VISSL, configs/config/benchmark/linear_image_classification/voc07 SVM_TRAINER cost list. */
  vissl: [0.01, 0.1, 1, 2, 5, 10, 15, 20, 50, 100, 1000],
  /** MMSelfSup / OpenSelfSup tools/benchmarks/classification/svm_voc07: "1.0,10.0,100.0" + 0.5^4..0.5^19. */
  mmselfsup: [1, 10, 100, ...halvings()],
};

/**
 * `--costs` value: a list name or comma-separated positive numbers (kept in the given order).
 * Throws RangeError with the offending token.
 */
export function parseCosts(spec: string): number[] {
  const named = COST_LISTS[spec];
  if (named !== undefined) return [...named];
  const tokens = spec.split(',').map((t) => t.trim());
  if (tokens.length === 0 || tokens.some((t) => t.length === 0)) {
    throw new RangeError(`costs "${spec}": expected ${Object.keys(COST_LISTS).join(', ')} or a comma-separated list of positive numbers`);
  }
  const costs = tokens.map((token) => {
    const value = Number(token);
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`costs "${spec}": "${token}" is not a positive finite number`);
    return value;
  });
  if (new Set(costs).size !== costs.length) throw new RangeError(`costs "${spec}": a cost is listed twice`);
  return costs;
}
