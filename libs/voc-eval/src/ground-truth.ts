import type { VocAnnotation } from '@mgta/voc';
import type { ClassDetections, ClassGroundTruth } from './detection.ts';

/** Position of each image id in the split, the index the columnar arrays use. */
export function indexImages(ids: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  ids.forEach((id, i) => index.set(id, i));
  return index;
}

/**
 * Every class's objects, grouped by image in split order. Difficult objects are kept:
 * a detection matching one is ignored rather than counted false (voc_eval.py).
 */
export function buildDetectionGroundTruth(
  ids: readonly string[],
  annotations: ReadonlyMap<string, VocAnnotation>,
  classes: readonly string[],
): Map<string, ClassGroundTruth> {
  const classIndex = new Map(classes.map((name, c) => [name, c]));
  const counts = new Int32Array(classes.length);
  for (const id of ids) {
    const annotation = annotations.get(id);
    if (annotation === undefined) throw new Error(`no annotation for image "${id}" of the split`);
    for (const object of annotation.objects) {
      const c = classIndex.get(object.name);
      if (c !== undefined) counts[c]++;
    }
  }
  const perClass = classes.map((_, c) => ({
    imageCount: ids.length,
    start: new Int32Array(ids.length + 1),
    boxes: new Float64Array(4 * counts[c]),
    difficult: new Uint8Array(counts[c]),
  }));
  const filled = new Int32Array(classes.length);
  ids.forEach((id, i) => {
    for (const object of annotations.get(id)!.objects) {
      const c = classIndex.get(object.name);
      if (c === undefined) continue;
      const gt = perClass[c];
      const j = filled[c]++;
      gt.boxes.set([object.bbox.xmin, object.bbox.ymin, object.bbox.xmax, object.bbox.ymax], 4 * j);
      gt.difficult[j] = object.difficult ? 1 : 0;
    }
    for (let c = 0; c < classes.length; c++) perClass[c].start[i + 1] = filled[c];
  });
  return new Map(classes.map((name, c) => [name, perClass[c]]));
}

/** One detection: image id, score, box `[x1, y1, x2, y2]` in VOC pixels (1-based, inclusive). */
export interface DetectionRow {
  imageId: string;
  score: number;
  box: readonly [number, number, number, number];
}

/** Rows (in submission order) to the columnar form the evaluator takes. */
export function detectionsFromRows(rows: readonly DetectionRow[], imageIndex: ReadonlyMap<string, number>): ClassDetections {
  const n = rows.length;
  const dets: ClassDetections = { image: new Int32Array(n), score: new Float64Array(n), boxes: new Float64Array(4 * n) };
  rows.forEach((row, k) => {
    const i = imageIndex.get(row.imageId);
    if (i === undefined) throw new Error(`detection ${k}: image "${row.imageId}" is not in the split`);
    if (!Number.isFinite(row.score)) throw new Error(`detection ${k}: score ${row.score} is not finite`);
    dets.image[k] = i;
    dets.score[k] = row.score;
    dets.boxes.set(row.box, 4 * k);
  });
  return dets;
}
