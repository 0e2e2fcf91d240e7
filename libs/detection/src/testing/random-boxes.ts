import type { Random } from '@mgta/core';
import type { Boxes } from '../types.ts';

/** Random integer boxes inside a width x height image, each side at least minSide (test data). */
export function randomBoxes(random: Random, count: number, width: number, height: number, minSide = 1): Boxes {
  const boxes = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const w = minSide + random.int(width - minSide + 1);
    const h = minSide + random.int(height - minSide + 1);
    const x1 = random.int(width - w + 1);
    const y1 = random.int(height - h + 1);
    boxes.set([x1, y1, x1 + w - 1, y1 + h - 1], i * 4);
  }
  return boxes;
}
