import type { ArenaViews } from './arena.ts';
import type { DualModel } from './dual-cd.ts';
import type { WarmStartModel } from './warm-start.ts';

/**
 * The dual models of gram-model.ts and linear-model.ts with their inner loops in wasm SIMD
 * (simd.ts) on the shared arena. Same iterates as the JavaScript models: the SIMD axpy
 * rounds exactly as the scalar loop does; only dot products (and the Gram matrix) sum in
 * another order.
 */
export interface SimdDualModel extends DualModel, WarmStartModel {
  /** Decision values of the validation rows for the current α (ascending row order as given). */
  validationScores(alpha: Float64Array, labels: ArrayLike<number>): Float64Array;
  /** Coordinate updates so far. */
  readonly updates: number;
}

/**
 * Gram engine (see GramDualModel): f = X̃w is kept for the rows the updates touch.
 *
 * Compact (cross-validation with a fold area in the slot): the fold's training rows of K̃ are
 * copied once per task into the slot, columns in fold order (training rows, then validation
 * rows), so an update is a contiguous axpy over the n_t training columns only, instead of
 * all n; the validation decision values are computed once per cost from α
 * (Σ_i α_i y_i K̃[i, v] over the support vectors). A fold's Gram rows are shared by all its
 * costs. Direct (refit, or no fold area): updates run over whole rows of the shared K̃ and
 * f holds all n samples, as GramDualModel does.
 */
export class SimdGramModel implements SimdDualModel {
  readonly size: number;
  updates = 0;
  private readonly n: number;
  private readonly compact: boolean;
  private readonly fOffset: number;
  /** Length of f that updates touch. */
  private readonly fLength: number;
  private readonly rowBytes: number;
  private readonly foldOffset: number;
  private readonly f: Float64Array;
  private readonly diagonal: Float64Array;

  constructor(
    private readonly views: ArenaViews,
    private readonly rowsOf: Int32Array,
    private readonly validationRows: Int32Array,
  ) {
    const { layout } = views.arena;
    const gram = views.gram;
    if (gram === undefined) throw new Error('SimdGramModel without a Gram matrix');
    this.n = layout.n;
    this.size = rowsOf.length;
    const nv = validationRows.length;
    this.compact = nv > 0 && this.size <= layout.foldRows && this.size + nv <= layout.n;
    this.fOffset = views.slot + views.slotLayout.f;
    this.foldOffset = views.slot + views.slotLayout.fold;
    this.diagonal = Float64Array.from(rowsOf, (row) => gram[row * this.n + row]);
    if (this.compact) {
      const width = this.size + nv;
      this.rowBytes = 8 * width;
      this.fLength = this.size;
      this.f = new Float64Array(views.arena.memory.buffer, this.fOffset, width);
      // the fold's rows of K̃, columns in fold order
      const columns = new Int32Array(width);
      columns.set(rowsOf, 0);
      columns.set(validationRows, this.size);
      const heap = views.heap;
      for (let r = 0; r < this.size; r++) {
        const source = rowsOf[r] * this.n;
        const target = this.foldOffset / 8 + r * width;
        for (let c = 0; c < width; c++) heap[target + c] = gram[source + columns[c]];
      }
    } else {
      this.rowBytes = 8 * this.n;
      this.fLength = this.n;
      this.f = new Float64Array(views.arena.memory.buffer, this.fOffset, this.n);
    }
    this.f.fill(0);
  }

  margin(i: number): number {
    return this.compact ? this.f[i] : this.f[this.rowsOf[i]];
  }

  add(i: number, delta: number): void {
    this.updates++;
    const row = this.compact ? this.foldOffset + i * this.rowBytes : this.views.arena.layout.gramOffset + this.rowsOf[i] * this.rowBytes;
    this.views.kernels.axpy(this.fOffset, row, this.fLength, delta);
  }

  squaredNorm(i: number): number {
    return this.diagonal[i];
  }

  validationScores(alpha: Float64Array, labels: ArrayLike<number>): Float64Array {
    const nv = this.validationRows.length;
    if (!this.compact) return Float64Array.from(this.validationRows, (row) => this.f[row]);
    const scores = this.f.subarray(this.size, this.size + nv);
    scores.fill(0);
    const target = this.fOffset + 8 * this.size;
    for (let i = 0; i < this.size; i++) {
      if (alpha[i] !== 0) this.views.kernels.axpy(target, this.foldOffset + i * this.rowBytes + 8 * this.size, nv, alpha[i] * labels[i]);
    }
    return Float64Array.from(scores);
  }

  snapshot(): Float64Array {
    return Float64Array.from(this.f.subarray(0, this.fLength));
  }

  combine(coefficients: number[], snapshots: Float64Array[]): void {
    const f = this.f;
    for (let m = 0; m < this.fLength; m++) {
      let value = 0;
      for (let p = 0; p < coefficients.length; p++) value += coefficients[p] * snapshots[p][m];
      f[m] = value;
    }
  }

  quadratic(alphaP: Float64Array, _snapshotP: Float64Array, _alphaQ: Float64Array, snapshotQ: Float64Array, labels: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < this.size; i++) {
      if (alphaP[i] !== 0) sum += alphaP[i] * labels[i] * snapshotQ[this.compact ? i : this.rowsOf[i]];
    }
    return sum;
  }
}

/** Explicit-w engine (see LinearDualModel): w (bias last) in the slot. */
export class SimdLinearModel implements SimdDualModel {
  readonly size: number;
  updates = 0;
  private readonly d: number;
  private readonly wOffset: number;
  readonly w: Float64Array;
  private readonly norms: Float64Array;

  constructor(
    private readonly views: ArenaViews,
    private readonly rowsOf: Int32Array,
    private readonly validationRows: Int32Array,
  ) {
    const { d } = views.arena.layout;
    this.d = d;
    this.size = rowsOf.length;
    this.wOffset = views.slot + views.slotLayout.w;
    this.w = new Float64Array(views.arena.memory.buffer, this.wOffset, d + 1);
    this.w.fill(0);
    this.norms = Float64Array.from(rowsOf, (row) => {
      const offset = views.arena.layout.xOffset + 8 * row * d;
      return 1 + views.kernels.dot(offset, offset, d);
    });
  }

  private rowOffset(row: number): number {
    return this.views.arena.layout.xOffset + 8 * row * this.d;
  }

  margin(i: number): number {
    return this.views.kernels.dot(this.wOffset, this.rowOffset(this.rowsOf[i]), this.d) + this.w[this.d];
  }

  add(i: number, delta: number): void {
    this.updates++;
    this.views.kernels.axpy(this.wOffset, this.rowOffset(this.rowsOf[i]), this.d, delta);
    this.w[this.d] += delta;
  }

  squaredNorm(i: number): number {
    return this.norms[i];
  }

  validationScores(): Float64Array {
    return Float64Array.from(this.validationRows, (row) => this.views.kernels.dot(this.wOffset, this.rowOffset(row), this.d) + this.w[this.d]);
  }

  snapshot(): Float64Array {
    return Float64Array.from(this.w);
  }

  combine(coefficients: number[], snapshots: Float64Array[]): void {
    for (let k = 0; k <= this.d; k++) {
      let value = 0;
      for (let p = 0; p < coefficients.length; p++) value += coefficients[p] * snapshots[p][k];
      this.w[k] = value;
    }
  }

  /** α_pᵀQα_q = w_p·w_q. */
  quadratic(_alphaP: Float64Array, snapshotP: Float64Array, _alphaQ: Float64Array, snapshotQ: Float64Array): number {
    let sum = 0;
    for (let k = 0; k <= this.d; k++) sum += snapshotP[k] * snapshotQ[k];
    return sum;
  }
}

/** w = Σ_i α_i y_i x̃_i (bias last) into the slot's w, then w·x̃ of every test row. */
export function simdWeightsAndTestScores(views: ArenaViews, alpha: Float64Array, labels: ArrayLike<number>, rowsOf: Int32Array): { w: Float64Array; testScores: Float64Array } {
  const { d, testRows, xOffset, testOffset } = views.arena.layout;
  const wOffset = views.slot + views.slotLayout.w;
  const w = new Float64Array(views.arena.memory.buffer, wOffset, d + 1);
  w.fill(0);
  let bias = 0;
  for (let i = 0; i < rowsOf.length; i++) {
    const coefficient = alpha[i] * labels[i];
    if (coefficient === 0) continue;
    views.kernels.axpy(wOffset, xOffset + 8 * rowsOf[i] * d, d, coefficient);
    bias += coefficient;
  }
  w[d] = bias;
  const testScores = new Float64Array(testRows);
  for (let r = 0; r < testRows; r++) testScores[r] = views.kernels.dot(wOffset, testOffset + 8 * r * d, d) + bias;
  return { w: Float64Array.from(w), testScores };
}
