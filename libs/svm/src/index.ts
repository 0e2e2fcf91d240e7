export { COST_LISTS, parseCosts } from './cost-lists.ts';
export { stratifiedFoldAssignment, foldSplit } from './stratified-folds.ts';
export { averagePrecisionScore, rankByScore } from './average-precision.ts';
export { solveDual, primalObjective, dualObjective, type DualModel, type DualOptions, type DualResult } from './dual-cd.ts';
export { LinearDualModel, decisionValues, primalWeights } from './linear-model.ts';
export { GramDualModel } from './gram-model.ts';
export { computeGram } from './gram.ts';
export { l2NormalizeRows, findNonFinite, NORM_EPSILON } from './normalize.ts';
export { trainLibsvmLinear, type LibsvmLinearOptions } from './libsvm-solver.ts';
export type { SolverName } from './tasks.ts';
export { syntheticVocFeatures, VOC07_TRAINVAL_IMAGES, type SyntheticVocOptions, type SyntheticSplit } from './synthetic.ts';
export {
  runVocSvm,
  GOYAL2019_PROTOCOL,
  GRAM_ROWS_PER_DIM,
  NoPositivesError,
  type SvmProtocol,
  type FeatureMatrix,
  type SvmClass,
  type SvmClassResult,
  type SvmRunResult,
  type SvmRunOptions,
  type WarmStartKind,
} from './voc-svm.ts';
export {
  drawLowShotSets,
  describeSkip,
  lowShotSeed,
  GOYAL_LOW_SHOT_K,
  GOYAL_LOW_SHOT_SAMPLES,
  type LowShotPlan,
  type LowShotDraw,
  type LowShotSkip,
} from './low-shot-samples.ts';
export { summarizeLowShotK, type LowShotKSummary } from './low-shot-summary.ts';
export { runLowShotSvm, type LowShotProtocol, type LowShotResult, type LowShotRunOptions } from './low-shot-svm.ts';
export { parseLowShotK, LOW_SHOT_PROTOCOL_NOTES } from './low-shot-options.ts';
