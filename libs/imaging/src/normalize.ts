import type { RgbImage } from './image.ts';

/** How a model wants its pixels: value = (pixel * scale - mean[c]) / std[c], channels in `channelOrder`. */
export interface Normalization {
  channelOrder: 'RGB' | 'BGR';
  scale: number;
  /** Per output channel, in `channelOrder`. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** torchvision's ImageNet statistics (torchvision/references, models' docs); this harness's default. */
export const TORCHVISION_NORMALIZATION: Normalization = {
  channelOrder: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** Detectron / Caffe2: BGR, 0..255, mean subtraction only (detectron/core/config.py `__C.PIXEL_MEANS`). */
export const DETECTRON_CAFFE2_NORMALIZATION: Normalization = {
  channelOrder: 'BGR',
  scale: 1,
  mean: [102.9801, 115.9465, 122.7717],
  std: [1, 1, 1],
};

/** One image → Float32Array of shape [3, H, W] (planar, i.e. one image of an NCHW batch). */
export function normalize(image: RgbImage, normalization: Normalization, out?: Float32Array, offset = 0): Float32Array {
  const { width, height, data } = image;
  const plane = width * height;
  const target = out ?? new Float32Array(3 * plane);
  const { scale, mean, std } = normalization;
  for (let c = 0; c < 3; c++) {
    const source = normalization.channelOrder === 'RGB' ? c : 2 - c;
    const base = offset + c * plane;
    const m = mean[c];
    const inv = 1 / std[c];
    for (let p = 0; p < plane; p++) target[base + p] = (data[p * 3 + source] * scale - m) * inv;
  }
  return target;
}
