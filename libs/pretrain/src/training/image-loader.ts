/**
 * Turns image indices into a normalised NHWC float32 batch, decoding per batch (never the whole
 * set at once). Each image is resized (PIL bilinear) straight to inputSize × inputSize — no crop:
 * the pretraining images are object-centric squares (Fashion-VOC 64², miniImageNet 84²).
 *
 * Cache: decoded, resized uint8 images are kept in memory while the whole set fits in
 * `cacheBytes` (default 256 MB; e.g. 3000 × 64×64×3 = 37 MB); larger sets are decoded per batch.
 */
import { TORCHVISION_NORMALIZATION, decodeImage, resizeBilinearPil, type RgbImage } from '@mgta/imaging';
import type { ImageSet } from './image-set.ts';

export const DEFAULT_CACHE_BYTES = 256 * 2 ** 20;

export class ImageLoader {
  readonly size: number;
  private readonly set: ImageSet;
  private readonly cache: Map<number, Uint8Array> | null;

  constructor(set: ImageSet, size: number, cacheBytes = DEFAULT_CACHE_BYTES) {
    this.set = set;
    this.size = size;
    this.cache = set.files.length * size * size * 3 <= cacheBytes ? new Map() : null;
  }

  get cached(): boolean {
    return this.cache !== null;
  }

  /** Pixels of image i: size × size × 3 uint8, RGB, row-major. */
  async pixels(i: number): Promise<Uint8Array> {
    const hit = this.cache?.get(i);
    if (hit) return hit;
    let image: RgbImage = await decodeImage(this.set.files[i]);
    if (image.width !== this.size || image.height !== this.size) image = resizeBilinearPil(image, this.size, this.size);
    const data = Uint8Array.from(image.data);
    this.cache?.set(i, data);
    return data;
  }

  /**
   * NHWC float32 batch, normalised with torchvision's ImageNet statistics (the checkpoints'
   * pixelNormalization). The augmentations: `flips[j]` mirrors image j horizontally, then
   * `shifts[j] = [dx, dy]` moves it by whole pixels (right and down when positive), filling the
   * uncovered border by reflection (numpy's 'reflect': the edge pixel is not repeated), as
   * torchvision's RandomCrop(padding, padding_mode='reflect') does.
   */
  async batch(indices: readonly number[], flips?: readonly boolean[], shifts?: ReadonlyArray<readonly [number, number]>): Promise<Float32Array> {
    const s = this.size;
    const out = new Float32Array(indices.length * s * s * 3);
    const { mean, std, scale } = TORCHVISION_NORMALIZATION;
    const images = await Promise.all(indices.map((i) => this.pixels(i)));
    images.forEach((px, n) => {
      const flip = flips?.[n] ?? false;
      const [dx, dy] = shifts?.[n] ?? [0, 0];
      if (Math.abs(dx) >= s || Math.abs(dy) >= s) throw new RangeError(`a shift of (${dx}, ${dy}) pixels does not fit a ${s}-pixel image`);
      const base = n * s * s * 3;
      for (let y = 0; y < s; y++) {
        const sy = reflect(y - dy, s);
        for (let x = 0; x < s; x++) {
          const sx = reflect(x - dx, s);
          const from = (sy * s + (flip ? s - 1 - sx : sx)) * 3;
          const to = base + (y * s + x) * 3;
          for (let c = 0; c < 3; c++) out[to + c] = (px[from + c] * scale - mean[c]) / std[c];
        }
      }
    });
    return out;
  }
}

/** Index i mirrored into [0, size) about the edge pixels (|i| < size). */
function reflect(i: number, size: number): number {
  if (i < 0) return -i;
  if (i >= size) return 2 * size - 2 - i;
  return i;
}
