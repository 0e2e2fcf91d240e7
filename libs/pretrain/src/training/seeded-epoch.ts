/**
 * Randomness of training as a pure function of (seed, phase, epoch): the image order and the
 * horizontal flips of an epoch are drawn from a stream forked off the seed by the phase's name
 * and the epoch number. Resuming therefore needs only the position (phase, epoch, batch), no
 * generator state, and gives the same batches as an uninterrupted run.
 */
import { Random } from '@mgta/core';

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
