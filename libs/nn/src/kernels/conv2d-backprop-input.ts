/**
 * Conv2DBackpropInput for the wasm backend as a forward convolution, which XNNPACK runs
 * fast (wasm's own backprop-input was ~8x slower than the forward conv: 1.66 s vs 0.2 s
 * per step, tfjs-wasm-in-node.md):
 *   dx = conv2d(dilate(dy, s), flip(W) with in/out channels swapped), stride 1,
 * padded by kh-1-top before and whatever makes the output H rows after (negative = crop).
 * For stride s the zero-insertion wastes s*s of the multiply-adds; it is still faster.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { cropOrPad, dilate, flipSpatialSwapChannels, type ConvBackpropAttrs } from './layout.ts';
import { asTensor } from './conv2d-backprop-filter.ts';

interface Attrs extends ConvBackpropAttrs {
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [, h, w] = attrs.inputShape;
  const [, ho, wo] = dy.shape;
  // dilate() leaves s-1 trailing zeros after the last row/column: they count as padding.
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = h + info.padInfo.top - ho * sh;
  const right = w + info.padInfo.left - wo * sw;
  return tf.tidy(() => {
    const flipped = flipSpatialSwapChannels(filter); // [kh,kw,Co,Ci]
    if (kh === 1 && kw === 1) {
      // A 1x1 filter needs no zero-insertion before the conv: multiply first, then spread
      // the (s*s times smaller) result onto the stride grid. Same pads: top = -padTop.
      const d = dilate(tf.conv2d(dy, flipped, 1, 'valid'), sh, sw);
      return cropOrPad(d, top, bottom, left, right);
    }
    const d = cropOrPad(dilate(dy, sh, sw), Math.min(0, top), Math.min(0, bottom), Math.min(0, left), Math.min(0, right));
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0],
    ];
    return tf.conv2d(d, flipped, 1, pads, 'NHWC');
  });
}

/** Built around the stock kernel, which stays the path for NCHW. */
export function conv2dBackpropInputConfig(stock: KernelFunc | undefined): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as Attrs;
      if (attrs.dataFormat === 'NCHW') {
        if (!stock) throw new Error('Conv2DBackpropInput (mgta/nn, wasm): NCHW is not supported');
        return stock(args);
      }
      const { dy, filter } = args.inputs as NamedTensorInfoMap;
      return tf.tidy(() => conv2dBackpropInput(asTensor(dy!), asTensor(filter!), attrs)) as unknown as TensorInfo;
    },
  };
}
