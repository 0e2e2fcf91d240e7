/**
 * The detector trainer's iteration (libs/detection trainer.ts) rebuilt from the same library
 * functions, with every GPU read awaited: tfjs-webgpu's dataSync() draws through an
 * OffscreenCanvas, which Node does not have, so the trainer itself cannot run there as written
 * (parts/tfjs.ts records whether it does).
 *
 * - parity: one image, RoIs from jittered ground truth and random boxes, so that the inputs of
 *   the losses do not depend on the back end (at a fresh init every objectness is ~0.5, and which
 *   proposals the RPN keeps would hang on rounding);
 * - timing: the trainer's work per iteration: the RPN's proposals (run once outside the gradient
 *   to read them, a little more work than the trainer's), RPN and RoI targets, RoIPool on the CPU,
 *   the losses' gradients and the momentum-SGD update.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import {
  anchorsFor, generateProposals, headConfigOf, initHeadWeights, momentumUpdate, roiBoxLoss, roiClassificationLoss, roiHeadForward, roiPool,
  roiTargets, rpnBoxLoss, rpnForward, rpnObjectnessLoss, rpnTargets, type DetectorProtocol, type HeadWeights, type RoiTargets, type RpnTargets,
} from '@mgta/detection';
import { initialWeights } from '@mgta/resnet';
import { globalNorm } from './parity.ts';
import { groundTruth } from './synthetic.ts';

/** One training image as the trainer sees it: a res4 map (HWC) and its ground truth in input pixels. */
export interface HeadImage {
  map: { data: Float32Array; height: number; width: number; channels: number };
  image: { height: number; width: number; scale: number };
  gt: { boxes: Float32Array; classes: Int32Array };
}

interface Prepared {
  image: HeadImage;
  rpn: RpnTargets;
  rois: RoiTargets;
  pooled: Float32Array;
}

export function newHeadWeights(protocol: DetectorProtocol, width: number, seed: number): HeadWeights {
  return initHeadWeights(headConfigOf(protocol, 1024 * width), initialWeights({ name: 'resnet50', decoder: false, width }, seed), seed);
}

/** A square-ish training image of the given map size, with seeded ground truth. */
export function headImage(map: HeadImage['map'], protocol: DetectorProtocol, seed: number): HeadImage {
  const stride = protocol.detectron.featureStride;
  const image = { height: map.height * stride, width: map.width * stride, scale: 1 };
  return { map, image, gt: groundTruth(seed, 3, image.width, image.height, protocol.detectron.numClasses) };
}

function prepare(protocol: DetectorProtocol, image: HeadImage, proposals: Float32Array, random: Random): Prepared {
  const d = protocol.detectron;
  const rpn = rpnTargets(anchorsFor(protocol, image.map.height, image.map.width), image.gt.boxes, image.image, d, random);
  const rois = roiTargets(proposals, image.gt.boxes, image.gt.classes, d, random);
  return { image, rpn, rois, pooled: roiPool(image.map, rois.rois, d.roiPooledSize, d.roiSpatialScale) };
}

/** The trainer's four losses over the prepared images; `kept` receives them (for reading after). */
function lossOf(weights: HeadWeights, protocol: DetectorProtocol, batch: Prepared[], kept: tf.Scalar[]): tf.Scalar {
  const d = protocol.detectron;
  const config = headConfigOf(protocol, batch[0].image.map.channels);
  const logits: tf.Tensor[] = [], deltas: tf.Tensor[] = [];
  for (const { image: { map } } of batch) {
    const rpn = rpnForward(weights, tf.tensor4d(map.data, [1, map.height, map.width, map.channels]));
    logits.push(rpn.logits);
    deltas.push(rpn.deltas);
  }
  const cat = <T extends Int8Array | Int32Array | Float32Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };
  const labels = cat(batch.map((b) => b.rpn.labels), (n) => new Int8Array(n));
  const rpnCls = rpnObjectnessLoss(tf.concat(logits), labels);
  const rpnBox = rpnBoxLoss(tf.concat(deltas), {
    labels, targets: cat(batch.map((b) => b.rpn.targets), (n) => new Float32Array(n)), outsideWeights: cat(batch.map((b) => b.rpn.outsideWeights), (n) => new Float32Array(n)),
  }, d.rpnBoxLossBeta, batch.length);
  const roiLabels = cat(batch.map((b) => b.rois.labels), (n) => new Int32Array(n));
  const p = d.roiPooledSize;
  const pooled = tf.tensor4d(cat(batch.map((b) => b.pooled), (n) => new Float32Array(n)), [roiLabels.length, p, p, config.bodyChannels]);
  const head = roiHeadForward(weights, config, pooled);
  const roiCls = roiClassificationLoss(head.logits, roiLabels);
  const roiBox = roiBoxLoss(head.boxDeltas, cat(batch.map((b) => b.rois.targets), (n) => new Float32Array(n)), cat(batch.map((b) => b.rois.weights), (n) => new Float32Array(n)), d.roiBoxLossBeta);
  for (const t of [rpnCls, rpnBox, roiCls, roiBox]) kept.push(tf.keep(t));
  return tf.addN([rpnCls, rpnBox, roiCls, roiBox]) as tf.Scalar;
}

const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;

export interface HeadStepResult {
  loss: number;
  gradNorm: number;
  parts: { rpnCls: number; rpnBox: number; roiCls: number; roiBox: number };
  rois: number;
}

/** Loss and gradient norm of one image with back-end-independent RoIs (no update). */
export async function headParityStep(protocol: DetectorProtocol, weights: HeadWeights, image: HeadImage, seed: number): Promise<HeadStepResult> {
  const random = new Random(seed + 6);
  const prepared = prepare(protocol, image, candidateBoxes(image.gt.boxes, image.image, random), random);
  const kept: tf.Scalar[] = [];
  const { value, grads } = tf.variableGrads(() => lossOf(weights, protocol, [prepared], kept), [...weights.trainable.values()]);
  const [rpnCls, rpnBox, roiCls, roiBox] = await Promise.all(kept.map(async (t) => (await read(t))[0]));
  const result = {
    loss: (await read(value))[0],
    gradNorm: globalNorm(await Promise.all(Object.values(grads).map(read))),
    parts: { rpnCls, rpnBox, roiCls, roiBox },
    rois: prepared.rois.labels.length,
  };
  tf.dispose([value, ...kept, ...Object.values(grads)]);
  return result;
}

/**
 * One training iteration on `images` (the preset's images per iteration), as the trainer runs it:
 * proposals from the current RPN, targets, RoIPool, gradients, momentum SGD. Returns the loss and
 * the milliseconds spent in JavaScript on the CPU (proposals, NMS, targets, RoIPool).
 */
export async function headTrainingIteration(
  protocol: DetectorProtocol, weights: HeadWeights, momentum: Map<string, tf.Tensor>, images: HeadImage[], random: Random,
): Promise<{ loss: number; cpuMs: number }> {
  const d = protocol.detectron;
  const batch: Prepared[] = [];
  let cpuMs = 0;
  for (const image of images) {
    const { map } = image;
    const rpn = tf.tidy(() => {
      const out = rpnForward(weights, tf.tensor4d(map.data, [1, map.height, map.width, map.channels]));
      return { objectness: tf.sigmoid(out.logits), deltas: out.deltas };
    });
    const [objectness, deltas] = await Promise.all([read(rpn.objectness), read(rpn.deltas)]);
    tf.dispose([rpn.objectness, rpn.deltas]);
    const started = performance.now();
    const anchors = anchorsFor(protocol, map.height, map.width);
    const proposals = generateProposals({ anchors, objectness, deltas }, image.image, d.rpnTrainProposals, d.rpnBoxWeights, d.bboxXformClip);
    batch.push(prepare(protocol, image, proposals.boxes, random));
    cpuMs += performance.now() - started;
  }
  const kept: tf.Scalar[] = [];
  const names = [...weights.trainable.keys()];
  const { value, grads } = tf.variableGrads(() => lossOf(weights, protocol, batch, kept), names.map((n) => weights.trainable.get(n)!));
  tf.tidy(() => {
    for (const name of names) {
      const w = weights.trainable.get(name)!;
      const update = momentumUpdate(name, w, grads[w.name], momentum.get(name)!, protocol.baseLr, protocol);
      w.assign(tf.sub(w, update));
      momentum.get(name)!.dispose();
      momentum.set(name, tf.keep(update));
    }
  });
  const loss = (await read(value))[0];
  tf.dispose([value, ...kept, ...Object.values(grads)]);
  return { loss, cpuMs };
}

/** Proposals for the parity step: ground truth jittered by up to ±20% of its size, and random boxes. */
function candidateBoxes(gt: Float32Array, image: { height: number; width: number }, random: Random): Float32Array {
  const boxes: number[] = [];
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max - 1);
  for (let g = 0; g < gt.length / 4; g++) {
    const [x1, y1, x2, y2] = gt.subarray(g * 4, g * 4 + 4);
    const w = x2 - x1 + 1, h = y2 - y1 + 1;
    for (let j = 0; j < 16; j++) {
      const jx = () => random.uniform(-0.2, 0.2) * w, jy = () => random.uniform(-0.2, 0.2) * h;
      const a = clip(x1 + jx(), image.width), b = clip(y1 + jy(), image.height);
      boxes.push(a, b, Math.max(a + 1, clip(x2 + jx(), image.width)), Math.max(b + 1, clip(y2 + jy(), image.height)));
    }
  }
  for (let j = 0; j < 128; j++) {
    const a = random.uniform(0, image.width - 16), b = random.uniform(0, image.height - 16);
    boxes.push(a, b, Math.min(image.width - 1, a + random.uniform(16, image.width / 2)), Math.min(image.height - 1, b + random.uniform(16, image.height / 2)));
  }
  return Float32Array.from(boxes);
}
