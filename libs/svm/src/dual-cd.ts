import type { Random } from '@mgta/core';

/**
 * The L2-regularised L2-loss (squared hinge) SVM, solved in the dual by coordinate descent
 * with shrinking (Hsieh, Chang, Lin, Keerthi, Sathiya: "A Dual Coordinate Descent Method for
 * Large-scale Linear SVM", ICML 2008, Algorithm 1 with the shrinking of Sec. 3.2 / Algorithm 3):
 *
 *   primal  min_w  ½‖w‖² + Σ_i C_i max(0, 1 − y_i w·x̃_i)²
 *   dual    min_α  f(α) = ½ αᵀ(Q + D)α − Σ_i α_i,   α_i ≥ 0,
 *           Q_ij = y_i y_j x̃_i·x̃_j,  D_ii = 1/(2C_i)  (paper Table 1, L2-loss: U = ∞, D_ii = 1/(2C))
 *
 * x̃ is the feature vector with a constant 1 appended (the bias, regularised like every other
 * weight: LinearSVC's intercept_scaling = 1). w = Σ_i α_i y_i x̃_i is kept up to date, so
 * the partial gradient is G_i = y_i w·x̃_i − 1 + D_ii α_i (paper eq. 8), and one coordinate
 * step is α_i ← max(α_i − G_i / (Q_ii + D_ii), 0) (eq. 9 with U = ∞).
 *
 * Stopping (paper Sec. 3.2 and liblinear's implementation of it): the spread of the projected
 * gradient over one pass, max PG − min PG, is at most eps. liblinear applies eps unscaled for
 * this solver, and sklearn passes `tol` as eps. When the test passes on the shrunken set, the
 * full set is re-checked before stopping.
 *
 * How w·x̃_i and w += δ x̃_i are computed is the model's business (explicit w, or a Gram matrix).
 */
export interface DualModel {
  /** Number of training samples (local indices 0..n−1). */
  readonly size: number;
  /** w·x̃_i. */
  margin(i: number): number;
  /** w ← w + delta · x̃_i. */
  add(i: number, delta: number): void;
  /** x̃_i·x̃_i (= Q_ii). */
  squaredNorm(i: number): number;
}

export interface DualOptions {
  /** Stopping tolerance on max PG − min PG; sklearn LinearSVC default tol = 1e-4. */
  tol: number;
  /** Outer passes; sklearn LinearSVC default max_iter = 1000, the protocol uses 2000. */
  maxIter: number;
  /** Random permutation of the active set before each pass (liblinear does this too). */
  random: Random;
}

export interface DualResult {
  iterations: number;
  converged: boolean;
}

/** Projected gradients below this do not trigger an update (liblinear uses the same 1e-12 guard). */
const UPDATE_THRESHOLD = 1e-12;

/**
 * Runs dual CD in place. `alpha` is the starting point and the model must already hold
 * w = Σ α_i y_i x̃_i for it (zeros and a zero model for a cold start; the previous cost's
 * solution for a warm start along a cost path). `costs[i]` = C_i (cost × class weight).
 */
export function solveDual(
  model: DualModel,
  labels: ArrayLike<number>,
  costs: ArrayLike<number>,
  alpha: Float64Array,
  options: DualOptions,
): DualResult {
  const n = model.size;
  const diag = new Float64Array(n); // D_ii
  const qd = new Float64Array(n); // Q_ii + D_ii
  for (let i = 0; i < n; i++) {
    diag[i] = 0.5 / costs[i];
    qd[i] = model.squaredNorm(i) + diag[i];
  }
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let activeSize = n;
  // Shrinking bounds from the previous pass (Hsieh et al. Sec. 3.2): a coordinate at α = 0
  // whose gradient exceeds the previous pass's max projected gradient is removed.
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iterations = 0;
  while (iterations < options.maxIter) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let s = 0; s < activeSize; s++) {
      const j = s + options.random.int(activeSize - s);
      const t = index[s];
      index[s] = index[j];
      index[j] = t;
    }
    for (let s = 0; s < activeSize; s++) {
      const i = index[s];
      const yi = labels[i];
      const g = yi * model.margin(i) - 1 + diag[i] * alpha[i];
      let pg = 0;
      if (alpha[i] === 0) {
        if (g > pgMaxOld) {
          // shrink: swap with the last active coordinate and look at position s again
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = i;
          s--;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g; // no upper bound for the L2 loss
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > UPDATE_THRESHOLD) {
        const old = alpha[i];
        const next = Math.max(old - g / qd[i], 0);
        alpha[i] = next;
        model.add(i, (next - old) * yi);
      }
    }
    iterations++;
    if (pgMax - pgMin <= options.tol) {
      if (activeSize === n) return { iterations, converged: true };
      // converged on the shrunken problem: check everything once more
      activeSize = n;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
    pgMinOld = pgMin >= 0 ? -Infinity : pgMin;
  }
  return { iterations, converged: false };
}

/** Primal objective ½‖w‖² + Σ C_i max(0, 1 − y_i w·x̃_i)², given ‖w‖² and the margins. */
export function primalObjective(wSquaredNorm: number, labels: ArrayLike<number>, margins: ArrayLike<number>, costs: ArrayLike<number>): number {
  let loss = 0;
  for (let i = 0; i < labels.length; i++) {
    const slack = Math.max(0, 1 - labels[i] * margins[i]);
    loss += costs[i] * slack * slack;
  }
  return 0.5 * wSquaredNorm + loss;
}

/** Dual objective (to maximise) Σ α_i − ½‖w‖² − Σ α_i² / (4 C_i) = −f(α). */
export function dualObjective(wSquaredNorm: number, alpha: ArrayLike<number>, costs: ArrayLike<number>): number {
  let value = -0.5 * wSquaredNorm;
  for (let i = 0; i < alpha.length; i++) value += alpha[i] - (alpha[i] * alpha[i]) / (4 * costs[i]);
  return value;
}
