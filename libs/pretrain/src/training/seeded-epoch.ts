/**
 * Randomness of training as a pure function of (seed, phase, epoch): the image order, the
 * horizontal flips and the shifts of an epoch are drawn from a stream forked off the seed by the phase's name
 * and the epoch number. Resuming therefore needs only the position (phase, epoch, batch), no
 * generator state, and gives the same batches as an uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import type { ImageLoader } from './image-loader.ts';

/** FNV-1a of a string: a salt for Random.fork. */
export function saltOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

export function epochRandom(seed: number, phase: string, epoch: number): Random {
  return new Random(seed).fork(saltOf(phase)).fork(epoch);
}

/**
 * Shuffled batches of `indices` for one epoch, with a flip decision (p = 0.5) per image. The
 * last partial batch is dropped (drop_last) when it would hold a single image — BN in train
 * mode needs at least two — and kept otherwise.
 */
export function shuffledBatches(indices: ArrayLike<number>, batchSize: number, random: Random): number[][] {
  const order = random.shuffle(Array.from(indices));
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    if (batch.length >= 2) batches.push(batch);
  }
  return batches;
}

export function flipsFor(batch: readonly number[], random: Random): boolean[] {
  return batch.map(() => random.next() < 0.5);
}

/** A whole-pixel shift [dx, dy] per image, each uniform in [-maxShift, maxShift]. */
export function shiftsFor(batch: readonly number[], maxShift: number, random: Random): Array<[number, number]> {
  const draw = () => Math.floor(random.next() * (2 * maxShift + 1)) - maxShift;
  return batch.map(() => [draw(), draw()]);
}

/**
 * Runs one training step on `images` (pretraining-set indices) loaded as an NHWC batch with
 * their augmentations, freeing the batch afterwards: horizontal flips (unless `flip: false`, the
 * preset's `pretrain.flip`) and, when the model's `shift` is set, random whole-pixel shifts.
 * Each comes from its own stream per (phase, epoch, batch), so a resumed run draws the same
 * ones, and a run without shifts draws exactly the flips it drew before shifts existed.
 */
export async function onAugmentedBatch<T>(
  loader: ImageLoader, images: readonly number[],
  at: { seed: number; phase: string; epoch: number; index: number; flip?: boolean; shift?: number },
  step: (x: tf.Tensor4D) => T,
): Promise<T> {
  const flips = at.flip === false ? undefined : flipsFor(images, epochRandom(at.seed, `${at.phase}/flips/${at.epoch}`, at.index));
  const shifts = at.shift ? shiftsFor(images, at.shift, epochRandom(at.seed, `${at.phase}/shifts/${at.epoch}`, at.index)) : undefined;
  const x = tf.tensor4d(await loader.batch(images, flips, shifts), [images.length, loader.size, loader.size, 3]);
  try {
    return step(x);
  } finally {
    x.dispose();
  }
}
