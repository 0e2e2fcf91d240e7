/** Seeded Gaussian blobs for k-means tests and benchmarks. */
import { Random } from '@mgta/core';

export interface Blobs {
  x: Float32Array;
  /** The blob each row was drawn from. */
  truth: Int32Array;
}

/**
 * n rows of dimension d around `centres` centres drawn from N(0, spread²) per coordinate, with
 * N(0, noise²) per coordinate around the centre; row i belongs to blob i mod centres.
 * `shared` puts x on a SharedArrayBuffer so kmeans need not copy it.
 */
export function gaussianBlobs(n: number, d: number, centres: number, seed: number, spread = 1, noise = 1, shared = false): Blobs {
  const rng = new Random(seed);
  const c = new Float64Array(centres * d);
  for (let i = 0; i < c.length; i++) c[i] = rng.normal() * spread;
  const x = shared ? new Float32Array(new SharedArrayBuffer(n * d * 4)) : new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i % centres;
    truth[i] = j;
    for (let t = 0; t < d; t++) x[i * d + t] = c[j * d + t] + rng.normal() * noise;
  }
  return { x, truth };
}
