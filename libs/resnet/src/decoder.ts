/** The MGTA decoder's forward pass; the architecture and its choices are in decoder-architecture.ts. */
import * as tf from '@tensorflow/tfjs';
import type { DecoderStart } from './encoder-architecture.ts';
import {
  DECODER_INTERPOLATION_SCALE, DECODER_OUTPUT_LAYER, decoderBlocks, decoderStages, type DecoderBlockSpec,
} from './decoder-architecture.ts';
import { batchNorm } from './batch-norm.ts';
import { convTranspose2d, upsampleNearest } from './conv-ops.ts';
import type { ForwardContext } from './parameters.ts';

const unitStride = { stride: 1, padding: 0, outputPadding: 0 };

/** Mirror of the encoder bottleneck with transposed convs; the 3x3 carries the upsampling. */
function decoderBlock(x: tf.Tensor4D, block: DecoderBlockSpec, context: ForwardContext): tf.Tensor4D {
  const { parameters } = context;
  const { prefix, stride } = block;
  const bn = (name: string, input: tf.Tensor4D): tf.Tensor4D => batchNorm(input, parameters.batchNorm(`${prefix}.${name}`), context.batchNorm);
  const upsampling = { stride, padding: 1, outputPadding: stride - 1 };
  let out = tf.relu(bn('bn1', convTranspose2d(x, parameters.filter(`${prefix}.conv1.weight`), unitStride)));
  out = tf.relu(bn('bn2', convTranspose2d(out, parameters.filter(`${prefix}.conv2.weight`), upsampling)));
  out = bn('bn3', convTranspose2d(out, parameters.filter(`${prefix}.conv3.weight`), unitStride));
  const shortcut = block.hasShortcut
    ? bn('shortcut.1', convTranspose2d(x, parameters.filter(`${prefix}.shortcut.0.weight`), { stride, padding: 0, outputPadding: stride - 1 }))
    : x;
  return tf.relu(tf.add(out, shortcut)) as tf.Tensor4D;
}

/**
 * Decodes res5 (or res4) to an NHWC image in the normalised input space (linear output). The
 * structure (names, strides, kernels) is the same at every width; channels come from the weights.
 */
export function decode(feature: tf.Tensor4D, from: DecoderStart, context: ForwardContext): tf.Tensor4D {
  let out = feature;
  for (const stage of decoderStages(from)) {
    for (const block of decoderBlocks(stage)) out = decoderBlock(out, block, context);
  }
  out = upsampleNearest(out, DECODER_INTERPOLATION_SCALE);
  const last = DECODER_OUTPUT_LAYER;
  const image = convTranspose2d(out, context.parameters.filter(`${last.name}.weight`), { stride: last.stride, padding: last.padding, outputPadding: 0 });
  return tf.add(image, context.parameters.tensor(`${last.name}.bias`)) as tf.Tensor4D;
}
