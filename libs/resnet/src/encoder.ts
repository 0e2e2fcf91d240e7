/**
 * ResNet-50 forward pass (torchvision's ResNet._forward_impl), NHWC, stopping after the deepest
 * stage a caller needs. Features are the stage outputs after the last block's ReLU. v1.5 by
 * default; `stride1x1` gives Detectron's v1 (see bottleneck-strides.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { RESNET50_STAGES, type FeatureName, type StageSpec } from './encoder-architecture.ts';
import { batchNorm } from './batch-norm.ts';
import { conv2d, maxPool2d } from './conv-ops.ts';
import type { ForwardContext } from './parameters.ts';
import { bottleneckStrides } from './bottleneck-strides.ts';

/** conv1 7x7/2 pad 3, bn1, ReLU, max pool 3x3/2 pad 1. */
export function stem(x: tf.Tensor4D, context: ForwardContext): tf.Tensor4D {
  const { parameters } = context;
  const conv = conv2d(x, parameters.filter('conv1.weight'), 2, 3);
  const activated = tf.relu(batchNorm(conv, parameters.batchNorm('bn1'), context.batchNorm));
  return maxPool2d(activated, 3, 2, 1);
}

/** Bottleneck: 1x1 -> 3x3 -> 1x1, BN after each, ReLU after the sum; the stride on the 3x3 (v1.5) or the first 1x1 (v1). */
function bottleneck(x: tf.Tensor4D, prefix: string, stride: number, hasDownsample: boolean, context: ForwardContext): tf.Tensor4D {
  const { parameters } = context;
  const strides = bottleneckStrides(stride, context.stride1x1 === true);
  const bn = (name: string, input: tf.Tensor4D): tf.Tensor4D => batchNorm(input, parameters.batchNorm(`${prefix}.${name}`), context.batchNorm);
  let out = tf.relu(bn('bn1', conv2d(x, parameters.filter(`${prefix}.conv1.weight`), strides.conv1, 0)));
  out = tf.relu(bn('bn2', conv2d(out, parameters.filter(`${prefix}.conv2.weight`), strides.conv2, 1)));
  out = bn('bn3', conv2d(out, parameters.filter(`${prefix}.conv3.weight`), 1, 0));
  const identity = hasDownsample
    ? bn('downsample.1', conv2d(x, parameters.filter(`${prefix}.downsample.0.weight`), strides.downsample, 0))
    : x;
  return tf.relu(tf.add(out, identity)) as tf.Tensor4D;
}

function stage(x: tf.Tensor4D, spec: StageSpec, context: ForwardContext): tf.Tensor4D {
  let out = x;
  for (let block = 0; block < spec.blocks; block++) {
    out = bottleneck(out, `${spec.name}.${block}`, block === 0 ? spec.stride : 1, block === 0, context);
  }
  return out;
}

/** Runs the stem and the stages up to `deepest`; returns every stage output on the way. */
export function encode(x: tf.Tensor4D, deepest: FeatureName, context: ForwardContext): Map<FeatureName, tf.Tensor4D> {
  const features = new Map<FeatureName, tf.Tensor4D>();
  let out = stem(x, context);
  for (const spec of RESNET50_STAGES) {
    out = stage(out, spec, context);
    features.set(spec.feature, out);
    if (spec.feature === deepest) break;
  }
  return features;
}
