import type { Boxes } from './types.ts';

/**
 * Mirrors boxes for a horizontally flipped image of the given width, as Detectron's roidb
 * flipping: x1' = width - x2 - 1, x2' = width - x1 - 1 (0-based inclusive pixels). Its own inverse.
 */
export function flipBoxesHorizontally(boxes: Boxes, imageWidth: number): Boxes {
  const flipped = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    flipped[i] = imageWidth - boxes[i + 2] - 1;
    flipped[i + 1] = boxes[i + 1];
    flipped[i + 2] = imageWidth - boxes[i] - 1;
    flipped[i + 3] = boxes[i + 3];
  }
  return flipped;
}
