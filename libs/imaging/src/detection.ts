import { createImage, type RgbImage } from './image.ts';
import { resizeBilinearCv2 } from './resize.ts';

/**
 * Detectron's defaults (detectron/core/config.py): TRAIN.SCALES = (600,), TEST.SCALE = 600,
 * TRAIN.MAX_SIZE = TEST.MAX_SIZE = 1000. Benches take theirs from the preset.
 */
export const DETECTRON_DEFAULT_SCALE = 600;
export const DETECTRON_DEFAULT_MAX_SIZE = 1000;

/**
 * Detectron `prep_im_for_blob` (detectron/utils/blob.py): scale so the short side becomes
 * `shortSide`, unless that makes the rounded long side exceed `maxSize`, then scale the long side
 * to `maxSize`. This is min(S/short, M/long) except at the rounding boundary, where Detectron's
 * `np.round(scale * long) > max` test decides; we follow Detectron.
 */
export function detectionScale(width: number, height: number, shortSide: number, maxSize: number): number {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  let scale = shortSide / short;
  if (roundHalfEven(scale * long) > maxSize) scale = maxSize / long;
  return scale;
}

/** numpy's np.round rounds halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Resizes as Detectron does (cv2 bilinear by the scale factor); returns the image and the scale. */
export function detectionTransform(image: RgbImage, shortSide: number, maxSize: number): { image: RgbImage; scale: number } {
  const scale = detectionScale(image.width, image.height, shortSide, maxSize);
  return { image: resizeBilinearCv2(image, scale), scale };
}

/** Mirror left-right. */
export function flipImage(image: RgbImage): RgbImage {
  const out = createImage(image.width, image.height);
  const { width, height, data } = image;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = (y * width + (width - 1 - x)) * 3;
      out.data[to] = data[from]; out.data[to + 1] = data[from + 1]; out.data[to + 2] = data[from + 2];
    }
  }
  return out;
}

/** A box in Detectron's convention: 0-based pixel indices, inclusive corners. */
export interface PixelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** VOC XML boxes are 1-based inclusive; Detectron subtracts 1 when it loads them. */
export function vocToPixelBox(box: { xmin: number; ymin: number; xmax: number; ymax: number }): PixelBox {
  return { x1: box.xmin - 1, y1: box.ymin - 1, x2: box.xmax - 1, y2: box.ymax - 1 };
}

/** Detectron `box_utils.flip_boxes`: x1' = W - x2 - 1, x2' = W - x1 - 1. */
export function flipBoxes(boxes: readonly PixelBox[], width: number): PixelBox[] {
  return boxes.map((box) => ({ x1: width - box.x2 - 1, y1: box.y1, x2: width - box.x1 - 1, y2: box.y2 }));
}

/** Boxes follow the image: Detectron multiplies 0-based coordinates by the image scale. */
export function scaleBoxes(boxes: readonly PixelBox[], scale: number): PixelBox[] {
  return boxes.map((box) => ({ x1: box.x1 * scale, y1: box.y1 * scale, x2: box.x2 * scale, y2: box.y2 * scale }));
}
