import { clipBoxes, decodeBoxes } from './boxes.ts';
import { nms } from './nms.ts';
import type { DetectionProtocol } from './protocol.ts';
import { boxCount, type Boxes, type ImageShape } from './types.ts';

/** Detections of one class in one image, best first. */
export interface ClassDetections {
  boxes: Boxes;
  scores: Float32Array;
}

export interface RoiHeadOutputs {
  /** [rois, 4] RoIs (proposals) in the coordinates of `image`. */
  rois: Boxes;
  /** [rois, numClasses] softmax class probabilities (cls_prob). */
  classProbabilities: Float32Array;
  /** [rois, 4 * numClasses] class-specific box deltas (bbox_pred). */
  boxDeltas: Float32Array;
}

export type PostprocessParams = Pick<
  DetectionProtocol,
  'numClasses' | 'roiBoxWeights' | 'bboxXformClip' | 'testScoreThresh' | 'testNmsThresh' | 'testDetectionsPerImage'
>;

/**
 * Final detections of one image as Detectron's test.py (im_detect_bbox then
 * box_results_with_nms_and_limit): decode every class's deltas against the RoIs with
 * BBOX_REG_WEIGHTS and clip to the image; per foreground class keep scores > SCORE_THRESH and
 * NMS at TEST.NMS; then, if more than DETECTIONS_PER_IM remain over all classes, keep those
 * scoring at least the DETECTIONS_PER_IM-th best score (ties at that score are all kept, as in
 * Detectron). Returns one entry per class index; index 0 (background) is always empty.
 */
export function postprocessDetections(outputs: RoiHeadOutputs, image: ImageShape, params: PostprocessParams): ClassDetections[] {
  const { rois, classProbabilities, boxDeltas } = outputs;
  const numRois = boxCount(rois);
  const numClasses = params.numClasses;
  if (classProbabilities.length !== numRois * numClasses || boxDeltas.length !== numRois * numClasses * 4) {
    throw new Error(`postprocessDetections: ${numRois} RoIs, ${classProbabilities.length} probabilities, ${boxDeltas.length} deltas`);
  }
  const decoded = clipBoxes(decodeBoxes(rois, boxDeltas, params.roiBoxWeights, params.bboxXformClip), image);

  // numpy compares the float32 cls_prob with SCORE_THRESH in float32, so 0.05f is not > 0.05.
  const scoreThresh = Math.fround(params.testScoreThresh);
  const perClass: ClassDetections[] = [{ boxes: new Float32Array(0), scores: new Float32Array(0) }];
  for (let cls = 1; cls < numClasses; cls++) {
    const candidates: number[] = [];
    for (let r = 0; r < numRois; r++) if (classProbabilities[r * numClasses + cls] > scoreThresh) candidates.push(r);
    const boxes = new Float32Array(candidates.length * 4);
    const scores = new Float32Array(candidates.length);
    candidates.forEach((r, k) => {
      boxes.set(decoded.subarray((r * numClasses + cls) * 4, (r * numClasses + cls) * 4 + 4), k * 4);
      scores[k] = classProbabilities[r * numClasses + cls];
    });
    perClass.push(selectRows({ boxes, scores }, nms(boxes, scores, params.testNmsThresh)));
  }
  return limitDetectionsPerImage(perClass, params.testDetectionsPerImage);
}

/** test.py: keep detections scoring >= the maxPerImage-th best score over all classes. */
export function limitDetectionsPerImage(perClass: ClassDetections[], maxPerImage: number): ClassDetections[] {
  const allScores = perClass.flatMap((detections) => Array.from(detections.scores));
  if (maxPerImage <= 0 || allScores.length <= maxPerImage) return perClass;
  const imageThresh = allScores.sort((a, b) => b - a)[maxPerImage - 1];
  return perClass.map((detections) => {
    const keep: number[] = [];
    detections.scores.forEach((score, k) => score >= imageThresh && keep.push(k));
    return selectRows(detections, keep);
  });
}

function selectRows(detections: ClassDetections, rows: ArrayLike<number>): ClassDetections {
  const boxes = new Float32Array(rows.length * 4);
  const scores = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    boxes.set(detections.boxes.subarray(rows[k] * 4, rows[k] * 4 + 4), k * 4);
    scores[k] = detections.scores[rows[k]];
  }
  return { boxes, scores };
}
