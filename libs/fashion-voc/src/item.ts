import { resizeGreyBilinearPil } from '@mgta/imaging';
import type { FashionMnist } from '@mgta/fashion-mnist';
import { ALPHA_FULL_INTENSITY, ALPHA_ZERO_INTENSITY, MASK_ALPHA } from './rules.ts';
import type { Rgb } from './texture.ts';

/** One Fashion-MNIST item upscaled to `side`: per-pixel opacity and grey shading, and its mask. */
export interface ItemSprite {
  side: number;
  /** Opacity in [0, 1], side*side. */
  alpha: Float32Array;
  /** Upscaled intensity / 255, side*side. */
  shade: Float32Array;
  /** alpha >= MASK_ALPHA: the item's non-background pixels. */
  mask: Uint8Array;
  maskPixels: number;
}

/** Upscales item `index` with PIL-style bilinear (the same resampler the benches use). */
export function makeSprite(set: FashionMnist, index: number, side: number): ItemSprite {
  const { rows, cols } = set;
  const grey = set.images.subarray(index * rows * cols, (index + 1) * rows * cols);
  const big = resizeGreyBilinearPil({ data: grey, width: cols, height: rows }, side, side);
  const n = side * side;
  const alpha = new Float32Array(n);
  const shade = new Float32Array(n);
  const mask = new Uint8Array(n);
  let maskPixels = 0;
  for (let i = 0; i < n; i++) {
    const v = big.data[i];
    const a = Math.min(1, Math.max(0, (v - ALPHA_ZERO_INTENSITY) / (ALPHA_FULL_INTENSITY - ALPHA_ZERO_INTENSITY)));
    alpha[i] = a;
    shade[i] = v / 255;
    if (a >= MASK_ALPHA) { mask[i] = 1; maskPixels++; }
  }
  return { side, alpha, shade, mask, maskPixels };
}

/**
 * Draws the sprite with its top-left corner at (x0, y0), clipped to the image. The colour is the
 * tint shaded by the item's own grey texture (dark seams stay dark), blended by opacity.
 */
export function drawSprite(image: { data: Uint8Array; width: number; height: number }, sprite: ItemSprite, x0: number, y0: number, tint: Rgb): void {
  const { side, alpha, shade } = sprite;
  for (let sy = 0; sy < side; sy++) {
    const y = y0 + sy;
    if (y < 0 || y >= image.height) continue;
    for (let sx = 0; sx < side; sx++) {
      const x = x0 + sx;
      if (x < 0 || x >= image.width) continue;
      const a = alpha[sy * side + sx];
      if (a === 0) continue;
      const s = 0.3 + 0.7 * shade[sy * side + sx];
      const p = (y * image.width + x) * 3;
      for (let c = 0; c < 3; c++) image.data[p + c] = Math.round(image.data[p + c] * (1 - a) + tint[c] * s * a);
    }
  }
}
