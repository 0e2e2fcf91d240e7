import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { bottleneckStrides, type NamedWeights } from '@mgta/resnet';

/** Shapes of the trainable heads; the full protocol (DetectorProtocol) carries these plus training settings. */
export interface HeadConfig {
  /** Object classes + background. */
  numClasses: number;
  /** Anchors per cell (sizes x ratios). */
  numAnchors: number;
  /** RPN 3x3 conv width (Detectron: the body's 1024 channels; a protocol setting here). */
  rpnChannels: number;
  /** res4 channels: 1024·width for a ResNet-50 of width multiplier `width`. */
  bodyChannels: number;
  /** Stride of the res5 head's first block (Detectron 2; 1 keeps a 7x7 RoIPool at 7x7). */
  res5Stride: 1 | 2;
  /**
   * The pretrained model is ResNet v1 (Detectron's RESNETS.STRIDE_1X1, which the res5 head built
   * from its layer4 keeps: lib/modeling/ResNet.py add_ResNet_roi_conv5_head → add_stage): that
   * stride on layer4.0.conv1, not conv2. Absent/false: torchvision v1.5.
   */
  stride1x1?: boolean;
}

/** Head tensors in tfjs layouts (conv HWIO, fc [in, out]); `frozen` holds the res5 BN affines. */
export interface HeadWeights {
  trainable: Map<string, tf.Variable>;
  frozen: Map<string, tf.Tensor>;
}

const RES5_BLOCKS = 3;
const BN_EPS = 1e-5;

/** torchvision layer4 conv names (the res5 head) and their BN prefixes. */
export function res5Convs(): Array<{ conv: string; bn: string; kernel: number; block: number; role: 'conv1' | 'conv2' | 'conv3' | 'downsample' }> {
  const convs: ReturnType<typeof res5Convs> = [];
  for (let b = 0; b < RES5_BLOCKS; b++) {
    for (const k of [1, 2, 3] as const) convs.push({ conv: `layer4.${b}.conv${k}`, bn: `layer4.${b}.bn${k}`, kernel: k === 2 ? 3 : 1, block: b, role: `conv${k}` });
    if (b === 0) convs.push({ conv: 'layer4.0.downsample.0', bn: 'layer4.0.downsample.1', kernel: 1, block: 0, role: 'downsample' });
  }
  return convs;
}

function gaussian(shape: number[], std: number, random: Random): Float32Array {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * std;
  return data;
}

/**
 * Channels the res5 head takes in (res4, 1024·width) and gives out (res5, 2048·width), read off the
 * pretrained layer4 so that a ResNet-50 of any width gets a head of its own width.
 */
export function res5HeadChannels(pretrained: NamedWeights): { input: number; output: number } {
  const first = pretrained.get('layer4.0.conv1.weight');
  const last = pretrained.get('layer4.2.conv3.weight');
  if (!first || !last) throw new Error('pretrained weights lack layer4 (the res5 head is initialised from layer4)');
  return { input: first.shape[1], output: last.shape[0] };
}

/**
 * New head weights as Detectron initialises them: RPN conv, RPN cls and RPN bbox GaussianFill
 * std 0.01, cls_score std 0.01, bbox_pred std 0.001, biases 0; the res5 convs copied from the
 * pretrained layer4 (torch OIHW -> HWIO) with their BN frozen as the affine
 * y = x * gamma / sqrt(var + eps) + (beta - mean * gamma / sqrt(var + eps)).
 * Channel counts follow the pretrained model's width: the RPN reads config.bodyChannels (which
 * must be layer4's input, 1024·width) and cls_score / bbox_pred read res5's 2048·width.
 */
export function initHeadWeights(config: HeadConfig, pretrained: NamedWeights, seed: number): HeadWeights {
  const channels = res5HeadChannels(pretrained);
  if (channels.input !== config.bodyChannels) {
    throw new Error(`the body gives ${config.bodyChannels} channels but the pretrained layer4 (res5 head) takes ${channels.input}: body and head must come from a ResNet-50 of one width`);
  }
  const random = new Random(seed);
  const trainable = new Map<string, tf.Variable>();
  const frozen = new Map<string, tf.Tensor>();
  const add = (name: string, shape: number[], data: Float32Array): void => {
    trainable.set(name, tf.variable(tf.tensor(data, shape), true, `det/${name}/${Math.random().toString(36).slice(2)}`));
  };
  const { rpnChannels: h, bodyChannels: c, numAnchors: a, numClasses: k } = config;
  add('rpn.conv.weight', [3, 3, c, h], gaussian([3, 3, c, h], 0.01, random));
  add('rpn.conv.bias', [h], new Float32Array(h));
  add('rpn.cls.weight', [1, 1, h, a], gaussian([1, 1, h, a], 0.01, random));
  add('rpn.cls.bias', [a], new Float32Array(a));
  add('rpn.bbox.weight', [1, 1, h, 4 * a], gaussian([1, 1, h, 4 * a], 0.01, random));
  add('rpn.bbox.bias', [4 * a], new Float32Array(4 * a));
  for (const spec of res5Convs()) {
    const w = pretrained.get(`${spec.conv}.weight`);
    if (!w) throw new Error(`pretrained weights lack ${spec.conv}.weight (the res5 head is initialised from layer4)`);
    const [o, i, kh, kw] = w.shape;
    trainable.set(`${spec.conv}.weight`, tf.tidy(() => tf.variable(tf.transpose(tf.tensor(w.data, w.shape), [2, 3, 1, 0]), true, `det/${spec.conv}/${Math.random().toString(36).slice(2)}`)));
    void i; void kh; void kw;
    const gamma = pretrained.get(`${spec.bn}.weight`)!.data, beta = pretrained.get(`${spec.bn}.bias`)!.data;
    const mean = pretrained.get(`${spec.bn}.running_mean`)!.data, variance = pretrained.get(`${spec.bn}.running_var`)!.data;
    const scale = new Float32Array(o), shift = new Float32Array(o);
    for (let j = 0; j < o; j++) {
      scale[j] = gamma[j] / Math.sqrt(Math.fround(variance[j] + BN_EPS));
      shift[j] = beta[j] - mean[j] * scale[j];
    }
    frozen.set(`${spec.bn}.scale`, tf.tensor1d(scale));
    frozen.set(`${spec.bn}.shift`, tf.tensor1d(shift));
  }
  const f = channels.output;
  add('cls_score.weight', [f, k], gaussian([f, k], 0.01, random));
  add('cls_score.bias', [k], new Float32Array(k));
  add('bbox_pred.weight', [f, 4 * k], gaussian([f, 4 * k], 0.001, random));
  add('bbox_pred.bias', [4 * k], new Float32Array(4 * k));
  return { trainable, frozen };
}

export function disposeHeadWeights(weights: HeadWeights): void {
  for (const v of weights.trainable.values()) v.dispose();
  for (const t of weights.frozen.values()) t.dispose();
}

/** RPN on one res4 map [1,h,w,C]: objectness logits [h*w*A] and deltas [h*w*A, 4], (y, x, a) order. */
export function rpnForward(weights: HeadWeights, features: tf.Tensor4D): { logits: tf.Tensor1D; deltas: tf.Tensor2D } {
  const p = weights.trainable;
  const hidden = tf.relu(tf.add(tf.conv2d(features, p.get('rpn.conv.weight') as tf.Tensor4D, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]), p.get('rpn.conv.bias')!)) as tf.Tensor4D;
  const logits = tf.add(tf.conv2d(hidden, p.get('rpn.cls.weight') as tf.Tensor4D, 1, 'valid'), p.get('rpn.cls.bias')!);
  const deltas = tf.add(tf.conv2d(hidden, p.get('rpn.bbox.weight') as tf.Tensor4D, 1, 'valid'), p.get('rpn.bbox.bias')!);
  return { logits: tf.reshape(logits, [-1]) as tf.Tensor1D, deltas: tf.reshape(deltas, [-1, 4]) as tf.Tensor2D };
}

function convAffine(weights: HeadWeights, conv: string, bn: string, x: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  const filter = weights.trainable.get(`${conv}.weight`) as tf.Tensor4D;
  const y = tf.conv2d(x, filter, stride, pad === 0 ? 'valid' : [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
  return tf.add(tf.mul(y, weights.frozen.get(`${bn}.scale`)!), weights.frozen.get(`${bn}.shift`)!) as tf.Tensor4D;
}

/**
 * The res5 head on pooled RoIs [R,P,P,C]: torchvision layer4 (stride on the 3x3 conv and the
 * projection, as v1.5; on the first 1x1 conv and the projection with config.stride1x1, as
 * Detectron's v1) with frozen BN affines, 'res5Stride' for the first block, global average
 * pool, then cls_score logits [R,K] and bbox_pred [R,4K]; `features` is the pooled res5 [R,2048·width] they read.
 */
export function roiHeadForward(weights: HeadWeights, config: HeadConfig, pooled: tf.Tensor4D): { logits: tf.Tensor2D; boxDeltas: tf.Tensor2D; features: tf.Tensor2D } {
  let x = pooled;
  for (let b = 0; b < RES5_BLOCKS; b++) {
    const strides = bottleneckStrides(b === 0 ? config.res5Stride : 1, config.stride1x1 === true);
    const prefix = `layer4.${b}`;
    let y = tf.relu(convAffine(weights, `${prefix}.conv1`, `${prefix}.bn1`, x, strides.conv1, 0)) as tf.Tensor4D;
    y = tf.relu(convAffine(weights, `${prefix}.conv2`, `${prefix}.bn2`, y, strides.conv2, 1)) as tf.Tensor4D;
    y = convAffine(weights, `${prefix}.conv3`, `${prefix}.bn3`, y, 1, 0);
    const shortcut = b === 0 ? convAffine(weights, 'layer4.0.downsample.0', 'layer4.0.downsample.1', x, strides.downsample, 0) : x;
    x = tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
  }
  const pool = tf.mean(x, [1, 2]) as tf.Tensor2D;
  const p = weights.trainable;
  const logits = tf.add(tf.matMul(pool, p.get('cls_score.weight') as tf.Tensor2D), p.get('cls_score.bias')!) as tf.Tensor2D;
  const boxDeltas = tf.add(tf.matMul(pool, p.get('bbox_pred.weight') as tf.Tensor2D), p.get('bbox_pred.bias')!) as tf.Tensor2D;
  return { logits, boxDeltas, features: pool };
}

/** Head weights as plain arrays (tfjs layouts), for checkpoints and the ONNX export. */
export function headWeightsToArrays(weights: HeadWeights): { trainable: Map<string, { shape: number[]; data: Float32Array }>; frozen: Map<string, { shape: number[]; data: Float32Array }> } {
  const read = (m: Map<string, tf.Tensor>) => new Map([...m].map(([name, t]) => [name, { shape: [...t.shape], data: new Float32Array(t.dataSync() as Float32Array) }]));
  return { trainable: read(weights.trainable), frozen: read(weights.frozen) };
}
