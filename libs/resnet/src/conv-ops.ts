/**
 * PyTorch-semantics convolution, transposed convolution and pooling on NHWC tensors.
 * tfjs 'same' padding puts the odd extra pixel at the end for stride 2, unlike PyTorch's symmetric
 * `padding=p`, so every op here uses explicit padding and PyTorch's output-size formulas.
 */
import * as tf from '@tensorflow/tfjs';

type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

function symmetricPadding(padding: number): ExplicitPadding {
  return [[0, 0], [padding, padding], [padding, padding], [0, 0]];
}

/** Conv2d output size: floor((n + 2p - k) / s) + 1. */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** ConvTranspose2d output size: (n - 1) * s - 2p + k + output_padding. */
export function convTransposeOutputSize(size: number, kernel: number, stride: number, padding: number, outputPadding: number): number {
  return (size - 1) * stride - 2 * padding + kernel + outputPadding;
}

/** nn.Conv2d(bias=False) with an HWIO filter ([kh,kw,in,out], tfjs layout). */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, padding: number): tf.Tensor4D {
  return tf.conv2d(x, filter, stride, padding === 0 ? 'valid' : symmetricPadding(padding));
}

export interface ConvTransposeGeometry {
  stride: number;
  padding: number;
  outputPadding: number;
}

/**
 * nn.ConvTranspose2d(bias=False) with a tfjs conv2dTranspose filter [kh,kw,out,in] (PyTorch's
 * [in,out,kh,kw] permuted by [2,3,1,0]; no kernel flip: both are the input-gradient of the
 * correlation with that kernel).
 * tfjs computes it as the input gradient of a conv whose input is the output we want; that conv
 * pads p at the top/left (so output row o = y*s - p + a, as in PyTorch) and needs a bottom/right
 * pad b with floor((O + p + b - k) / s) + 1 = n, i.e. b in [p - op, p - op + s - 1]; the smallest
 * non-negative one is max(0, p - op) (op < s, as PyTorch requires).
 */
export function convTranspose2d(x: tf.Tensor4D, filter: tf.Tensor4D, geometry: ConvTransposeGeometry): tf.Tensor4D {
  const { stride, padding, outputPadding } = geometry;
  const [batch, height, width] = x.shape;
  const [kernelHeight, kernelWidth, outChannels] = filter.shape;
  if (outputPadding >= stride && outputPadding > 0) throw new Error(`convTranspose2d: output padding ${outputPadding} must be smaller than stride ${stride}`);
  const outHeight = convTransposeOutputSize(height, kernelHeight, stride, padding, outputPadding);
  const outWidth = convTransposeOutputSize(width, kernelWidth, stride, padding, outputPadding);
  const end = Math.max(0, padding - outputPadding);
  const pad: ExplicitPadding = [[0, 0], [padding, end], [padding, end], [0, 0]];
  return tf.conv2dTranspose(x, filter, [batch, outHeight, outWidth, outChannels], stride, pad);
}

/** nn.MaxPool2d(kernel, stride, padding): padded positions never win (implicit -inf, as PyTorch). */
export function maxPool2d(x: tf.Tensor4D, kernel: number, stride: number, padding: number): tf.Tensor4D {
  return tf.maxPool(x, kernel, stride, padding === 0 ? 'valid' : symmetricPadding(padding));
}

/** F.interpolate(scale_factor=s, mode='nearest') for an integer scale: each pixel becomes s x s. */
export function upsampleNearest(x: tf.Tensor4D, scale: number): tf.Tensor4D {
  const [, height, width] = x.shape;
  // halfPixelCenters=false, alignCorners=false: source index floor(dst / scale), PyTorch's 'nearest'.
  return tf.image.resizeNearestNeighbor(x, [height * scale, width * scale], false, false);
}

/** AdaptiveAvgPool2d(1) + flatten: [N,H,W,C] -> [N,C]. */
export function globalAveragePool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}
