import { join } from 'node:path';
import { loadVocSplit, type VocAnnotation } from '@mgta/voc';
import type { BodyFeatureSet, BodyImage } from './body-cache.ts';
import { flipBoxesHorizontally } from './flip.ts';
import type { TrainEntry } from './trainer.ts';

export interface DetSplit {
  year: string;
  split: string;
  classes: string[];
  ids: string[];
  annotations: Map<string, VocAnnotation>;
  /** Unflipped images in split order. */
  images: BodyImage[];
  sizes: Array<{ width: number; height: number }>;
}

export function loadDetSplit(devkit: string, year: string, split: string, classes?: string[]): DetSplit {
  const voc = loadVocSplit({ devkit, year, split, classes });
  const images = voc.ids.map((id) => ({ id, path: join(voc.yearDir, 'JPEGImages', voc.annotations.get(id)!.filename || `${id}.jpg`), flipped: false }));
  const sizes = voc.ids.map((id) => ({ width: voc.annotations.get(id)!.size.width, height: voc.annotations.get(id)!.size.height }));
  return { year, split, classes: voc.classes, ids: voc.ids, annotations: voc.annotations, images, sizes };
}

/**
 * Ground truth of one image for training, in 0-based Detectron pixels (VOC xmin - 1, as
 * Detectron's VOC loader); difficult objects are left out of training as in py-faster-rcnn's
 * pascal_voc.py (USE_DIFF False). Classes are 1-based indices into `classes`.
 */
export function trainingGroundTruth(annotation: VocAnnotation, classes: readonly string[]): { boxes: Float32Array; classes: Int32Array } {
  const objects = annotation.objects.filter((o) => !o.difficult && classes.includes(o.name));
  const boxes = new Float32Array(objects.length * 4);
  const labels = new Int32Array(objects.length);
  objects.forEach((o, k) => {
    boxes.set([o.bbox.xmin - 1, o.bbox.ymin - 1, o.bbox.xmax - 1, o.bbox.ymax - 1], k * 4);
    labels[k] = classes.indexOf(o.name) + 1;
  });
  return { boxes, classes: labels };
}

/** Training entries of a body-feature set whose maps come from `split` (flipped maps get mirrored boxes); images without objects are skipped, as Detectron's filter_for_training. */
export function trainEntries(set: BodyFeatureSet, split: DetSplit): TrainEntry[] {
  const entries: TrainEntry[] = [];
  set.maps.forEach((info, index) => {
    const gt = trainingGroundTruth(split.annotations.get(info.id)!, split.classes);
    if (gt.classes.length === 0) return;
    entries.push({ set, index, gtBoxes: info.flipped ? flipBoxesHorizontally(gt.boxes, info.imageWidth) : gt.boxes, gtClasses: gt.classes });
  });
  return entries;
}
