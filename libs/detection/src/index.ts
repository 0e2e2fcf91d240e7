export type { Boxes, BoxWeights, ImageShape } from './types.ts';
export { boxCount } from './types.ts';
export { DETECTRON_C4_PROTOCOL, type DetectionProtocol, type ProposalParams } from './protocol.ts';
export { generateBaseAnchors, shiftedAnchors } from './anchors.ts';
export { boxAreas, iouMatrix, encodeBoxes, decodeBoxes, clipBoxes } from './boxes.ts';
export { nms, orderByScoreDescending } from './nms.ts';
export { generateProposals, type ProposalInputs, type Proposals, type ScaledImage } from './proposals.ts';
export { rpnTargets, insideAnchorIndices, type RpnTargets, type RpnTargetParams, type AnchorLabel } from './rpn-targets.ts';
export { roiTargets, type RoiTargets, type RoiTargetParams } from './roi-targets.ts';
export { roiPool, type FeatureMap } from './roi-pool.ts';
export { postprocessDetections, limitDetectionsPerImage, type ClassDetections, type RoiHeadOutputs, type PostprocessParams } from './postprocess.ts';
export { smoothL1, weightedSmoothL1Loss, rpnObjectnessLoss, rpnBoxLoss, roiClassificationLoss, roiBoxLoss } from './losses.ts';
export { flipBoxesHorizontally } from './flip.ts';
export { toFloat16, fromFloat16, float32ToFloat16Array, float16ToFloat32Array } from './float16.ts';
export {
  BodyFeatureSet, bodyFeatures, computeBodyMap, checkBodyMapFitsFloat16, checkFreeDisk, estimateBodyBytes, imagesFingerprint, BODY_CACHE_KIND, BODY_CHANNELS, BODY_STRIDE,
  type BodyImage, type BodyMapInfo, type BodyGeometry, type BodySession, type BodyFeatureOptions,
} from './body-cache.ts';
export { initHeadWeights, disposeHeadWeights, rpnForward, roiHeadForward, res5Convs, type HeadConfig, type HeadWeights } from './heads.ts';
export { saveDetectorHeads, loadDetectorHeads, writeTensorFolder, readTensorFolder } from './head-io.ts';
export { paperDetectorProtocol, parseDetectionPreset, headConfigOf, protocolForModel, learningRate, warmupIterationsOf, type DetectorProtocol, type DetSchedule } from './detector-protocol.ts';
export {
  trainDetector, batchIndices, iterationRandom, runKey, anchorsFor, momentumUpdate,
  type TrainEntry, type TrainOptions, type TrainOutcome, type LossRow, type HeadFeatureScales, type Divergence,
} from './trainer.ts';
export { float16Scale, ScaleAccumulator, formatScale, divergenceText, FLOAT16_MAX, type FeatureScale } from './feature-stats.ts';
export { detectImage, flattenDetections, detectionRows, type ImageDetections } from './infer.ts';
export { loadDetSplit, trainingGroundTruth, trainEntries, type DetSplit } from './voc-data.ts';
export { exportDetectorOnnx, onnxDetect, detectorInputs, anchorTable, maxMapSide, anchorsOnnxModel, maxRoiPoolOnnxModel, DETECTOR_OPSET, type DetectorOnnxInputs } from './detector-onnx.ts';
export { readVariables, headWeightsFromArrays } from './head-io.ts';
export { inferSplitOnnx, evaluateDet, type OnnxInferenceResult, type DetEvaluation } from './run-column.ts';
