import type { ClassAp, EvaluationResult } from '@mgta/results-schema';
import type { VocAnnotation } from '@mgta/voc';
import { evaluateClassDetections, type ClassDetections, type DetectionOptions } from './detection.ts';
import { buildDetectionGroundTruth, detectionsFromRows, indexImages, type DetectionRow } from './ground-truth.ts';
import { summarize } from './summary.ts';

export interface DetectionSet {
  /** The split's image ids, in order. */
  ids: readonly string[];
  annotations: ReadonlyMap<string, VocAnnotation>;
  classes: readonly string[];
  /** Per class, in submission order; a class left out has no detections (AP 0). */
  detections: Readonly<Record<string, ClassDetections | readonly DetectionRow[]>>;
}

/** Detection AP of every class from in-memory ground truth and detections, no files. */
export function evaluateDetectionSet(set: DetectionSet, options: DetectionOptions = {}): EvaluationResult {
  const gt = buildDetectionGroundTruth(set.ids, set.annotations, set.classes);
  const imageIndex = indexImages(set.ids);
  const perClass: Record<string, ClassAp> = {};
  for (const cls of set.classes) {
    const given = set.detections[cls] ?? [];
    const dets = Array.isArray(given) ? detectionsFromRows(given as readonly DetectionRow[], imageIndex) : (given as ClassDetections);
    perClass[cls] = evaluateClassDetections(gt.get(cls)!, dets, options);
  }
  return summarize(perClass);
}
