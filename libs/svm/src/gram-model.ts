import type { DualModel } from './dual-cd.ts';

/**
 * The dual model through the Gram matrix K̃ = X̃X̃ᵀ (bias included, so K̃ = XXᵀ + 1) of all
 * N samples, for a training subset `rowsOf` (local → global index). Instead of w we keep
 * the decision values of all N samples, f = X̃w; an update w += δx̃_i is f += δ K̃[i, :]
 * (N operations instead of 2(d + 1)), and w·x̃_i is just f[i]. When N is below the feature
 * dimension (VOC07: 5011 images, 9216 features) this is several times cheaper, and the
 * held-out decision values of a CV fold come for free. Same iterates as LinearDualModel
 * in exact arithmetic.
 */
export class GramDualModel implements DualModel {
  readonly size: number;
  /** Decision values w·x̃_m of all N samples. */
  readonly f: Float64Array;

  constructor(
    private readonly gram: Float64Array,
    private readonly total: number,
    private readonly rowsOf: Int32Array,
  ) {
    this.size = rowsOf.length;
    this.f = new Float64Array(total);
  }

  margin(i: number): number {
    return this.f[this.rowsOf[i]];
  }

  add(i: number, delta: number): void {
    const { gram, total, f } = this;
    const offset = this.rowsOf[i] * total;
    for (let m = 0; m < total; m++) f[m] += delta * gram[offset + m];
  }

  squaredNorm(i: number): number {
    const g = this.rowsOf[i];
    return this.gram[g * this.total + g];
  }
}
