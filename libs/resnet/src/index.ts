export type { NamedTensor, NamedWeights } from './named-weights.ts';
export { countParameters, elementCount, isBatchNormBuffer } from './named-weights.ts';
export type { TensorKind, TensorSpec } from './tensor-spec.ts';
export {
  BATCH_NORM_EPS, BATCH_NORM_MOMENTUM, BOTTLENECK_EXPANSION, FEATURE_CHANNELS, FEATURE_STRIDE, RESNET50_STAGES, STEM_CHANNELS,
  featureChannels, resnet50Stages, stemChannels,
  type DecoderStart, type FeatureName, type StageSpec,
} from './encoder-architecture.ts';
export {
  DECODER_INTERPOLATION_SCALE, DECODER_OUTPUT_LAYER, decoderBlocks, decoderOutputLayer, decoderStages, type DecoderBlockSpec, type DecoderStageSpec,
} from './decoder-architecture.ts';
export {
  STRIDE_1X1_LABEL, describeArchitecture, inferArchitecture, inferWidth, shapeProblems, stride1x1Field, stride1x1Of, tensorSpecs, widthLabel, widthOf,
  type ResNet50Architecture,
} from './architecture.ts';
export { bottleneckStrides, type BottleneckStrides } from './bottleneck-strides.ts';
export {
  BASE_STEM_CHANNELS, DEFAULT_WIDTH, checkWidth, formatWidth, isValidWidth, parseWidth, scaleChannels, widthFromStemChannels,
} from './width.ts';
export { assertWeightsMatch, weightProblems } from './weights-check.ts';
export { initialWeights } from './init.ts';
export { batchNorm, type BatchNormMode, type BatchNormVariables } from './batch-norm.ts';
export {
  conv2d, convOutputSize, convTranspose2d, convTransposeOutputSize, globalAveragePool, maxPool2d, upsampleNearest,
  type ConvTransposeGeometry,
} from './conv-ops.ts';
export {
  PARAMETER_GROUPS, ResNet50, parameterGroupOf,
  type ForwardOptions, type ModelOutputs, type OutputName, type ParameterGroup,
} from './model.ts';
export { reconstructionLoss } from './loss.ts';
export { TF_TO_TORCH_FILTER, TORCH_TO_TF_FILTER, tfFilterToTorch, torchFilterToTf } from './layout.ts';
export { normalizePixels, pixelNormalizationDefault, type PixelNormalization } from './pixel-normalization.ts';
export {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, MANIFEST_FILE, WEIGHTS_FILE, loadCheckpoint, readCheckpointManifest, saveCheckpoint,
  type CheckpointExtras, type CheckpointManifest, type CheckpointTensorEntry, type LoadedCheckpoint,
} from './checkpoint.ts';
