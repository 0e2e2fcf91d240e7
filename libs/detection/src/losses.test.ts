import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { roiBoxLoss, roiClassificationLoss, rpnBoxLoss, rpnObjectnessLoss, smoothL1 } from './losses.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Float64 references written from the formulas.
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const smoothL1Ref = (x: number, beta: number) => (Math.abs(x) < beta ? (0.5 * x * x) / beta : Math.abs(x) - 0.5 * beta);

function objectnessRef(logits: Float64Array, labels: Int8Array): number {
  let sum = 0, count = 0;
  labels.forEach((label, i) => {
    if (label < 0) return;
    sum += softplus(logits[i]) - label * logits[i];
    count++;
  });
  return sum / Math.max(count, 1);
}

function rpnBoxRef(deltas: Float64Array, targets: Float32Array, labels: Int8Array, outside: Float32Array, beta: number, images: number): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let k = 0; k < 4; k++) sum += outside[i] * smoothL1Ref(deltas[i * 4 + k] - targets[i * 4 + k], beta);
  }
  return sum / images;
}

function softmaxCrossEntropyRef(logits: Float64Array, labels: Int32Array, classes: number): number {
  let sum = 0;
  labels.forEach((label, r) => {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    const logZ = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    sum += logZ - row[label];
  });
  return sum / labels.length;
}

function roiBoxRef(pred: Float64Array, targets: Float32Array, weights: Float32Array, rois: number): number {
  let sum = 0;
  pred.forEach((p, i) => (sum += weights[i] * smoothL1Ref(weights[i] * (p - targets[i]), 1)));
  return sum / rois;
}

/** tf's gradient against central differences of the float64 reference, and tf's value against the reference. */
function checkGradient(x: Float64Array, shape: number[], loss: (t: tf.Tensor) => tf.Scalar, reference: (x: Float64Array) => number): void {
  const input = tf.tensor(Float32Array.from(x), shape);
  const value = loss(input).dataSync()[0];
  expect(value).toBeCloseTo(reference(x), 5);
  const gradient = tf.grad((t: tf.Tensor) => loss(t))(input).dataSync();
  const eps = 1e-6;
  x.forEach((_, i) => {
    const plus = x.slice(); plus[i] += eps;
    const minus = x.slice(); minus[i] -= eps;
    expect(gradient[i]).toBeCloseTo((reference(plus) - reference(minus)) / (2 * eps), 4);
  });
}

describe('smoothL1', () => {
  it('matches hand values for beta 1/9 and 1', () => {
    const x = tf.tensor1d([0.05, -0.5, 0, 2]);
    const ninth = Array.from(smoothL1(x, 1 / 9).dataSync());
    // 0.5 * 0.0025 * 9 = 0.01125; 0.5 - 1/18; 0; 2 - 1/18
    [0.01125, 0.5 - 1 / 18, 0, 2 - 1 / 18].forEach((v, i) => expect(ninth[i]).toBeCloseTo(v, 6));
    const one = Array.from(smoothL1(x, 1).dataSync());
    [0.00125, 0.125, 0, 1.5].forEach((v, i) => expect(one[i]).toBeCloseTo(v, 6));
  });
});

describe('RPN losses', () => {
  it('objectness: sigmoid cross-entropy averaged over labelled anchors (hand case)', () => {
    const loss = rpnObjectnessLoss(tf.tensor1d([0, 2, -1, 5]), new Int8Array([1, 0, -1, 1])).dataSync()[0];
    expect(loss).toBeCloseTo((Math.log(2) + softplus(2) + softplus(5) - 5) / 3, 6);
    expect(rpnObjectnessLoss(tf.tensor1d([3]), new Int8Array([-1])).dataSync()[0]).toBe(0);
  });

  it('objectness gradient matches finite differences', () => {
    const random = new Random(1);
    const logits = Float64Array.from({ length: 12 }, () => random.normal() * 2);
    const labels = Int8Array.from({ length: 12 }, (_, i) => [1, 0, -1][i % 3]);
    checkGradient(logits, [12], (t) => rpnObjectnessLoss(t, labels), (x) => objectnessRef(x, labels));
  });

  it('box loss: beta 1/9 on positives, outside weights 1 / sampled, divided by images; gradient matches', () => {
    const random = new Random(2);
    const n = 6;
    const labels = new Int8Array([1, 0, -1, 1, 0, 1]);
    const outsideWeights = Float32Array.from(labels, (l) => (l >= 0 ? 1 / 5 : 0));
    const targets = Float32Array.from({ length: n * 4 }, () => random.normal() * 0.3);
    // Differences well away from the |x| = 1/9 kink, on both sides of it.
    const deltas = Float64Array.from(targets, (t, i) => t + (i % 2 === 0 ? 0.03 : -0.6) * (1 + random.next()));
    const beta = 1 / 9;
    checkGradient(deltas, [n, 4], (t) => rpnBoxLoss(t, { labels, targets, outsideWeights }, beta, 2), (x) => rpnBoxRef(x, targets, labels, outsideWeights, beta, 2));
    // Hand case: one positive, difference (0.05, 0, 0, 1), 1 sampled anchor, 1 image.
    const hand = rpnBoxLoss(tf.tensor2d([[0.05, 0, 0, 1]]), { labels: new Int8Array([1]), targets: new Float32Array(4), outsideWeights: new Float32Array([1]) }, beta, 1);
    expect(hand.dataSync()[0]).toBeCloseTo(0.01125 + 1 - 1 / 18, 6);
  });
});

describe('RoI losses', () => {
  it('classification: mean softmax cross-entropy; gradient matches', () => {
    const random = new Random(3);
    const labels = new Int32Array([0, 2, 1, 0]);
    const logits = Float64Array.from({ length: 12 }, () => random.normal());
    checkGradient(logits, [4, 3], (t) => roiClassificationLoss(t as tf.Tensor2D, labels), (x) => softmaxCrossEntropyRef(x, labels, 3));
    expect(roiClassificationLoss(tf.tensor2d([[0, 0]]), new Int32Array([1])).dataSync()[0]).toBeCloseTo(Math.log(2), 6);
  });

  it('box loss: beta 1 on the label columns divided by the number of RoIs; gradient matches', () => {
    const random = new Random(4);
    const rois = 3, width = 4 * 3;
    const weights = new Float32Array(rois * width);
    weights.fill(1, 0 * width + 8, 0 * width + 12); // RoI 0: class 2
    weights.fill(1, 2 * width + 4, 2 * width + 8); // RoI 2: class 1; RoI 1 background
    const targets = Float32Array.from(weights, (w) => w * random.normal());
    const pred = Float64Array.from(targets, (t, i) => t + (i % 2 === 0 ? 0.4 : -1.7) * (1 + 0.3 * random.next()));
    checkGradient(pred, [rois, width], (t) => roiBoxLoss(t as tf.Tensor2D, targets, weights, 1), (x) => roiBoxRef(x, targets, weights, rois));
  });
});
