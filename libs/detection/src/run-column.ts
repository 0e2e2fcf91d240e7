import { mkdirSync } from 'node:fs';
import { startProgress } from '@mgta/core';
import type { Normalization } from '@mgta/imaging';
import { createSession, type Device } from '@mgta/onnx';
import type { NamedWeights } from '@mgta/resnet';
import type { EvaluationResult } from '@mgta/results-schema';
import {
  COCO_STYLE_IOU_THRESHOLDS, buildDetectionGroundTruth, detectionsFromRows, evaluateClassDetectionsAtThresholds, evaluateDetectionSet,
  indexImages, summarize, writeDetectionResults, type ClassDetections, type DetectionRow,
} from '@mgta/voc-eval';
import { exportDetectorOnnx, onnxDetect } from './detector-onnx.ts';
import type { DetectorProtocol } from './detector-protocol.ts';
import { readVariables } from './head-io.ts';
import type { HeadWeights } from './heads.ts';
import { detectionRows, type ImageDetections } from './infer.ts';
import type { DetSplit } from './voc-data.ts';

export interface OnnxInferenceResult {
  detections: ImageDetections[];
  rows: Record<string, DetectionRow[]>;
  seconds: number;
  msPerImage: number;
  executionProvider: string;
  threads: number;
}

/** Exports the detector and runs it with ORT over a split; optionally writes comp4_det_<split>_<cls>.txt into `resultsDir`. */
export async function inferSplitOnnx(options: {
  body: NamedWeights; heads: HeadWeights; protocol: DetectorProtocol; normalization: Normalization; split: DetSplit;
  device?: Device; threads?: number; resultsDir?: string; label?: string; model?: Uint8Array;
}): Promise<OnnxInferenceResult> {
  const bytes = options.model ?? exportDetectorOnnx({ body: options.body, heads: { trainable: readVariables(options.heads.trainable), frozen: readVariables(options.heads.frozen) }, protocol: options.protocol });
  const created = await createSession(bytes, { device: options.device ?? 'auto', threads: options.threads });
  const started = performance.now();
  const detections: ImageDetections[] = [];
  const progress = startProgress(options.label ?? 'det infer (ORT)', options.split.images.length);
  try {
    for (const image of options.split.images) {
      detections.push(await onnxDetect(created.session, image.path, options.protocol, options.normalization));
      progress.tick();
    }
  } finally {
    progress.stop();
    await created.session.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const rows = detectionRows(options.split.ids, detections, options.split.classes);
  if (options.resultsDir) {
    mkdirSync(options.resultsDir, { recursive: true });
    for (const cls of options.split.classes) writeDetectionResults(options.resultsDir, options.split.split, cls, rows[cls]);
  }
  return { detections, rows, seconds, msPerImage: (1000 * seconds) / Math.max(1, detections.length), executionProvider: created.executionProvider, threads: created.threads };
}

export interface DetEvaluation {
  /** IoU 0.5: per-class area AP and VOC07 11-point AP (map07 = the paper's number). */
  evaluation: EvaluationResult;
  ap50: number | null;
  ap75: number | null;
  apMean50to95: number | null;
  groundTruth: ReturnType<typeof buildDetectionGroundTruth>;
  columnar: Record<string, ClassDetections>;
}

/** VOC07 11-point mAP at 0.5 plus detectron2-style area AP at 0.5, 0.75 and the mean over 0.5:0.95. */
export function evaluateDet(split: DetSplit, rows: Record<string, DetectionRow[]>): DetEvaluation {
  const evaluation = evaluateDetectionSet({ ids: split.ids, annotations: split.annotations, classes: split.classes, detections: rows });
  const groundTruth = buildDetectionGroundTruth(split.ids, split.annotations, split.classes);
  const index = indexImages(split.ids);
  const columnar = Object.fromEntries(split.classes.map((c) => [c, detectionsFromRows(rows[c] ?? [], index)]));
  const perThreshold = COCO_STYLE_IOU_THRESHOLDS.map(() => ({} as Record<string, ReturnType<typeof evaluateClassDetectionsAtThresholds>[number]>));
  for (const cls of split.classes) {
    evaluateClassDetectionsAtThresholds(groundTruth.get(cls)!, columnar[cls], COCO_STYLE_IOU_THRESHOLDS, { maxPrPoints: 0 }).forEach((ap, t) => (perThreshold[t][cls] = ap));
  }
  const maps = perThreshold.map((classes) => summarize(classes).map);
  const at = (iou: number): number | null => maps[COCO_STYLE_IOU_THRESHOLDS.findIndex((t) => Math.abs(t - iou) < 1e-9)];
  const defined = maps.filter((m): m is number => m !== null);
  return {
    evaluation, ap50: at(0.5), ap75: at(0.75),
    apMean50to95: defined.length === maps.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    groundTruth, columnar,
  };
}

