/**
 * tfjs on one back end, in a process of its own (a process initialises tfjs once).
 *
 * Every read of a tensor here is awaited: tfjs-webgpu's synchronous read (dataSync) draws
 * through an OffscreenCanvas, which Node lacks. The project's own training steps read
 * synchronously; whether they run on this back end is recorded apart ("project.*").
 *
 *   - parity (both sides): the gradients of single training kernels (kernel-probes.ts), one AE
 *     step's loss and gradient norm, one detector-head step's (head-step.ts), on seeded weights and
 *     inputs; the orchestrator compares the reference (wasm) with the accelerated side (webgpu;
 *     in the rehearsal wasm on one thread);
 *   - timing (accelerated side), what the projection needs first: the AE step at 224, the detector
 *     trainer's iteration, the clustering's forward pass, the supervised step, the AE step at 64;
 *   - the project's autoEncoderStep and trainDetector, run once each on this back end.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { BodyFeatureSet, disposeHeadWeights, float32ToFloat16Array, trainDetector, type DetectorProtocol, type HeadWeights } from '@mgta/detection';
import { detectionScale } from '@mgta/imaging';
import { initBackend, type BackendName } from '@mgta/nn';
import { Adam, autoEncoderObjective, autoEncoderStep, trainableParams } from '@mgta/pretrain';
import { formatWidth, initialWeights, ResNet50, type ResNet50Architecture } from '@mgta/resnet';
import { attempt, emit } from '../emit.ts';
import { headImage, headParityStep, headTrainingIteration, newHeadWeights, type HeadImage } from '../head-step.ts';
import { runProbes } from '../kernel-probes.ts';
import { globalNorm } from '../parity.ts';
import type { Profile } from '../profiles.ts';
import { bodyMapData, groundTruth, normalValues, SCENE_SHAPES } from '../synthetic.ts';
import { round, timeSteps } from '../timing.ts';

export interface TfjsPartOptions {
  role: 'ref' | 'accel';
  backend: BackendName;
  /** wasm threads (default: every core). */
  threads?: number;
  profile: Profile;
  protocol: DetectorProtocol;
  seed: number;
}

const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;
const nhwc = (seed: number, batch: number, size: number) => tf.tensor4d(normalValues(seed, batch * size * size * 3), [batch, size, size, 3]);
const autoEncoder = (width: number): ResNet50Architecture => ({ name: 'resnet50', decoder: true, decoderFrom: 'res5', width });

export async function tfjsPart(options: TfjsPartOptions): Promise<void> {
  const { role, backend, profile, protocol, seed } = options;
  process.env.MGTA_BACKEND = backend;
  const info = await attempt(`tfjs.${role}.backend`, () => initBackend({ log: false, threads: options.threads }));
  if (!info) return;
  const label = `tfjs ${info.name}${info.threads > 1 ? ` ${info.threads} threads` : ''}`;
  await attempt(`tfjs.${role}.kernels`, () => runProbes(seed));
  await attempt(`tfjs.${role}.ae-step`, () => aeParityStep(profile, seed));
  await attempt(`tfjs.${role}.head-step`, () => withHead(protocol, profile.headParity.width, seed, (weights) => {
    const { width, mapHeight, mapWidth } = profile.headParity;
    const map = { data: bodyMapData(seed + 4, mapHeight, mapWidth, 1024 * width), height: mapHeight, width: mapWidth, channels: 1024 * width };
    return headParityStep(protocol, weights, headImage(map, protocol, seed + 5), seed);
  }));
  if (role !== 'accel') return;

  const width = profile.timingWidth;
  const common = { backend: label, width, widthLabel: formatWidth(width) };
  const [big, ...others] = [...profile.aeSteps].sort((a, b) => b.size - a.size);
  await attempt(`timing.ae-step-${big.size}`, () => timeAeStep(width, big.size, big.batch, profile, seed, common));
  await attempt('timing.det-head-iteration', () => timeHeadIteration(protocol, width, profile, seed, common));
  await attempt(`timing.features-${profile.features.size}`, () => timeFeatures(width, profile, seed, common));
  await attempt(`timing.supervised-step-${profile.supervised.size}`, () => timeSupervised(width, profile, seed, common));
  for (const { size, batch } of others) await attempt(`timing.ae-step-${size}`, () => timeAeStep(width, size, batch, profile, seed, common));
  await attempt('project.ae-step', () => projectAeStep(profile, seed));
  await attempt('project.det-train', () => projectDetTrain(protocol, profile, seed));
  emit(`tfjs.${role}.memory`, tf.memory());
}

/** The reconstruction loss of the paper's auto-encoder (decoder from res5) and its gradient, no update. */
async function aeParityStep({ aeParity: { width, size, batch } }: Profile, seed: number) {
  const model = ResNet50.random(autoEncoder(width), seed);
  const x = nhwc(seed + 3, batch, size);
  try {
    const { value, grads } = tf.variableGrads(() => autoEncoderObjective(model, x), [...trainableParams(model.namedVariables()).values()]);
    const result = { width, size, batch, loss: (await read(value))[0], gradNorm: globalNorm(await Promise.all(Object.values(grads).map(read))) };
    tf.dispose([value, ...Object.values(grads)]);
    return result;
  } finally {
    x.dispose();
    model.dispose();
  }
}

async function withHead<T>(protocol: DetectorProtocol, width: number, seed: number, run: (weights: HeadWeights) => Promise<T>): Promise<T> {
  const weights = newHeadWeights(protocol, width, seed);
  try {
    return await run(weights);
  } finally {
    disposeHeadWeights(weights);
  }
}

/** autoEncoderStep (libs/pretrain train-steps.ts) with its read of the loss awaited. */
async function timeAeStep(width: number, size: number, batch: number, profile: Profile, seed: number, common: object) {
  const model = ResNet50.random(autoEncoder(width), seed);
  const params = trainableParams(model.namedVariables());
  const adam = new Adam(params, { learningRate: 1e-3 });
  const x = nhwc(seed + 7, batch, size);
  try {
    const timing = await timeSteps(() => adamStep(() => autoEncoderObjective(model, x), params, adam), { reps: 3, budgetS: profile.stepBudgetS });
    return { ...common, size, batch, msPerImage: round(timing.medianMs / batch), ...timing };
  } finally {
    adam.dispose();
    model.dispose();
    x.dispose();
  }
}

/** One timed training step: gradients of `objective` for `params`, Adam's update, and a wait for the loss (the GPU queue drains). */
async function adamStep(objective: () => tf.Scalar, params: ReturnType<typeof trainableParams>, adam: Adam): Promise<void> {
  const { value, grads } = tf.variableGrads(objective, [...params.values()]);
  adam.apply(grads);
  await value.data();
  tf.dispose([value, ...Object.values(grads)]);
}

/** The clustering's input: the encoder to GAP-res5 in eval mode (libs/pretrain features.ts). */
async function timeFeatures(width: number, profile: Profile, seed: number, common: object) {
  const { size, batch } = profile.features;
  const model = ResNet50.random({ name: 'resnet50', decoder: false, width }, seed);
  const x = nhwc(seed + 8, batch, size);
  try {
    const timing = await timeSteps(async () => {
      const pool = model.forward(x, { outputs: ['pool'] }).pool;
      await pool.data();
      pool.dispose();
    }, { reps: 3, budgetS: profile.stepBudgetS });
    return { ...common, size, batch, msPerImage: round(timing.medianMs / batch), ...timing };
  } finally {
    model.dispose();
    x.dispose();
  }
}

/** supervisedStep's objective (softmax cross-entropy of fc(GAP(res5)), BN in train mode) and Adam. */
async function timeSupervised(width: number, profile: Profile, seed: number, common: object) {
  const { size, batch, classes } = profile.supervised;
  const model = ResNet50.random({ name: 'resnet50', decoder: false, headClasses: classes, width }, seed);
  const params = trainableParams(model.namedVariables());
  const adam = new Adam(params, { learningRate: 1e-3 });
  const x = nhwc(seed + 9, batch, size);
  const onehot = tf.oneHot(tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % classes), 'int32'), classes);
  try {
    const objective = (): tf.Scalar => {
      const { logits } = model.forward(x, { outputs: ['logits'], batchNorm: 'train' });
      return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
    };
    const timing = await timeSteps(() => adamStep(objective, params, adam), { reps: 3, budgetS: profile.stepBudgetS });
    return { ...common, size, batch, msPerImage: round(timing.medianMs / batch), ...timing };
  } finally {
    tf.dispose([onehot, x]);
    adam.dispose();
    model.dispose();
  }
}

/** Synthetic body maps of VOC-shaped images at the protocol's scale, as the trainer gets them. */
function sceneImages(protocol: DetectorProtocol, width: number, count: number, seed: number): HeadImage[] {
  const stride = protocol.detectron.featureStride;
  const channels = 1024 * width;
  return Array.from({ length: count }, (_, i) => {
    const [w, h] = SCENE_SHAPES[i % SCENE_SHAPES.length];
    const scale = detectionScale(w, h, protocol.scale, protocol.maxSize);
    const image = { width: Math.round(w * scale), height: Math.round(h * scale), scale };
    const map = { data: bodyMapData(seed + 20 + i, Math.ceil(image.height / stride), Math.ceil(image.width / stride), channels), height: Math.ceil(image.height / stride), width: Math.ceil(image.width / stride), channels };
    return { map, image, gt: groundTruth(seed + 30 + i, 3, image.width, image.height, protocol.detectron.numClasses) };
  });
}

async function timeHeadIteration(protocol: DetectorProtocol, width: number, profile: Profile, seed: number, common: object) {
  const images = sceneImages(protocol, width, protocol.imagesPerIteration, seed);
  return withHead(protocol, width, seed, async (weights) => {
    const momentum = new Map([...weights.trainable].map(([name, v]) => [name, tf.zerosLike(v)]));
    const random = new Random(seed + 40);
    const cpuMs: number[] = [];
    try {
      const timing = await timeSteps(async () => cpuMs.push((await headTrainingIteration(protocol, weights, momentum, images, random)).cpuMs), {
        reps: profile.headIterations, budgetS: profile.stepBudgetS,
      });
      return {
        ...common, scale: protocol.scale, maxSize: protocol.maxSize, imagesPerIteration: images.length, roisPerImage: protocol.detectron.roiBatchSizePerImage,
        roiPooledSize: protocol.detectron.roiPooledSize, msPerIteration: timing.medianMs, msPerImage: round(timing.medianMs / images.length),
        // of which JavaScript on the CPU (proposals, NMS, targets, RoIPool): the part a faster GPU does not shorten
        cpuMsPerIteration: round(cpuMs.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, cpuMs.length - 1)), ...timing,
      };
    } finally {
      tf.dispose([...momentum.values()]);
    }
  });
}

/** The project's autoEncoderStep as the pretraining runs it (synchronous read of the loss). */
async function projectAeStep({ aeParity: { width, size, batch } }: Profile, seed: number) {
  const model = ResNet50.random(autoEncoder(width), seed);
  const params = trainableParams(model.namedVariables());
  const adam = new Adam(params, { learningRate: 1e-3 });
  const x = nhwc(seed + 3, batch, size);
  try {
    const started = performance.now();
    const { loss } = autoEncoderStep(model, adam, [...params.values()], x);
    return { ran: true, loss, ms: round(performance.now() - started) };
  } finally {
    adam.dispose();
    model.dispose();
    x.dispose();
  }
}

/** The project's trainDetector, one iteration at the protocol on two synthetic maps of the parity size. */
async function projectDetTrain(protocol: DetectorProtocol, profile: Profile, seed: number) {
  const { width, mapHeight, mapWidth } = profile.headParity;
  const channels = 1024 * width;
  const stride = protocol.detectron.featureStride;
  const maps = [0, 1].map((i) => ({
    id: `map${i}`, flipped: false, imageWidth: mapWidth * stride, imageHeight: mapHeight * stride, inputWidth: mapWidth * stride, inputHeight: mapHeight * stride,
    scale: 1, height: mapHeight, width: mapWidth, offset: i * mapHeight * mapWidth * channels,
  }));
  const data = float32ToFloat16Array(bodyMapData(seed + 50, 2 * mapHeight, mapWidth, channels));
  const set = new BodyFeatureSet(maps, data, channels);
  const entries = maps.map((m, i) => {
    const gt = groundTruth(seed + 60 + i, 3, m.imageWidth, m.imageHeight, protocol.detectron.numClasses);
    return { set, index: i, gtBoxes: gt.boxes, gtClasses: gt.classes };
  });
  const started = performance.now();
  const out = await trainDetector({
    protocol: { ...protocol, imagesPerIteration: 2, checkpointEvery: 1e9 }, schedule: { iterations: 1, steps: [] }, entries,
    pretrained: initialWeights({ name: 'resnet50', decoder: false, width }, seed),
  }, 'device-check');
  disposeHeadWeights(out.weights);
  return { ran: true, status: out.status, loss: out.lastLoss?.loss, ms: round(performance.now() - started) };
}
