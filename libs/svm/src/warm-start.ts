/**
 * Warm starts along the ascending cost path, better than "start from the previous α":
 *
 * The dual objective at the new costs C_i is F(α) = ½ αᵀQα + Σ α_i²/(4C_i) − Σ α_i. We keep the
 * last `depth` solutions α_1..α_m (newest first) with what the model keeps for them (Gram engine:
 * the decision values f = X̃w; explicit engine: w), all linear in α, and start from the
 * minimiser of F over their span, α = Σ_p c_p α_p: an m × m linear system
 *
 *   Σ_q A_pq c_q = Σ_i α_p,i,   A_pq = α_pᵀQα_q + Σ_i α_p,i α_q,i / (2C_i),
 *
 * whose solution must be ≥ 0 everywhere (else m − 1 vectors are tried). The decision values
 * (or w) of the start are the same combination of the stored ones, so no K̃ row is read.
 * m = 1 is the optimal rescaling α ← sα; at small costs α(C) is a smooth series in C
 * (α = C·M1 − C²·MQM1 + …), which three solutions capture far better than one: measured on the
 * VOC07-size bench, the cheap end of the goyal2019 list went from 3–9 passes per cost to 1–4.
 * Only the starting point changes; the coordinate descent and its stopping rule (max PG − min
 * PG ≤ tol) are liblinear's, so the solution meets the same tolerance.
 */
export interface WarmStartModel {
  /** A copy of what the model keeps (f or w) for the current α. */
  snapshot(): Float64Array;
  /** Sets what the model keeps to Σ_p c_p snapshot_p. */
  combine(coefficients: number[], snapshots: Float64Array[]): void;
  /** α_pᵀQα_q from the stored α_p and snapshot_q. */
  quadratic(alphaP: Float64Array, snapshotP: Float64Array, alphaQ: Float64Array, snapshotQ: Float64Array, labels: ArrayLike<number>): number;
}

interface Solution {
  alpha: Float64Array;
  kept: Float64Array;
}

/** Largest Σ_p |c_p| max|α_p| / max|α| accepted: beyond it the combination cancels and loses digits. */
const MAX_CANCELLATION = 1e4;

export class SubspaceWarmStart {
  private readonly history: Solution[] = [];
  /** How many stored solutions each start used (diagnostics). */
  readonly used: number[] = [];

  constructor(private readonly depth: number) {}

  /** Call after solving at a cost, before the next one's `start`. */
  record(model: WarmStartModel, alpha: Float64Array): void {
    if (this.depth === 0) return;
    this.history.unshift({ alpha: Float64Array.from(alpha), kept: model.snapshot() });
    if (this.history.length > this.depth) this.history.pop();
  }

  /** Replaces α (and the model's f or w) by the best start in the span of the stored solutions, for the costs `costs`. */
  start(model: WarmStartModel, alpha: Float64Array, labels: ArrayLike<number>, costs: ArrayLike<number>): void {
    const h = this.history;
    if (h.length === 0) return;
    const m0 = h.length;
    // A and the right-hand side for all m0 vectors; smaller systems are its leading blocks.
    const A = Array.from({ length: m0 }, () => new Float64Array(m0));
    const rhs = new Float64Array(m0);
    const norms = new Float64Array(m0);
    for (let p = 0; p < m0; p++) {
      const a = h[p].alpha;
      let sum = 0;
      let max = 0;
      for (let i = 0; i < a.length; i++) {
        sum += a[i];
        if (a[i] > max) max = a[i];
      }
      rhs[p] = sum;
      norms[p] = max;
      for (let q = 0; q <= p; q++) {
        const b = h[q].alpha;
        let diagonal = 0;
        for (let i = 0; i < a.length; i++) diagonal += (a[i] * b[i]) / (2 * costs[i]);
        A[p][q] = A[q][p] = model.quadratic(a, h[p].kept, b, h[q].kept, labels) + diagonal;
      }
    }
    for (let m = m0; m >= 1; m--) {
      const c = solveSmall(A, rhs, m);
      if (c === null) continue;
      let max = 0;
      let negative = false;
      const a = h[0].alpha;
      for (let i = 0; i < a.length && !negative; i++) {
        let value = 0;
        for (let p = 0; p < m; p++) value += c[p] * h[p].alpha[i];
        if (value < 0) negative = true;
        else if (value > max) max = value;
      }
      if (negative || !(max > 0)) continue;
      let spread = 0;
      for (let p = 0; p < m; p++) spread += Math.abs(c[p]) * norms[p];
      if (m > 1 && spread > MAX_CANCELLATION * max) continue;
      for (let i = 0; i < alpha.length; i++) {
        let value = 0;
        for (let p = 0; p < m; p++) value += c[p] * h[p].alpha[i];
        alpha[i] = value;
      }
      model.combine(c, h.slice(0, m).map((s) => s.kept));
      this.used.push(m);
      return;
    }
    this.used.push(0); // keep the previous α as it is
  }
}

/** Solves the leading m × m block of A c = rhs (Gaussian elimination, partial pivoting); null if singular or not finite. */
function solveSmall(A: Float64Array[], rhs: Float64Array, m: number): number[] | null {
  const M = Array.from({ length: m }, (_, p) => [...Array.from(A[p].subarray(0, m)), rhs[p]]);
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
    [M[col], M[pivot]] = [M[pivot], M[col]];
    if (!(Math.abs(M[col][col]) > 0)) return null;
    for (let r = col + 1; r < m; r++) {
      const factor = M[r][col] / M[col][col];
      for (let q = col; q <= m; q++) M[r][q] -= factor * M[col][q];
    }
  }
  const c = new Array<number>(m).fill(0);
  for (let row = m - 1; row >= 0; row--) {
    let value = M[row][m];
    for (let q = row + 1; q < m; q++) value -= M[row][q] * c[q];
    c[row] = value / M[row][row];
  }
  return c.every(Number.isFinite) ? c : null;
}
