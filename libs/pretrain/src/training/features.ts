/**
 * The features that are clustered into pseudo-labels: global-average-pooled res5 (the default,
 * the paper's "features" of N1/N2) or res4, in eval mode (BN running statistics), no flips.
 */
import * as tf from '@tensorflow/tfjs';
import { featureChannels, globalAveragePool, type ResNet50 } from '@mgta/resnet';
import type { ImageLoader } from './image-loader.ts';
import type { ClusterFeature } from './pretrain-preset.ts';

export async function extractFeatures(
  model: ResNet50, loader: ImageLoader, indices: ArrayLike<number>, feature: ClusterFeature, batchSize: number,
  onBatch?: (done: number) => void,
): Promise<{ x: Float32Array; n: number; d: number }> {
  const n = indices.length;
  const d = featureChannels(feature, model.width); // 2048·width for res5, 1024·width for res4
  const x = new Float32Array(n * d);
  const s = loader.size;
  for (let start = 0; start < n; start += batchSize) {
    const chunk = Array.from({ length: Math.min(batchSize, n - start) }, (_, j) => indices[start + j]);
    const pixels = await loader.batch(chunk);
    const pooled = tf.tidy(() => {
      const input = tf.tensor4d(pixels, [chunk.length, s, s, 3]);
      if (feature === 'res5') return model.forward(input, { outputs: ['pool'] }).pool;
      return globalAveragePool(model.forward(input, { outputs: ['res4'] }).res4);
    });
    x.set(pooled.dataSync(), start * d);
    pooled.dispose();
    onBatch?.(chunk.length);
  }
  return { x, n, d };
}
