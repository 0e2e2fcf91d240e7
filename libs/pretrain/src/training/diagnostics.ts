/**
 * Held-out diagnostics of a pretrained model (issue 11), on the images of holdout.txt that no
 * pretraining saw (holdout.ts):
 *  - heldOutAccuracy (supervised model, after each epoch): top-1 accuracy of fc(GAP(res5)) in
 *    BN eval mode;
 *  - heldOutNmi (every model, after training): k-means (k = the number of classes, the
 *    project's k-means, seeded) on the model's clustering feature (GAP of res5 or res4, eval
 *    mode) scored by NMI (cluster-metrics.ts) against the hidden labels;
 *  - pixelNmi (once per data set): the same k-means and NMI on the raw pixels of the held-out
 *    images, resized to the input size (as the loader does) and flattened, scaled to [0, 1] —
 *    the floor a learned feature should beat.
 * Forward passes are batched and tidy; nothing here trains or changes a model.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { writeJsonAtomic } from '@mgta/core';
import type { ResNet50 } from '@mgta/resnet';
import type { PretrainDiagnostics } from '@mgta/results-schema';
import { normalizedMutualInformation } from '../cluster-metrics.ts';
import { kmeans } from '../kmeans/kmeans.ts';
import { extractFeatures } from './features.ts';
import { ImageLoader } from './image-loader.ts';
import type { ImageSet } from './image-set.ts';
import type { ClusterFeature } from './pretrain-preset.ts';

export interface Holdout {
  set: ImageSet;
  loader: ImageLoader;
  /** Hidden class index per held-out image. */
  labels: Int32Array;
  /** Classes of the whole data set (k of the diagnostic k-means). */
  classes: number;
}

export interface KMeansSettings {
  seed: number;
  restarts: number;
  maxIterations: number;
}

/** The held-out images ready for diagnostics, or null when there are none or they have no labels. */
export function holdoutData(set: ImageSet | null, inputSize: number): Holdout | null {
  if (!set || !set.labels || !set.classNames || set.files.length === 0) return null;
  return { set, loader: new ImageLoader(set, inputSize), labels: set.labels, classes: set.classNames.length };
}

function allIndices(holdout: Holdout): number[] {
  return Array.from(holdout.labels, (_, i) => i);
}

/** Top-1 accuracy of the model's fc head on the held-out images (BN eval mode). */
export async function heldOutAccuracy(model: ResNet50, holdout: Holdout, batchSize: number): Promise<number> {
  const n = holdout.labels.length;
  const s = holdout.loader.size;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const chunk = Array.from({ length: Math.min(batchSize, n - start) }, (_, j) => start + j);
    const pixels = await holdout.loader.batch(chunk);
    const predicted = tf.tidy(() => tf.argMax(model.forward(tf.tensor4d(pixels, [chunk.length, s, s, 3]), { outputs: ['logits'], batchNorm: 'eval' }).logits, 1));
    const labels = predicted.dataSync();
    predicted.dispose();
    chunk.forEach((i, j) => { if (labels[j] === holdout.labels[i]) correct++; });
  }
  return correct / n;
}

/** NMI of k-means (k = classes) on rows x against the held-out labels; null when there are fewer images than classes. */
export async function clusterNmi(x: Float32Array, n: number, d: number, holdout: Holdout, settings: KMeansSettings): Promise<number | null> {
  if (holdout.classes < 2 || n < holdout.classes) return null;
  const { labels } = await kmeans(x, n, d, { k: holdout.classes, seed: settings.seed, restarts: settings.restarts, maxIterations: settings.maxIterations });
  return normalizedMutualInformation(labels, holdout.labels);
}

/** k-means NMI of the model's GAP-`feature` embedding of the held-out images. */
export async function heldOutNmi(model: ResNet50, holdout: Holdout, feature: ClusterFeature, batchSize: number, settings: KMeansSettings): Promise<number | null> {
  const features = await extractFeatures(model, holdout.loader, allIndices(holdout), feature, batchSize);
  return clusterNmi(features.x, features.n, features.d, holdout, settings);
}

/** k-means NMI of the held-out images' raw pixels (input size, flattened, [0, 1]). */
export async function pixelNmi(holdout: Holdout, settings: KMeansSettings): Promise<number | null> {
  const n = holdout.labels.length;
  const d = holdout.loader.size * holdout.loader.size * 3;
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const pixels = await holdout.loader.pixels(i);
    for (let j = 0; j < d; j++) x[i * d + j] = pixels[j] / 255;
  }
  return clusterNmi(x, n, d, holdout, settings);
}

/**
 * pixelNmi computed once per data set: kept in `cacheFile` (e.g. models/<preset>/holdout-pixel-nmi.json)
 * with what it depends on (the hold-out's fingerprint, the input size, k, the k-means settings),
 * reused while those match.
 */
export async function cachedPixelNmi(cacheFile: string | undefined, holdout: Holdout, settings: KMeansSettings): Promise<number | null> {
  const key = { fingerprint: holdout.set.fingerprint, images: holdout.labels.length, size: holdout.loader.size, k: holdout.classes, ...settings };
  if (cacheFile && existsSync(cacheFile)) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
      if (JSON.stringify(cached.key) === JSON.stringify(key)) return cached.pixelNmi as number | null;
    } catch { /* unreadable: compute again */ }
  }
  const value = await pixelNmi(holdout, settings);
  if (cacheFile) writeJsonAtomic(cacheFile, { key, pixelNmi: value });
  return value;
}

/** The `diagnostics` of a model's summary: NMI of its feature and of the pixels, plus an accuracy when given. */
export async function modelDiagnostics(
  model: ResNet50, holdout: Holdout,
  options: { feature: ClusterFeature; batchSize: number; kmeans: KMeansSettings; pixelCache?: string; heldOutAccuracy?: number },
): Promise<PretrainDiagnostics> {
  return {
    feature: options.feature,
    heldOutImages: holdout.labels.length,
    heldOutNmi: await heldOutNmi(model, holdout, options.feature, options.batchSize, options.kmeans),
    pixelNmi: await cachedPixelNmi(options.pixelCache, holdout, options.kmeans),
    ...(options.heldOutAccuracy !== undefined ? { heldOutAccuracy: options.heldOutAccuracy } : {}),
  };
}
