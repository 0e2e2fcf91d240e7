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
export {
  runVocSvm,
  GOYAL2019_PROTOCOL,
  NoPositivesError,
  type SvmProtocol,
  type FeatureMatrix,
  type SvmClass,
  type SvmClassResult,
  type SvmRunResult,
  type SvmRunOptions,
} from './voc-svm.ts';
