export { kmeans, directInertia, type KMeansOptions, type KMeansResult, type KMeansProgress } from './kmeans/kmeans.ts';
export { calinskiHarabasz } from './kmeans/calinski-harabasz.ts';
export { chooseK, type ChooseKOptions, type ChooseKResult, type ChooseKScore } from './kmeans/choose-k.ts';
export { normalizedMutualInformation, purity } from './cluster-metrics.ts';
export { batchHardTripletLoss, pairwiseDistances, TRIPLET_MARGIN, DISTANCE_EPSILON } from './triplet-loss.ts';
export { reconstructionLoss, totalLoss } from './total-loss.ts';
export { pkBatchCount, pkBatches, type PKOptions } from './pk-sampler.ts';
export {
  mutualGuidancePlan,
  splitHalves,
  tripletWeight,
  type MutualGuidanceStep,
  type MutualGuidancePlanOptions,
  type Net,
} from './mutual-guidance.ts';
export { gaussianBlobs, type Blobs } from './kmeans/test-data.ts';
export { parsePretrainPreset, pretrainPreset, type PretrainPreset, type ClusterFeature } from './training/pretrain-preset.ts';
export { modelTraining, type ModelTraining, type TrainedModel, type TrainingOverrides } from './training/training-options.ts';
export { createOptimizer, decayedTensors, DEFAULT_OPTIMIZER, type Optimizer, type OptimizerSpec, type OptimizerState } from './training/optimizer.ts';
export { Sgd, type SgdOptions } from './training/sgd.ts';
export { learningRateAt, warmupStepsOf, type ScheduleSpec } from './training/lr-schedule.ts';
export { HOLDOUT_FILE, splitHoldout, type HoldoutSplit } from './training/holdout.ts';
export {
  cachedPixelNmi, clusterNmi, heldOutAccuracy, heldOutNmi, holdoutData, modelDiagnostics, pixelNmi, type Holdout, type KMeansSettings,
} from './training/diagnostics.ts';
export { recordRandomDiagnostics, type RandomDiagnosticsRequest } from './training/random-diagnostics.ts';
export { listImageSet, subsetImageSet, type ImageSet } from './training/image-set.ts';
export { ImageLoader, DEFAULT_CACHE_BYTES } from './training/image-loader.ts';
export { Adam, trainableParams, type AdamOptions } from './training/adam.ts';
export { autoEncoderObjective, autoEncoderStep, supervisedStep, type StepLosses, type TripletTerm } from './training/train-steps.ts';
export { extractFeatures } from './training/features.ts';
export { pseudoLabels, type PseudoLabels, type PseudoLabelOptions } from './training/pseudo-labels.ts';
export { TrainingRun, StoppedEarly, type Position } from './training/training-run.ts';
export { autoEncoderArchitecture, trainIae } from './training/train-iae.ts';
export { trainSupervised } from './training/train-supervised.ts';
export { plannedMgtaSteps, res4TripletDeviation, trainMgta, type MgtaOptions } from './training/train-mgta.ts';
export { iaeLongBudget, trainIaeLong } from './training/train-iae-long.ts';
export { runPretrain, isFinished, type PretrainModel, type PretrainRequest, type PretrainOutcome } from './training/run-pretrain.ts';
