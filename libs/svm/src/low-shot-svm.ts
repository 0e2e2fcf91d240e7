import { availableParallelism } from 'node:os';
import { evaluateClassScores } from '@mgta/voc-eval';
import { allocateArena, arenaViews, planArena, type SharedArena } from './arena.ts';
import { drawLowShotSets, describeSkip, type LowShotSkip } from './low-shot-samples.ts';
import { summarizeLowShotK, type LowShotKSummary } from './low-shot-summary.ts';
import { l2NormalizeRows } from './normalize.ts';
import { WorkerPool } from './pool.ts';
import type { PathResult, SharedFeatures } from './tasks.ts';
import { checkSvmInputs, type FeatureMatrix, type SvmClass, type SvmProtocol } from './voc-svm.ts';

/**
 * Goyal et al. 2019's VOC07 low-shot linear SVM (fair_self_supervision_benchmark, Benchmark task 4
 * of GETTING_STARTED.md):
 *
 * - training sets: low-shot-samples.ts (create_voc_low_shot_challenge_samples.py);
 * - training: tools/svm/train_svm_low_shot.py (`train_svm_low_shot`): for every class and every
 *   cost of the list, LinearSVC with the full benchmark's settings (class_weight {1: 2, −1: 1},
 *   squared hinge, dual, tol 1e-4, max_iter 2000) on the sampled rows only (label −1 of the
 *   low-shot targets, "ignore", dropped by svm_helper.get_cls_feats_labels), features
 *   normalised as svm_helper.normalize_features; no cross-validation;
 * - testing: tools/svm/test_svm_low_shot.py: every such SVM on the full test split, AP per class
 *   with difficult-only test images dropped (get_cls_feats_labels on the test targets), the mean
 *   over classes per (sample, k, cost);
 * - reporting: low-shot-summary.ts (aggregate_low_shot_svm_stats.py).
 *
 * Both fair's scripts default to the goyal2019 cost list (train: `--costs_list` of
 * GETTING_STARTED.md; test: its default) with 0.5^4..0.5^19 appended by svm_helper.parse_cost_list.
 * The costs of one training set are fitted along the ascending path with warm starts (as the full
 * benchmark's cross-validation does): each cost stops by the same rule as a cold fit.
 */
export interface LowShotProtocol {
  kValues: number[];
  samples: number;
  /** Seed of the training-set draws (lowShotSeed); the SVM's coordinate order uses `svm.seed`. */
  seed: number;
}

export interface LowShotResult {
  /** The k values asked for, in order. */
  kValues: number[];
  samples: number;
  seed: number;
  /** One per k that ran, in the asked order. */
  byK: Array<LowShotKSummary & { seeds: number[] }>;
  skipped: Array<LowShotSkip & { reason: string }>;
  /** Fits that stopped at max_iter before reaching tol. */
  unconverged: number;
  seconds: number;
}

export interface LowShotRunOptions {
  /** Worker threads; default all cores; 0 runs on this thread. */
  threads?: number;
  /** The wasm SIMD kernels (default true; the JavaScript loops where wasm SIMD is missing). */
  simd?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Depth of the warm start along the cost path (warm-start.ts; the full benchmark's default). */
const WARM_START_DEPTH = 3;

export async function runLowShotSvm(
  train: FeatureMatrix,
  test: FeatureMatrix,
  classes: SvmClass[],
  svm: SvmProtocol,
  lowShot: LowShotProtocol,
  options: LowShotRunOptions = {},
): Promise<LowShotResult> {
  const started = performance.now();
  checkSvmInputs(train, test, classes, svm);
  const plan = drawLowShotSets(classes.map((c) => c.trainLabels), classes.map((c) => c.name), lowShot);
  const threads = options.threads ?? availableParallelism();
  const d = train.cols;
  // Training and test rows in one matrix: a fit's "validation rows" are the test rows, so the
  // shared path task returns the test decision values of every cost.
  const n = train.rows + test.rows;
  const testRows = Int32Array.from({ length: test.rows }, (_, i) => train.rows + i);
  const layout = (options.simd ?? true) && svm.solver !== 'libsvm' ? planArena(n, d, 0, false, threads > 0 ? threads + 1 : 1, 0) : null;
  const arena: SharedArena | undefined = (layout !== null ? allocateArena(layout) : null) ?? undefined;
  const x = arena !== undefined
    ? arenaViews(arena, 0).x
    : new Float64Array(threads > 0 ? new SharedArrayBuffer(n * d * 8) : new ArrayBuffer(n * d * 8));
  l2NormalizeRows(train.data, train.rows, d, x.subarray(0, train.rows * d));
  l2NormalizeRows(test.data, test.rows, d, x.subarray(train.rows * d));
  const shared: SharedFeatures = { x, n, d };
  const pool = new WorkerPool(shared, threads, arena);
  const ascending = [...svm.costs].sort((a, b) => a - b);
  const total = plan.draws.length * classes.length;
  let done = 0;
  let unconverged = 0;
  try {
    // mean test AP over classes, per draw and cost (cost-list order)
    const mapByDraw = await Promise.all(plan.draws.map(async (draw) => {
      const apByClass = await Promise.all(draw.classes.map(async (set, c) => {
        const result = (await pool.run({
          kind: 'path',
          solver: svm.solver,
          trainRows: set.rows,
          trainLabels: set.labels,
          validationRows: testRows,
          costs: ascending,
          weights: svm.weights,
          tol: svm.tol,
          maxIter: svm.maxIter,
          // per draw and class, and independent of the other k values listed
          seed: svm.seed + 1000 * draw.seed + c,
          returnWeights: false,
          warmStartDepth: arena !== undefined ? WARM_START_DEPTH : 0,
        })) as PathResult;
        unconverged += result.converged.filter((ok) => !ok).length;
        options.onProgress?.(++done, total);
        const apAscending = result.scores.map((scores) => evaluateClassScores(classes[c].testLabels, scores).ap);
        return svm.costs.map((cost) => apAscending[ascending.indexOf(cost)]);
      }));
      // np.mean over classes in test_svm_low_shot.py; a class without a test positive has no AP
      // (NaN there): the mean over the classes that have one, as the VOC evaluator's mAP
      return svm.costs.map((_, j) => meanDefined(apByClass.map((aps) => aps[j])));
    }));
    const byK = plan.kept.map((k) => {
      const drawIndices = plan.draws.map((draw, i) => (draw.k === k ? i : -1)).filter((i) => i >= 0);
      const summary = summarizeLowShotK(k, svm.costs, drawIndices.map((i) => mapByDraw[i]));
      return { ...summary, seeds: drawIndices.map((i) => plan.draws[i].seed) };
    });
    return {
      kValues: [...lowShot.kValues],
      samples: lowShot.samples,
      seed: lowShot.seed,
      byK,
      skipped: plan.skipped.map((skip) => ({ ...skip, reason: describeSkip(skip) })),
      unconverged,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await pool.close();
  }
}

function meanDefined(values: Array<number | null>): number {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
}

