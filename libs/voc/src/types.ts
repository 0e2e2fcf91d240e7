/** Pixel box as written in VOC XML: 1-based, inclusive corners (xmin <= xmax). */
export interface BoundingBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface VocObject {
  name: string;
  bbox: BoundingBox;
  difficult: boolean;
  truncated: boolean;
  pose: string;
}

export interface ImageSize {
  width: number;
  height: number;
  depth: number;
}

/** One `Annotations/<id>.xml`. */
export interface VocAnnotation {
  id: string;
  filename: string;
  size: ImageSize;
  /** `<segmented>`: whether a segmentation mask exists. Optional; absent means not recorded. */
  segmented?: boolean;
  objects: VocObject[];
}

/** Per-class image label of `ImageSets/Main/<cls>_<split>.txt`: 1 present, -1 absent, 0 only difficult. */
export type ClassLabel = 1 | -1 | 0;

/** The 20 PASCAL VOC classes, in the devkit's order. */
export const VOC_CLASSES: readonly string[] = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa',
  'train', 'tvmonitor',
];

/** One problem found by `validateVocYear`, located as precisely as known. */
export interface VocProblem {
  file: string;
  line?: number;
  field?: string;
  problem: string;
}
