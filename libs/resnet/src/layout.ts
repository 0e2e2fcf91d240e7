/**
 * PyTorch <-> tfjs filter layouts. One permutation serves both kinds:
 * Conv2d OIHW [out,in,kh,kw] -> tfjs conv2d HWIO [kh,kw,in,out], and
 * ConvTranspose2d [in,out,kh,kw] -> tfjs conv2dTranspose [kh,kw,out,in].
 */
import * as tf from '@tensorflow/tfjs';

export const TORCH_TO_TF_FILTER = [2, 3, 1, 0];
export const TF_TO_TORCH_FILTER = [3, 2, 0, 1];

export function torchFilterToTf(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(filter, TORCH_TO_TF_FILTER);
}

export function tfFilterToTorch(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(filter, TF_TO_TORCH_FILTER);
}
