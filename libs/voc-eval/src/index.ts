export { voc07ElevenPointAp, vocAreaAp, downsamplePrecisionRecall } from './average-precision.ts';
export {
  evaluateClassDetections,
  evaluateClassDetectionsAtThresholds,
  COCO_STYLE_IOU_THRESHOLDS,
  type ClassGroundTruth,
  type ClassDetections,
  type DetectionOptions,
} from './detection.ts';
export { evaluateClassScores, rankByScore } from './classification.ts';
export { indexImages, buildDetectionGroundTruth, detectionsFromRows, type DetectionRow } from './ground-truth.ts';
export { parseDetectionResults, parseClassificationResults, type ResultText } from './parse-results.ts';
export { FileBytesReader } from './file-bytes.ts';
export {
  writeDetectionResults,
  writeClassificationResults,
  detectionResultsFile,
  classificationResultsFile,
} from './result-files.ts';
export {
  evaluateDetections,
  evaluateDetectionsAtThresholds,
  evaluateClassification,
  type EvaluateFilesOptions,
} from './evaluate-files.ts';
export { evaluateDetectionSet } from './evaluate-set.ts';
export { summarize } from './summary.ts';
