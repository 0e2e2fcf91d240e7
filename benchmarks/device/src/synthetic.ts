/**
 * Seeded inputs for the check, made on the spot: nothing is decoded (sharp does not travel) and
 * no weights are carried. Every process that is given the same seed gets the same bytes, so the
 * GPU and CPU sides of a parity check see identical inputs.
 */
import { Random } from '@mgta/core';
import type { RgbImage } from '@mgta/imaging';

/** Normalised-image-like values, N(0, 1): a batch of images in any layout. */
export function normalValues(seed: number, length: number): Float32Array {
  const random = new Random(seed);
  const data = new Float32Array(length);
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  return data;
}

/** A VOC-like scene: a smooth background and a few flat rectangles, so the detector has edges to find. */
export function sceneImage(seed: number, width: number, height: number): RgbImage {
  const random = new Random(seed);
  const data = new Uint8Array(width * height * 3);
  const base = [random.int(256), random.int(256), random.int(256)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = (base[c] + ((x * (c + 1) + y * (3 - c)) >> 2)) & 255;
    }
  }
  for (let r = 0; r < 6; r++) {
    const w = 20 + random.int(Math.floor(width / 2)), h = 20 + random.int(Math.floor(height / 2));
    const x0 = random.int(width - w), y0 = random.int(height - h);
    const colour = [random.int(256), random.int(256), random.int(256)];
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = colour[c];
  }
  return { data, width, height, channels: 3 };
}

/** VOC's typical image shapes (landscape, portrait): the detector runs on both. */
export const SCENE_SHAPES: Array<[number, number]> = [[500, 375], [375, 500], [500, 333], [333, 500]];

/** A res4 map as the frozen body gives it: non-negative, HWC. */
export function bodyMapData(seed: number, height: number, width: number, channels: number): Float32Array {
  const random = new Random(seed);
  const data = new Float32Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, random.normal());
  return data;
}

/** A few ground-truth boxes (network-input pixels) with 1-based classes. */
export function groundTruth(seed: number, count: number, width: number, height: number, classes: number): { boxes: Float32Array; classes: Int32Array } {
  const random = new Random(seed);
  const boxes = new Float32Array(count * 4);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const w = 32 + random.int(Math.floor(width / 2)), h = 32 + random.int(Math.floor(height / 2));
    const x = random.int(width - w), y = random.int(height - h);
    boxes.set([x, y, x + w - 1, y + h - 1], i * 4);
    labels[i] = 1 + random.int(classes - 1);
  }
  return { boxes, classes: labels };
}
