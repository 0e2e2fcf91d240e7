/**
 * One k-means++ seeding and Lloyd iterations at the paper's size (60,000 × 2048, k = 300) on the
 * machine's CPU cores: MGTA clusters on the CPU (libs/pretrain kmeans has no GPU path), so on
 * the GPU machine this is the part of pretraining that its 16 cores set.
 */
import { availableParallelism } from 'node:os';
import { gaussianBlobs, kmeans } from '@mgta/pretrain';
import { attempt } from '../emit.ts';
import type { Profile } from '../profiles.ts';
import { round } from '../timing.ts';

export async function kmeansPart(profile: Profile, seed: number): Promise<void> {
  const { rows, d, k } = profile.kmeans;
  const threads = availableParallelism();
  await attempt('timing.kmeans', async () => {
    const { x } = gaussianBlobs(rows, d, k, seed, 1, 1.5, true);
    const marks: number[] = [];
    const started = performance.now();
    await kmeans(x, rows, d, { k, seed, restarts: 1, maxIterations: 2, threads, onProgress: () => marks.push(performance.now()) });
    // marks: after seeding (+ its first assignment), then after each Lloyd iteration
    const iterations = marks.slice(1).map((t, i) => t - marks[i]);
    return {
      backend: `CPU, ${threads} threads`, rows, d, k, threads,
      seedingMs: round(marks[0] - started), iterationMs: round(Math.min(...iterations)), msPerIteration: iterations.map(round),
    };
  });
}
