import { Random } from '@mgta/core';
import type { ArenaViews } from './arena.ts';
import { solveDual } from './dual-cd.ts';
import { gramBlock, gramBlockSimd } from './gram.ts';
import { GramDualModel } from './gram-model.ts';
import { trainLibsvmLinear } from './libsvm-solver.ts';
import { LinearDualModel, primalWeights } from './linear-model.ts';
import { SimdGramModel, SimdLinearModel, simdWeightsAndTestScores, type SimdDualModel } from './simd-models.ts';
import { SubspaceWarmStart } from './warm-start.ts';

/**
 * The units of work of the SVM stage, run either in a worker thread (fit-worker.ts) or
 * inline. The normalised training features (and the Gram matrix, when used) live in
 * SharedArrayBuffers, so a task message carries only indices, labels and costs.
 */
export interface SharedFeatures {
  /** Normalised training rows, row-major n × d, float64. */
  x: Float64Array;
  n: number;
  d: number;
  /** K̃ = XXᵀ + 1, n × n, when the Gram engine is used. */
  gram?: Float64Array;
  /** This thread's views onto the shared wasm arena (x and gram above are views into it): the SIMD path. */
  views?: ArenaViews;
}

export type SolverName = 'liblinear-dual' | 'libsvm';

export interface GramBlockTask {
  kind: 'gram-block';
  start: number;
  end: number;
}

/** Fits one binary problem along a cost path and scores held-out rows at every cost. */
export interface PathTask {
  kind: 'path';
  solver: SolverName;
  trainRows: Int32Array;
  /** ±1, one per training row. */
  trainLabels: Float64Array;
  validationRows: Int32Array;
  /** Ascending; each fit warm-starts from the previous one (liblinear-dual). */
  costs: number[];
  weights: { positive: number; negative: number };
  tol: number;
  maxIter: number;
  seed: number;
  /** Return w (bias last) of the last cost. */
  returnWeights: boolean;
  /**
   * Warm start of each cost after the first (SIMD path only; warm-start.ts): 0 = the previous α
   * as it is, 1 = rescaled optimally, m = the best start in the span of the last m solutions.
   */
  warmStartDepth?: number;
  /** Return α after every cost (SIMD path): a refit can start from the folds' solutions. */
  returnAlphas?: boolean;
  /** Start of the first cost instead of α = 0 (SIMD path), one value per training row. */
  initialAlpha?: Float64Array;
}

export interface PathResult {
  /** Decision values of the validation rows, one array per cost. */
  scores: Float64Array[];
  iterations: number[];
  converged: boolean[];
  w?: Float64Array;
  /** w·x̃ of every test row (with returnWeights on the SIMD path, whose arena holds the test rows). */
  testScores?: Float64Array;
  /** Coordinate updates, summed over the path (building the initial α's decision values included). */
  updates?: number;
  /** α after every cost, with returnAlphas. */
  alphas?: Float64Array[];
}

export type Task = GramBlockTask | PathTask;
export type TaskResult = PathResult | null;

export async function runTask(shared: SharedFeatures, task: Task): Promise<TaskResult> {
  if (task.kind === 'gram-block') {
    if (shared.gram === undefined) throw new Error('gram-block task without a Gram matrix');
    if (shared.views !== undefined) {
      gramBlockSimd(shared.views, task.start, task.end);
      return null;
    }
    gramBlock(shared.x, shared.n, shared.d, shared.gram, task.start, task.end);
    return null;
  }
  if (task.solver === 'libsvm') return runLibsvmPath(shared, task);
  return shared.views !== undefined ? runSimdPath(shared.views, task) : runDualPath(shared, task);
}

function runSimdPath(views: ArenaViews, task: PathTask): PathResult {
  const { trainRows, trainLabels, validationRows } = task;
  const n = trainRows.length;
  const model: SimdDualModel = views.gram !== undefined
    ? new SimdGramModel(views, trainRows, validationRows)
    : new SimdLinearModel(views, trainRows, validationRows);
  const alpha = new Float64Array(n);
  const perSample = new Float64Array(n);
  const random = new Random(task.seed);
  const result: PathResult = { scores: [], iterations: [], converged: [], updates: 0 };
  const warm = new SubspaceWarmStart(task.warmStartDepth ?? 0);
  if (task.initialAlpha !== undefined) {
    // the model's decision values (or w) for the given α, one row each; then it is the history
    // the first cost's warm start is taken from (optimally rescaled to that cost)
    for (let i = 0; i < n; i++) {
      const a = task.initialAlpha[i];
      if (!(a >= 0)) throw new RangeError(`initial α ${a} at ${i}`);
      if (a === 0) continue;
      alpha[i] = a;
      model.add(i, a * trainLabels[i]);
    }
    warm.record(model, alpha);
  }
  if (task.returnAlphas) result.alphas = [];
  for (const cost of task.costs) {
    for (let i = 0; i < n; i++) perSample[i] = cost * (trainLabels[i] > 0 ? task.weights.positive : task.weights.negative);
    warm.start(model, alpha, trainLabels, perSample);
    const fit = solveDual(model, trainLabels, perSample, alpha, { tol: task.tol, maxIter: task.maxIter, random });
    result.iterations.push(fit.iterations);
    result.converged.push(fit.converged);
    warm.record(model, alpha);
    result.alphas?.push(Float64Array.from(alpha));
    if (validationRows.length > 0) result.scores.push(model.validationScores(alpha, trainLabels));
    else result.scores.push(new Float64Array(0));
  }
  result.updates = model.updates;
  if (task.returnWeights) {
    const { w, testScores } = simdWeightsAndTestScores(views, alpha, trainLabels, trainRows);
    result.w = w;
    result.testScores = testScores;
  }
  return result;
}

function runDualPath(shared: SharedFeatures, task: PathTask): PathResult {
  const { trainRows, trainLabels, validationRows } = task;
  const n = trainRows.length;
  const model = shared.gram !== undefined
    ? new GramDualModel(shared.gram, shared.n, trainRows)
    : new LinearDualModel(shared.x, shared.d, trainRows);
  const alpha = new Float64Array(n);
  const perSample = new Float64Array(n);
  const random = new Random(task.seed);
  const result: PathResult = { scores: [], iterations: [], converged: [] };
  for (const cost of task.costs) {
    // C_i = C · class_weight[y_i] (LinearSVC class_weight={1: 2, -1: 1})
    for (let i = 0; i < n; i++) perSample[i] = cost * (trainLabels[i] > 0 ? task.weights.positive : task.weights.negative);
    const fit = solveDual(model, trainLabels, perSample, alpha, { tol: task.tol, maxIter: task.maxIter, random });
    result.iterations.push(fit.iterations);
    result.converged.push(fit.converged);
    if (model instanceof GramDualModel) {
      result.scores.push(Float64Array.from(validationRows, (row) => model.f[row]));
    } else {
      result.scores.push(scoreRows(model.w, shared, validationRows));
    }
  }
  if (task.returnWeights) {
    result.w = model instanceof LinearDualModel ? Float64Array.from(model.w) : primalWeights(alpha, trainLabels, shared.x, shared.d, trainRows);
  }
  return result;
}

async function runLibsvmPath(shared: SharedFeatures, task: PathTask): Promise<PathResult> {
  const samples = Array.from(task.trainRows, (row) => Array.from(shared.x.subarray(row * shared.d, (row + 1) * shared.d)));
  const labels = Array.from(task.trainLabels);
  const result: PathResult = { scores: [], iterations: [], converged: [] };
  let w: Float64Array | undefined;
  for (const cost of task.costs) {
    w = await trainLibsvmLinear(samples, labels, { cost, weights: task.weights });
    result.scores.push(scoreRows(w, shared, task.validationRows));
    result.iterations.push(0);
    result.converged.push(true);
  }
  if (task.returnWeights) result.w = w;
  return result;
}

function scoreRows(w: Float64Array, shared: SharedFeatures, rows: Int32Array): Float64Array {
  const { x, d } = shared;
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const offset = rows[r] * d;
    let sum = w[d];
    for (let k = 0; k < d; k++) sum += w[k] * x[offset + k];
    out[r] = sum;
  }
  return out;
}
