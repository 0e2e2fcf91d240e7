import { basename, extname } from 'node:path';
import { decodeImage } from './decode.ts';
import type { RgbImage } from './image.ts';
import { normalize, type Normalization } from './normalize.ts';

export type ImageSource = string | { id: string; path: string };

export interface BatchOptions {
  batchSize: number;
  /** Applied to each decoded image (e.g. classificationTransform). */
  transform: (image: RgbImage) => RgbImage;
  normalization: Normalization;
  /** How many images to decode ahead, in parallel. */
  concurrency?: number;
}

export interface Batch {
  ids: string[];
  /** NCHW; images smaller than the batch's largest are zero-padded at the bottom and right, as
   *  Detectron's `im_list_to_blob` pads (after normalisation, so the padding is the mean). */
  tensor: Float32Array;
  shape: [number, 3, number, number];
  /** Each image's size before padding. */
  sizes: Array<{ width: number; height: number }>;
}

function idOf(source: ImageSource): { id: string; path: string } {
  if (typeof source !== 'string') return source;
  return { id: basename(source, extname(source)), path: source };
}

/**
 * Streams batches in input order, decoding up to `concurrency` images ahead. Holds at most
 * one batch plus `concurrency` decoded images, never the whole data set.
 */
export async function* streamBatches(sources: Iterable<ImageSource>, options: BatchOptions): AsyncGenerator<Batch> {
  const { batchSize, transform, normalization } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);

  const iterator = sources[Symbol.iterator]();
  const pending: Array<Promise<{ id: string; image: RgbImage }>> = [];
  const refill = (): void => {
    while (pending.length < concurrency) {
      const next = iterator.next();
      if (next.done) return;
      const { id, path } = idOf(next.value);
      const job = decodeImage(path).then((image) => ({ id, image: transform(image) }));
      job.catch(() => undefined); // awaited below; avoid an unhandled rejection while queued
      pending.push(job);
    }
  };

  let batch: Array<{ id: string; image: RgbImage }> = [];
  refill();
  while (pending.length > 0) {
    const item = await pending.shift()!;
    refill();
    batch.push(item);
    if (batch.length === batchSize) {
      yield toBatch(batch, normalization);
      batch = [];
    }
  }
  if (batch.length > 0) yield toBatch(batch, normalization);
}

function toBatch(items: Array<{ id: string; image: RgbImage }>, normalization: Normalization): Batch {
  const height = Math.max(...items.map(({ image }) => image.height));
  const width = Math.max(...items.map(({ image }) => image.width));
  const plane = height * width;
  const tensor = new Float32Array(items.length * 3 * plane);
  items.forEach(({ image }, n) => {
    const planar = image.width === width && image.height === height
      ? normalize(image, normalization, tensor, n * 3 * plane)
      : normalize(image, normalization);
    if (planar !== tensor) {
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < image.height; y++) {
          const from = c * image.width * image.height + y * image.width;
          tensor.set(planar.subarray(from, from + image.width), n * 3 * plane + c * plane + y * width);
        }
      }
    }
  });
  return {
    ids: items.map(({ id }) => id),
    tensor,
    shape: [items.length, 3, height, width],
    sizes: items.map(({ image }) => ({ width: image.width, height: image.height })),
  };
}
