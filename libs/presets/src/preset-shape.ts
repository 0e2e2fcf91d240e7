import { ANY_VALUE as V, ListOf, type KeyShape } from './known-keys.ts';

/**
 * Every key a preset may have, section by section. The stages parse their own sections
 * (libs/pretrain, libs/detection, benchmarks); the keys are listed here so that one check at
 * load time catches a typo anywhere in the file before any stage runs, not hours into a run
 * when the stage that owns the section reads it. A stage that reads a new key adds it here
 * (the shipped presets' load test fails until it does, if a preset uses it).
 */

const FASHION_VOC_DATA: KeyShape = {
  source: V,
  pretrain: { images: V, size: V, format: V, itemScale: V, maxOutsideOffset: V, maxCentreShift: V, renderingsPerItem: V, holdoutFraction: V },
  appearance: {
    background: { textures: V, saturation: V, brightness: V, contrast: V, noise: V },
    tint: { saturation: V, brightness: V },
  },
  scenes: { minSize: V, maxSize: V, maxItems: V, minItemScale: V, maxItemScale: V, jpegQuality: V, sizes: V, classesByTint: V, reuseItems: V },
  voc2007: { trainval: V, test: V, valFraction: V },
  voc2012: { trainval: V, valFraction: V },
};

/** Real data sets are only described (the paper's miniImageNet and PASCAL VOC). */
const REAL_DATA: KeyShape = {
  source: V,
  pretrain: { dataset: V, images: V, classes: V },
  classification: { dataset: V, train: V, test: V },
  detection: { datasets: V, train: V, test: V },
};

export const DATA_SHAPE: KeyShape = (data) => (data.source === 'real' ? REAL_DATA : FASHION_VOC_DATA);

/** libs/pretrain parsePretrainPreset. */
/** libs/pretrain training-options.ts: a model's optimiser and learning-rate schedule. */
const PRETRAIN_OPTIMIZER: KeyShape = { name: V, momentum: V, nesterov: V, weightDecay: V };
const PRETRAIN_SCHEDULE: KeyShape = { shape: V, warmupSteps: V, warmupFraction: V };
const PRETRAIN_OVERRIDES = { learningRate: V, optimizer: PRETRAIN_OPTIMIZER, schedule: PRETRAIN_SCHEDULE, shift: V } as const;

const PRETRAIN: KeyShape = {
  comment: V, seed: V, images: V, inputSize: V, batchSize: V, learningRate: V, decoderFrom: V, width: V,
  checkpointEverySteps: V, featureBatchSize: V,
  optimizer: PRETRAIN_OPTIMIZER, schedule: PRETRAIN_SCHEDULE, flip: V, iaeLong: V,
  iae: { epochs: V, batchSize: V, ...PRETRAIN_OVERRIDES },
  supervised: { epochs: V, batchSize: V, ...PRETRAIN_OVERRIDES },
  mgta: {
    T: V, E: V, P: V, K: V, k: V, kCandidates: V, clusterFeature: V, kmeansRestarts: V, kmeansMaxIterations: V,
    // batchSize is read only to be refused with the reason (MGTA batches are P·K).
    tripletFeature: V, keepOptimizerState: V, batchSize: V, ...PRETRAIN_OVERRIDES,
  },
};

/** benchmarks voc07ClsSection. */
const VOC07_CLS: KeyShape = {
  comment: V, models: V, layer: V, year: V, trainSplit: V, testSplit: V, costs: V, batchSize: V,
  bootstrap: { resamples: V, seed: V },
  layers: V, lowShot: { kValues: V, samples: V, seed: V },
};

const PROPOSALS: KeyShape = { preNmsTopN: V, postNmsTopN: V, nmsThresh: V, minSize: V };
const SCHEDULE: KeyShape = { iterations: V, steps: V };

/** libs/detection parseDetectionPreset, plus `models` (benchmarks voc-det). */
const DETECTION: KeyShape = {
  comment: V, notes: V, models: V, reduced: V, biasRule: V, lrReference: { baseLr: V, imagesPerIteration: V }, warmupFraction: V,
  anchorSizes: V, rpnChannels: V, rpnBatchSizePerImage: V, rpnTrainProposals: PROPOSALS, rpnTestProposals: PROPOSALS,
  roiPooledSize: V, res5Stride: V, roiBatchSizePerImage: V, testDetectionsPerImage: V,
  scale: V, maxSize: V, flip: V, imagesPerIteration: V,
  baseLr: V, momentum: V, weightDecay: V, gamma: V, warmupIterations: V, warmupFactor: V,
  schedules: { '07': SCHEDULE, '07+12': SCHEDULE },
  checkpointEvery: V, seed: V,
};

/** libs/report parseRegressInvariants (`mgta regress`). */
const REGRESS: KeyShape = {
  comment: V,
  failOnDivergence: V,
  invariants: new ListOf({ metric: V, above: V, margin: V, why: V }),
};

export const PRESET_SHAPE: KeyShape = {
  name: V,
  description: V,
  data: DATA_SHAPE,
  voc07Cls: VOC07_CLS,
  pretrain: PRETRAIN,
  detection: DETECTION,
  regress: REGRESS,
};
