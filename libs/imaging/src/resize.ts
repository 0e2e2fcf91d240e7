import { createImage, type RgbImage } from './image.ts';

/**
 * Two bilinear resizers, because the two protocols resize differently:
 *
 * - `resizeBilinearPil` is PIL's `Image.resize(size, Image.BILINEAR)`, which torchvision's
 *   `transforms.Resize` calls on PIL images (the classification protocol's loader). PIL resamples
 *   by separable convolution with a triangle filter whose support grows with the downscale
 *   factor, i.e. it is antialiased when shrinking (Pillow src/libImaging/Resample.c,
 *   `precompute_coeffs`). Horizontal pass first, rounded to 8 bits, then the vertical pass,
 *   as Pillow does. Pillow uses 22-bit fixed-point weights; we use doubles and round half up,
 *   so a value may differ from Pillow's by 1 (measured against Pillow 9.4's own outputs in
 *   fixtures/: 33 of 36,752 values). Pillow's fixed point would be exact, but it changes the edge
 *   pixels of the 64 -> 32 pretraining inputs, hence every trained model and the committed
 *   baselines: a switch to make together with retraining them.
 *
 * - `resizeBilinearCv2` is OpenCV's `cv2.resize(..., fx, fy, INTER_LINEAR)`, which Detectron's
 *   `prep_im_for_blob` calls (detectron/utils/blob.py): two-tap interpolation at half-pixel
 *   centres, source coordinate `(x + 0.5) / fx - 0.5` clamped to the image, no antialiasing.
 *   OpenCV uses 11-bit fixed-point weights for 8-bit images; we use doubles and round once, so
 *   values may differ by 1. (Detectron resizes the mean-subtracted float image, so it has no
 *   rounding at all; the difference is below half a grey level.)
 */

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  maxTaps: number;
}

/** Pillow's `precompute_coeffs` for the bilinear (triangle, support 1) filter. */
function pilTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero, then clamps.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) / filterScale);
      const w = t < 1 ? 1 - t : 0;
      weights[xx * maxTaps + x] = w;
      total += w;
    }
    if (total !== 0) for (let x = 0; x < xmax; x++) weights[xx * maxTaps + x] /= total;
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, weights, maxTaps };
}

/** OpenCV INTER_LINEAR taps for output `dx`: source `(dx + 0.5) * step - 0.5`, clamped. */
function cv2Taps(inSize: number, outSize: number, step: number): Taps {
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize).fill(2);
  const weights = new Float64Array(outSize * 2);
  for (let dx = 0; dx < outSize; dx++) {
    const source = (dx + 0.5) * step - 0.5;
    let x0 = Math.floor(source);
    let frac = source - x0;
    if (x0 < 0) { x0 = 0; frac = 0; }
    if (x0 >= inSize - 1) { x0 = inSize - 1; frac = 0; }
    start[dx] = x0;
    weights[dx * 2] = 1 - frac;
    weights[dx * 2 + 1] = frac;
    if (frac === 0) count[dx] = 1;
  }
  return { start, count, weights, maxTaps: 2 };
}

const clampByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5));

/** Planar-agnostic pixels: `channels` interleaved 8-bit values per pixel. */
interface Pixels { data: Uint8Array; width: number; height: number; channels: number }

function horizontal(image: Pixels, outWidth: number, taps: Taps): Pixels {
  const { data, width, height, channels } = image;
  const { start, count, weights, maxTaps } = taps;
  const out = new Uint8Array(outWidth * height * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < outWidth; x++) {
      const o = (y * outWidth + x) * channels;
      const first = row + start[x] * channels;
      const k0 = x * maxTaps;
      const n = count[x];
      if (channels === 3) {
        // RGB, the hot case, with the channel loop unrolled (same sums in the same order).
        let r = 0, g = 0, b = 0;
        for (let k = 0, p = first; k < n; k++, p += 3) {
          const w = weights[k0 + k];
          r += w * data[p];
          g += w * data[p + 1];
          b += w * data[p + 2];
        }
        out[o] = clampByte(r);
        out[o + 1] = clampByte(g);
        out[o + 2] = clampByte(b);
        continue;
      }
      for (let c = 0; c < channels; c++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += weights[k0 + k] * data[first + k * channels + c];
        out[o + c] = clampByte(v);
      }
    }
  }
  return { data: out, width: outWidth, height, channels };
}

function vertical(image: Pixels, outHeight: number, taps: Taps): Pixels {
  const { data, width, channels } = image;
  const { start, count, weights, maxTaps } = taps;
  const stride = width * channels;
  const out = new Uint8Array(stride * outHeight);
  // Whole rows at a time: each tap adds one contiguous input row into the sums.
  const sums = new Float64Array(stride);
  for (let y = 0; y < outHeight; y++) {
    sums.fill(0);
    for (let k = 0; k < count[y]; k++) {
      const w = weights[y * maxTaps + k];
      const row = (start[y] + k) * stride;
      for (let i = 0; i < stride; i++) sums[i] += w * data[row + i];
    }
    const o = y * stride;
    for (let i = 0; i < stride; i++) out[o + i] = clampByte(sums[i]);
  }
  return { data: out, width, height: outHeight, channels };
}

function resizePil(image: Pixels, width: number, height: number): Pixels {
  let out = image;
  if (width !== image.width) out = horizontal(out, width, pilTaps(image.width, width));
  if (height !== image.height) out = vertical(out, height, pilTaps(image.height, height));
  return out === image ? { ...image, data: image.data.slice() } : out;
}

/** PIL / torchvision bilinear resize to exactly `width`x`height` (antialiased when shrinking). */
export function resizeBilinearPil(image: RgbImage, width: number, height: number): RgbImage {
  if (width < 1 || height < 1) throw new Error(`resize target must be at least 1x1, got ${width}x${height}`);
  return { ...resizePil(image, width, height), channels: 3 };
}

/** The same PIL bilinear on a single-channel (grey) image, `data.length === width * height`. */
export function resizeGreyBilinearPil(grey: { data: Uint8Array; width: number; height: number }, width: number, height: number): { data: Uint8Array; width: number; height: number } {
  const { data } = resizePil({ ...grey, channels: 1 }, width, height);
  return { data, width, height };
}

/**
 * OpenCV / Detectron bilinear resize by factor `scale` (both axes): output size
 * `round(width * scale)` x `round(height * scale)`, sampling step `1 / scale` as cv2 does with fx/fy.
 */
export function resizeBilinearCv2(image: RgbImage, scale: number): RgbImage {
  const width = Math.round(image.width * scale);
  const height = Math.round(image.height * scale);
  const step = 1 / scale;
  // Direct 2x2 interpolation in doubles, rounded once per output value.
  const out = createImage(width, height);
  const xs = cv2Taps(image.width, width, step);
  const ys = cv2Taps(image.height, height, step);
  const { data } = image;
  const stride = image.width * 3;
  for (let y = 0; y < height; y++) {
    const y0 = ys.start[y], wy1 = ys.weights[y * 2 + 1], wy0 = ys.weights[y * 2];
    const y1 = ys.count[y] === 2 ? y0 + 1 : y0;
    for (let x = 0; x < width; x++) {
      const x0 = xs.start[x], wx1 = xs.weights[x * 2 + 1], wx0 = xs.weights[x * 2];
      const x1 = xs.count[x] === 2 ? x0 + 1 : x0;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = wx0 * data[y0 * stride + x0 * 3 + c] + wx1 * data[y0 * stride + x1 * 3 + c];
        const bottom = wx0 * data[y1 * stride + x0 * 3 + c] + wx1 * data[y1 * stride + x1 * 3 + c];
        out.data[o + c] = clampByte(wy0 * top + wy1 * bottom);
      }
    }
  }
  return out;
}
