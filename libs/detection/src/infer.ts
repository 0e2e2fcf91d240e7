import * as tf from '@tensorflow/tfjs';
import type { DetectionRow } from '@mgta/voc-eval';
import type { BodyMapInfo } from './body-cache.ts';
import { headConfigOf, type DetectorProtocol } from './detector-protocol.ts';
import { roiHeadForward, rpnForward, type HeadWeights } from './heads.ts';
import { postprocessDetections, type ClassDetections } from './postprocess.ts';
import { generateProposals } from './proposals.ts';
import { roiPool, type FeatureMap } from './roi-pool.ts';
import { anchorsFor } from './trainer.ts';

/** Detections of one image in ORIGINAL-image pixels (0-based inclusive), flat and best first. */
export interface ImageDetections {
  boxes: Float32Array;
  scores: Float32Array;
  /** 1..C-1 (0 is background). */
  labels: Int32Array;
}

/**
 * The tfjs detector on one cached res4 map, as Detectron's im_detect_bbox + box_results_with_nms_and_limit:
 * RPN with the TEST proposal settings, RoIPool, res5 head, softmax; the RoIs are divided by the
 * image scale and the class deltas decoded and clipped in original-image pixels.
 */
export function detectImage(weights: HeadWeights, protocol: DetectorProtocol, map: FeatureMap, info: Pick<BodyMapInfo, 'inputHeight' | 'inputWidth' | 'scale' | 'imageHeight' | 'imageWidth'>): ImageDetections {
  const d = protocol.detectron;
  const config = headConfigOf(protocol, map.channels);
  const { objectness, deltas } = tf.tidy(() => {
    const { logits, deltas } = rpnForward(weights, tf.tensor4d(map.data, [1, map.height, map.width, map.channels]));
    return { objectness: tf.sigmoid(logits).dataSync() as Float32Array, deltas: deltas.dataSync() as Float32Array };
  });
  const anchors = anchorsFor(protocol, map.height, map.width);
  const proposals = generateProposals({ anchors, objectness, deltas }, { height: info.inputHeight, width: info.inputWidth, scale: info.scale }, d.rpnTestProposals, d.rpnBoxWeights, d.bboxXformClip);
  const numRois = proposals.boxes.length / 4;
  if (numRois === 0) return { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
  const pooled = roiPool(map, proposals.boxes, d.roiPooledSize, d.roiSpatialScale);
  const { probabilities, boxDeltas } = tf.tidy(() => {
    const p = d.roiPooledSize;
    const head = roiHeadForward(weights, config, tf.tensor4d(pooled, [numRois, p, p, map.channels]));
    return { probabilities: tf.softmax(head.logits).dataSync() as Float32Array, boxDeltas: head.boxDeltas.dataSync() as Float32Array };
  });
  const rois = Float32Array.from(proposals.boxes, (v) => v / info.scale);
  const perClass = postprocessDetections({ rois, classProbabilities: probabilities, boxDeltas }, { height: info.imageHeight, width: info.imageWidth }, d);
  return flattenDetections(perClass);
}

/** Per-class detections to one list sorted by descending score (class order breaks ties). */
export function flattenDetections(perClass: ClassDetections[]): ImageDetections {
  const rows: Array<{ cls: number; k: number; score: number }> = [];
  perClass.forEach((c, cls) => c.scores.forEach((score, k) => rows.push({ cls, k, score })));
  rows.sort((a, b) => b.score - a.score || a.cls - b.cls);
  const out: ImageDetections = { boxes: new Float32Array(rows.length * 4), scores: new Float32Array(rows.length), labels: new Int32Array(rows.length) };
  rows.forEach((r, i) => {
    out.boxes.set(perClass[r.cls].boxes.subarray(r.k * 4, r.k * 4 + 4), i * 4);
    out.scores[i] = r.score;
    out.labels[i] = r.cls;
  });
  return out;
}

/** Detections of a split as comp4 rows per class name: boxes +1 into VOC pixels, as Detectron writes them. */
export function detectionRows(ids: readonly string[], detections: readonly ImageDetections[], classes: readonly string[]): Record<string, DetectionRow[]> {
  const rows: Record<string, DetectionRow[]> = Object.fromEntries(classes.map((c) => [c, [] as DetectionRow[]]));
  ids.forEach((imageId, i) => {
    const det = detections[i];
    for (let k = 0; k < det.scores.length; k++) {
      const b = det.boxes;
      rows[classes[det.labels[k] - 1]].push({ imageId, score: det.scores[k], box: [b[k * 4] + 1, b[k * 4 + 1] + 1, b[k * 4 + 2] + 1, b[k * 4 + 3] + 1] });
    }
  });
  return rows;
}
