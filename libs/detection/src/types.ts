/**
 * Boxes as a flat row-major [n, 4] array of (x1, y1, x2, y2) in 0-based pixel coordinates with
 * inclusive corners, Detectron's convention: a box's width is x2 - x1 + 1.
 */
export type Boxes = Float32Array;

/** Size in pixels of the (scaled) network input image. */
export interface ImageShape {
  height: number;
  width: number;
}

/** The four box-coding weights (wx, wy, ww, wh) of Detectron's bbox_transform. */
export type BoxWeights = readonly [number, number, number, number];

export function boxCount(boxes: Boxes): number {
  if (boxes.length % 4 !== 0) throw new Error(`box array length ${boxes.length} is not a multiple of 4`);
  return boxes.length / 4;
}
