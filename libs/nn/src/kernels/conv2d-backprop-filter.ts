/**
 * Conv2DBackpropFilter for the wasm backend, which has none (tfjs-wasm-in-node.md).
 *
 * dW[i,j,ci,co] = sum_{n,y,x} xpad[n, y*s+i, x*s+j, ci] * dy[n, y, x, co]
 * is itself a forward convolution once the roles are swapped: take ci as the batch, n as
 * the input channels, and dy (as [Ho, Wo, N, Co]) as the filter, dilated by the stride.
 * The forward conv is XNNPACK's, the fastest thing on wasm; the rest is two transposes
 * and one of the small result. (The per-tap matMul formulation was exact too, but its
 * slicing dominated the time, per the note.)
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { cropOrPad, type ConvBackpropAttrs } from './layout.ts';

interface Attrs extends ConvBackpropAttrs {
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (mgta/nn, wasm): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const { top, left } = info.padInfo;
  const [, h, w] = x.shape;
  const [, ho, wo] = dy.shape;
  // Pad so that a stride-1 conv with dilation s over Ho taps yields exactly kh rows;
  // negative = rows the forward conv never read.
  const bottom = kh + sh * (ho - 1) - h - top;
  const right = kw + sw * (wo - 1) - w - left;
  return tf.tidy(() => {
    const xt = cropOrPad(x, Math.min(0, top), Math.min(0, bottom), Math.min(0, left), Math.min(0, right))
      .transpose([3, 1, 2, 0]) as tf.Tensor4D; // [Ci, H, W, N]
    const f = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Co]
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0],
    ];
    const out = tf.conv2d(xt, f, 1, pads, 'NHWC', [sh, sw]); // [Ci, kh, kw, Co]
    return out.transpose([1, 2, 0, 3]);
  });
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, dy } = inputs as NamedTensorInfoMap;
    return tf.tidy(() => conv2dBackpropFilter(asTensor(x!), asTensor(dy!), attrs as unknown as Attrs)) as unknown as TensorInfo;
  },
};

/**
 * A kernel input as a Tensor: inputs are usually Tensors already; a bare TensorInfo is
 * wrapped (call inside tf.tidy, which disposes the wrapper but not the shared data).
 */
export function asTensor(info: TensorInfo): tf.Tensor4D {
  if ((info as { rank?: number }).rank != null) return info as unknown as tf.Tensor4D;
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
}
