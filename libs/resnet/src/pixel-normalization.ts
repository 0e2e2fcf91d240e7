/**
 * How raw pixels become model input. torchvision's ImageNet models (and the models this harness
 * trains) take RGB scaled to [0,1], minus the ImageNet mean, divided by the ImageNet std.
 */
import * as tf from '@tensorflow/tfjs';

export interface PixelNormalization {
  channelOrder: 'RGB' | 'BGR';
  /** Multiplies the raw 0..255 value first. */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export const pixelNormalizationDefault: Readonly<PixelNormalization> = Object.freeze({
  channelOrder: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
}) as Readonly<PixelNormalization>;

/** (x * scale - mean) / std per channel, for NHWC raw pixels already in `channelOrder`. */
export function normalizePixels(pixels: tf.Tensor4D, normalization: PixelNormalization = pixelNormalizationDefault): tf.Tensor4D {
  return tf.tidy(() => {
    const scaled = tf.mul(tf.cast(pixels, 'float32'), normalization.scale);
    return tf.div(tf.sub(scaled, tf.tensor1d(normalization.mean)), tf.tensor1d(normalization.std)) as tf.Tensor4D;
  });
}
