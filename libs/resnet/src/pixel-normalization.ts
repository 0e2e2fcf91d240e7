/**
 * How raw pixels become model input. The definition lives in @mgta/imaging (the transforms'
 * lib); a checkpoint records it so that every stage normalises as the weights were trained.
 * torchvision's ImageNet models and the models this harness trains use TORCHVISION_NORMALIZATION.
 */
import * as tf from '@tensorflow/tfjs';
import { TORCHVISION_NORMALIZATION, type Normalization } from '@mgta/imaging';

export type PixelNormalization = Normalization;

export const pixelNormalizationDefault: Readonly<PixelNormalization> = TORCHVISION_NORMALIZATION;

/** (x * scale - mean) / std per channel, for NHWC raw pixels already in `channelOrder`. */
export function normalizePixels(pixels: tf.Tensor4D, normalization: PixelNormalization = pixelNormalizationDefault): tf.Tensor4D {
  return tf.tidy(() => {
    const scaled = tf.mul(tf.cast(pixels, 'float32'), normalization.scale);
    return tf.div(tf.sub(scaled, tf.tensor1d([...normalization.mean])), tf.tensor1d([...normalization.std])) as tf.Tensor4D;
  });
}
