import type { DualModel } from './dual-cd.ts';

/**
 * The dual model with w held explicitly (liblinear's way): w·x̃_i is a dot product of
 * length d + 1 and an update is an axpy. Rows are taken from a row-major matrix through
 * `rowsOf` (local index → row of `data`). The last weight is the bias (feature value 1).
 */
export class LinearDualModel implements DualModel {
  readonly size: number;
  /** d weights followed by the bias. */
  readonly w: Float64Array;
  private readonly norms: Float64Array;

  constructor(
    private readonly data: Float64Array,
    private readonly dim: number,
    private readonly rowsOf: Int32Array,
  ) {
    this.size = rowsOf.length;
    this.w = new Float64Array(dim + 1);
    this.norms = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const offset = rowsOf[i] * dim;
      let sum = 1; // the bias feature
      for (let k = 0; k < dim; k++) sum += data[offset + k] * data[offset + k];
      this.norms[i] = sum;
    }
  }

  margin(i: number): number {
    const { data, dim, w } = this;
    const offset = this.rowsOf[i] * dim;
    let sum = w[dim];
    for (let k = 0; k < dim; k++) sum += w[k] * data[offset + k];
    return sum;
  }

  add(i: number, delta: number): void {
    const { data, dim, w } = this;
    const offset = this.rowsOf[i] * dim;
    for (let k = 0; k < dim; k++) w[k] += delta * data[offset + k];
    w[dim] += delta;
  }

  squaredNorm(i: number): number {
    return this.norms[i];
  }
}

/** w·x̃ for every row of a row-major matrix (x̃ = x with the bias 1 appended). */
export function decisionValues(w: Float64Array, data: Float64Array | Float32Array, rows: number, dim: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const offset = r * dim;
    let sum = w[dim];
    for (let k = 0; k < dim; k++) sum += w[k] * data[offset + k];
    out[r] = sum;
  }
  return out;
}

/** w = Σ_i α_i y_i x̃_i from a dual solution (bias last). */
export function primalWeights(alpha: ArrayLike<number>, labels: ArrayLike<number>, data: Float64Array, dim: number, rowsOf: Int32Array): Float64Array {
  const w = new Float64Array(dim + 1);
  for (let i = 0; i < rowsOf.length; i++) {
    const coefficient = alpha[i] * labels[i];
    if (coefficient === 0) continue;
    const offset = rowsOf[i] * dim;
    for (let k = 0; k < dim; k++) w[k] += coefficient * data[offset + k];
    w[dim] += coefficient;
  }
  return w;
}
