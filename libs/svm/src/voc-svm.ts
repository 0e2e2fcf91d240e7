import { availableParallelism } from 'node:os';
import { evaluateClassScores } from '@mgta/voc-eval';
import { averagePrecisionScore } from './average-precision.ts';
import { allocateArena, arenaViews, planArena, type SharedArena } from './arena.ts';
import { computeGram, finishGram, GRAM_BLOCK_ROWS } from './gram.ts';
import { decisionValues } from './linear-model.ts';
import { findNonFinite, l2NormalizeRows } from './normalize.ts';
import { WorkerPool } from './pool.ts';
import { foldSplit, stratifiedFoldAssignment } from './stratified-folds.ts';
import type { PathResult, SharedFeatures, SolverName } from './tasks.ts';

/**
 * The VOC07 linear-SVM protocol of Goyal et al. 2019 (fair_self_supervision_benchmark,
 * tools/svm/train_svm_kfold.py + test_svm.py; VISSL's SVMTrainer is the same):
 * per class, one-vs-rest LinearSVC(C, class_weight={1: 2, -1: 1}, intercept_scaling=1,
 * loss='squared_hinge', penalty='l2', dual=True, tol=1e-4, max_iter=2000) on L2-normalised
 * features; the cost is chosen by the mean AP of 3-fold (non-shuffled StratifiedKFold)
 * cross-validation (`cross_val_score(..., cv=3, scoring='average_precision')`), first cost
 * in list order on ties (np.argmax), then refit on all of trainval and scored on test.
 * Training: label 0 (difficult only) counts as negative. Test: label 0 images are dropped.
 */
export interface SvmProtocol {
  /** In the user's order (decides ties). */
  costs: number[];
  solver: SolverName;
  /** 3 (cross_val_score cv=3 in train_svm_kfold.py). */
  folds: number;
  /** class_weight={1: 2, -1: 1} (train_svm_kfold.py). */
  weights: { positive: number; negative: number };
  /** tol=0.0001 (train_svm_kfold.py; also LinearSVC's default). */
  tol: number;
  /** max_iter=2000 (train_svm_kfold.py). */
  maxIter: number;
  /** Seed of the coordinate permutations (sklearn's liblinear has its own RNG; the optimum does not depend on it). */
  seed: number;
}

export const GOYAL2019_PROTOCOL: Omit<SvmProtocol, 'costs'> = {
  solver: 'liblinear-dual',
  folds: 3,
  weights: { positive: 2, negative: 1 },
  tol: 1e-4,
  maxIter: 2000,
  seed: 0,
};

export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

export interface SvmClass {
  name: string;
  /** VOC labels 1 / -1 / 0 of the training rows, in row order. */
  trainLabels: ArrayLike<number>;
  /** VOC labels 1 / -1 / 0 of the test rows, in row order. */
  testLabels: ArrayLike<number>;
}

export interface SvmClassResult {
  name: string;
  cost: number;
  /** Mean CV AP (sklearn average_precision_score) of the chosen cost. */
  cvAp: number;
  /** Mean CV AP of every cost, in the protocol's cost order. */
  cvApByCost: number[];
  /** VOC2010-style area under the precision envelope, on test (label 0 dropped); null without a test positive. */
  testAp: number | null;
  /** VOC2007 11-point AP on test. */
  testAp07: number | null;
  trainPositives: number;
  testPositives: number;
  /** Fits that stopped at max_iter before reaching tol (CV and refit). */
  unconverged: number;
  /** Decision values of the refit SVM on every test row (label 0 rows included), for curves and bootstrap intervals. */
  testScores: Float64Array;
}

export interface SvmRunResult {
  classes: SvmClassResult[];
  meanTestAp: number;
  meanTestAp07: number;
  meanCvAp: number;
  engine: 'gram' | 'linear' | 'libsvm';
  /** Whether the wasm SIMD kernels on a shared arena ran (false: the plain JavaScript loops). */
  simd: boolean;
  threads: number;
  /** Dual coordinate updates of all fits (SIMD path only): the work, independent of the machine's load. */
  coordinateUpdates?: number;
  /**
   * Wall seconds: the Gram matrix; the cross-validation until its last fold is done; the refits
   * still running after that (refits start as soon as their class's folds are done, so most of
   * them overlap the cross-validation); the whole run.
   */
  seconds: { gram: number; crossValidation: number; refit: number; total: number };
}

export type WarmStartKind = 'previous' | 'rescaled' | 'subspace';
const WARM_START_DEPTH: Record<WarmStartKind, number> = { previous: 0, rescaled: 1, subspace: 3 };

export interface SvmRunOptions {
  /** Worker threads; default: all cores. 0 runs everything on this thread. */
  threads?: number;
  /**
   * 'auto' uses the Gram engine when the n × n matrix fits in `gramMaxBytes` and n ≤ d
   * (n ≤ GRAM_ROWS_PER_DIM · d on the SIMD path, where an update costs n_t and a visit O(1),
   * against 2d and d for explicit w).
   */
  engine?: 'auto' | 'gram' | 'linear';
  gramMaxBytes?: number;
  /** The wasm SIMD kernels on a shared arena (default true; falls back to JavaScript where wasm SIMD is missing or the arena exceeds 4 GiB). */
  simd?: boolean;
  /**
   * Warm starts along the ascending cost path (SIMD path; warm-start.ts): 'previous' (the last
   * α, and refits that climb the cost path again: the JavaScript path's algorithm), 'rescaled'
   * (optimally scaled) or 'subspace' (default: the best start in the span of the last 3
   * solutions). Except with 'previous', a refit starts from the folds' solutions at its cost.
   */
  warmStart?: WarmStartKind;
  /** Called after each finished task. */
  onProgress?: (done: number, total: number) => void;
}

/** The class has no positive training image: the SVM cannot be trained. */
export class NoPositivesError extends Error {
  constructor(readonly className: string) {
    super(`class "${className}" has no positive training image`);
    this.name = 'NoPositivesError';
  }
}

export async function runVocSvm(
  train: FeatureMatrix,
  test: FeatureMatrix,
  classes: SvmClass[],
  protocol: SvmProtocol,
  options: SvmRunOptions = {},
): Promise<SvmRunResult> {
  const started = performance.now();
  checkInputs(train, test, classes, protocol);
  const threads = options.threads ?? availableParallelism();
  const n = train.rows;
  const d = train.cols;
  const wantSimd = (options.simd ?? true) && protocol.solver !== 'libsvm';
  const engine = protocol.solver === 'libsvm' ? 'libsvm' : chooseEngine(n, d, options, wantSimd);
  // Largest training set of a fold: stratified folds differ in size by at most one.
  const foldRows = n - Math.floor(n / protocol.folds);
  // one slot per worker and one for this thread (inline: just this thread)
  const layout = wantSimd ? planArena(n, d, test.rows, engine === 'gram', threads > 0 ? threads + 1 : 1, foldRows) : null;
  const arena: SharedArena | undefined = (layout !== null ? allocateArena(layout) : null) ?? undefined;
  let shared: SharedFeatures;
  let testX: Float64Array;
  if (arena !== undefined) {
    const views = arenaViews(arena, 0);
    l2NormalizeRows(train.data, n, d, views.x);
    testX = l2NormalizeRows(test.data, test.rows, test.cols, views.test);
    shared = { x: views.x, n, d, gram: views.gram };
  } else {
    const xShared = new Float64Array(threads > 0 ? new SharedArrayBuffer(n * d * 8) : new ArrayBuffer(n * d * 8));
    l2NormalizeRows(train.data, n, d, xShared);
    testX = l2NormalizeRows(test.data, test.rows, test.cols);
    shared = { x: xShared, n, d };
    if (engine === 'gram') {
      shared.gram = new Float64Array(threads > 0 ? new SharedArrayBuffer(n * n * 8) : new ArrayBuffer(n * n * 8));
    }
  }
  const warmStartDepth = arena !== undefined ? WARM_START_DEPTH[options.warmStart ?? 'subspace'] : 0;
  const pool = new WorkerPool(shared, threads, arena);
  const blocks = engine === 'gram' ? Math.ceil(n / GRAM_BLOCK_ROWS) : 0;
  const totalTasks = blocks + classes.length * (protocol.folds + 1);
  let done = 0;
  const tick = () => options.onProgress?.(++done, totalTasks);
  try {
    // 1. Gram matrix (shared by every class, fold and cost).
    const gramStart = performance.now();
    if (engine === 'gram') {
      if (threads === 0 && arena === undefined) {
        computeGram(shared.x, n, d, shared.gram);
        done += blocks;
      } else {
        const work: Promise<unknown>[] = [];
        for (let start = 0; start < n; start += GRAM_BLOCK_ROWS) {
          work.push(pool.run({ kind: 'gram-block', start, end: Math.min(n, start + GRAM_BLOCK_ROWS) }).then(tick));
        }
        // this thread computes blocks too while the workers are still loading
        await Promise.all([pool.helpWhileStarting((task) => task.kind === 'gram-block'), ...work]);
        finishGram(shared.gram!, n);
      }
    }
    const gramSeconds = (performance.now() - gramStart) / 1000;

    // 2. Cross-validation: every (class, fold) runs the ascending cost path. 3. As soon as a
    // class's folds are in, its cost is chosen (first best in the user's order) and its refit on
    // all training rows goes to the front of the queue: no barrier between the phases, so no
    // worker idles while another finishes the last fold.
    const cvStart = performance.now();
    let cvEnd = cvStart;
    let cvLeft = classes.length * protocol.folds;
    let updates = 0;
    const ascending = [...protocol.costs].sort((a, b) => a - b);
    const allRows = Int32Array.from({ length: n }, (_, i) => i);
    const results = await Promise.all(
      classes.map(async (cls, c) => {
        const labels = Float64Array.from({ length: n }, (_, i) => (cls.trainLabels[i] === 1 ? 1 : -1));
        const assignment = stratifiedFoldAssignment(labels, protocol.folds);
        const folds = await Promise.all(
          Array.from({ length: protocol.folds }, async (_, fold) => {
            const { train: trainRows, validation } = foldSplit(assignment, fold);
            const result = (await pool.run({
              kind: 'path',
              solver: protocol.solver,
              trainRows,
              trainLabels: Float64Array.from(trainRows, (row) => labels[row]),
              validationRows: validation,
              costs: ascending,
              weights: protocol.weights,
              tol: protocol.tol,
              maxIter: protocol.maxIter,
              seed: protocol.seed + 1000 * c + fold,
              returnWeights: false,
              warmStartDepth,
              returnAlphas: warmStartDepth > 0,
            })) as PathResult;
            tick();
            updates += result.updates ?? 0;
            if (--cvLeft === 0) cvEnd = performance.now();
            const validationLabels = Float64Array.from(validation, (row) => labels[row]);
            return { aps: result.scores.map((scores) => averagePrecisionScore(validationLabels, scores)), result, trainRows };
          }),
        );
        const cvApByCost = protocol.costs.map((cost) => {
          const k = ascending.indexOf(cost);
          return folds.reduce((sum, fold) => sum + fold.aps[k], 0) / folds.length;
        });
        let best = 0;
        for (let k = 1; k < cvApByCost.length; k++) if (cvApByCost[k] > cvApByCost[best]) best = k;
        const cost = protocol.costs[best];
        let path = protocol.solver === 'libsvm' ? [cost] : ascending.filter((value) => value <= cost);
        // SIMD path: instead of climbing the cost path again on all rows, start the refit from
        // the folds' solutions at the chosen cost (each row is in folds − 1 training sets:
        // their mean α), optimally rescaled, and solve that one cost — 3–5x fewer coordinate
        // updates measured at VOC07 size; the stopping rule is the same.
        let initialAlpha: Float64Array | undefined;
        const k = ascending.indexOf(cost);
        if (warmStartDepth > 0 && folds.every((fold) => fold.result.alphas !== undefined)) {
          initialAlpha = new Float64Array(n);
          for (const fold of folds) fold.trainRows.forEach((row, i) => { initialAlpha![row] += fold.result.alphas![k][i]; });
          for (let i = 0; i < n; i++) initialAlpha[i] /= protocol.folds - 1;
          path = [cost];
        }
        for (const fold of folds) delete fold.result.alphas;
        const refit = (await pool.run({
          kind: 'path',
          solver: protocol.solver,
          trainRows: allRows,
          trainLabels: labels,
          validationRows: new Int32Array(0),
          costs: path,
          weights: protocol.weights,
          tol: protocol.tol,
          maxIter: protocol.maxIter,
          seed: protocol.seed + 1000 * c + 999,
          returnWeights: true,
          warmStartDepth,
          initialAlpha,
        }, { first: true })) as PathResult;
        tick();
        updates += refit.updates ?? 0;
        return scoreClass(cls, labels, cost, cvApByCost[best], cvApByCost, refit, folds.map((f) => f.result), testX, test);
      }),
    );
    const cvSeconds = (cvEnd - cvStart) / 1000;
    // Wall time after the last fold: the refits still running then (earlier ones overlap the CV).
    const refitSeconds = (performance.now() - cvEnd) / 1000;
    // Means over the classes whose AP is defined, as the VOC evaluator's mAP.
    const mean = (values: Array<number | null>) => {
      const defined = values.filter((v): v is number => v !== null);
      return defined.reduce((a, b) => a + b, 0) / defined.length;
    };
    return {
      classes: results,
      meanTestAp: mean(results.map((r) => r.testAp)),
      meanTestAp07: mean(results.map((r) => r.testAp07)),
      meanCvAp: mean(results.map((r) => r.cvAp)),
      engine,
      simd: arena !== undefined,
      threads,
      coordinateUpdates: arena !== undefined ? updates : undefined,
      seconds: { gram: gramSeconds, crossValidation: cvSeconds, refit: refitSeconds, total: (performance.now() - started) / 1000 },
    };
  } finally {
    await pool.close();
  }
}

function scoreClass(
  cls: SvmClass,
  labels: Float64Array,
  cost: number,
  cvAp: number,
  cvApByCost: number[],
  refit: PathResult,
  folds: PathResult[],
  testX: Float64Array,
  test: FeatureMatrix,
): SvmClassResult {
  const scores = refit.testScores ?? decisionValues(refit.w!, testX, test.rows, test.cols);
  // Test: images whose only objects of the class are difficult (label 0) are dropped, as
  // VOCevalcls.m does: the VOC evaluator's own classification AP.
  const evaluation = evaluateClassScores(cls.testLabels, scores);
  const unconverged = [...folds.flatMap((f) => f.converged), ...refit.converged].filter((ok) => !ok).length;
  return {
    name: cls.name,
    cost,
    cvAp,
    cvApByCost,
    testAp: evaluation.ap,
    testAp07: evaluation.ap07,
    trainPositives: labels.filter((y) => y > 0).length,
    testPositives: evaluation.npos,
    unconverged,
    testScores: Float64Array.from(scores),
  };
}

/**
 * The SIMD path prefers the Gram engine up to n = GRAM_ROWS_PER_DIM · d: measured on the bench's
 * small size (1500 × 1024, 10 classes, vissl costs, same machine state), Gram 5.2 s against
 * explicit w 6.5 s; an update costs n_t (≤ 2n/3 ≤ 4d/3 here) against 2d, a visit O(1) against d.
 */
export const GRAM_ROWS_PER_DIM = 2;

function chooseEngine(n: number, d: number, options: SvmRunOptions, simd: boolean): 'gram' | 'linear' {
  const requested = options.engine ?? 'auto';
  if (requested !== 'auto') return requested;
  const maxBytes = options.gramMaxBytes ?? 4 * 2 ** 30;
  return n <= (simd ? GRAM_ROWS_PER_DIM : 1) * d && n * n * 8 <= maxBytes ? 'gram' : 'linear';
}

/**
 * Shapes, costs and finiteness of an SVM job's inputs (the full benchmark and the low-shot one
 * share it). Throws RangeError naming what is wrong.
 */
export function checkSvmInputs(train: FeatureMatrix, test: FeatureMatrix, classes: SvmClass[], protocol: SvmProtocol): void {
  if (train.cols !== test.cols) throw new RangeError(`train features have ${train.cols} dimensions, test features ${test.cols}`);
  if (protocol.costs.length === 0) throw new RangeError('no costs given');
  if (new Set(protocol.costs).size !== protocol.costs.length) throw new RangeError('a cost is listed twice');
  for (const [name, m] of [['train', train], ['test', test]] as const) {
    if (m.data.length !== m.rows * m.cols) throw new RangeError(`${name} features: ${m.data.length} values for shape (${m.rows}, ${m.cols})`);
    const bad = findNonFinite(m.data, m.cols);
    if (bad !== undefined) throw new RangeError(`${name} features: non-finite value at row ${bad.row}, column ${bad.col}`);
  }
  for (const cls of classes) {
    if (cls.trainLabels.length !== train.rows || cls.testLabels.length !== test.rows) {
      throw new RangeError(`class "${cls.name}": labels do not match the number of feature rows`);
    }
  }
}

/** checkSvmInputs, and every class has a positive training image (cross-validation needs one). */
function checkInputs(train: FeatureMatrix, test: FeatureMatrix, classes: SvmClass[], protocol: SvmProtocol): void {
  checkSvmInputs(train, test, classes, protocol);
  for (const cls of classes) {
    let positives = 0;
    for (let i = 0; i < train.rows; i++) if (cls.trainLabels[i] === 1) positives++;
    if (positives === 0) throw new NoPositivesError(cls.name);
  }
}
