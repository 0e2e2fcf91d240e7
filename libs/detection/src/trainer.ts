import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Random, hashJson, startProgress } from '@mgta/core';
import type { NamedWeights } from '@mgta/resnet';
import { generateBaseAnchors, shiftedAnchors } from './anchors.ts';
import type { BodyFeatureSet } from './body-cache.ts';
import { headConfigOf, learningRate, type DetSchedule, type DetectorProtocol } from './detector-protocol.ts';
import { hasTensorFolder, headWeightsFromArrays, readTensorFolder, readVariables, writeTensorFolder } from './head-io.ts';
import { initHeadWeights, res5HeadChannels, roiHeadForward, rpnForward, type HeadWeights } from './heads.ts';
import { roiBoxLoss, roiClassificationLoss, rpnBoxLoss, rpnObjectnessLoss } from './losses.ts';
import { generateProposals } from './proposals.ts';
import { roiPool } from './roi-pool.ts';
import { roiTargets } from './roi-targets.ts';
import { ScaleAccumulator, type FeatureScale, type ScaleSums } from './feature-stats.ts';
import { rpnTargets } from './rpn-targets.ts';
import type { Boxes } from './types.ts';

/** One training image: a cached body map and its ground truth in ORIGINAL-image pixels (already mirrored for a flipped map). */
export interface TrainEntry {
  set: BodyFeatureSet;
  index: number;
  gtBoxes: Boxes;
  /** 1-based classes. */
  gtClasses: Int32Array;
}

export interface LossRow {
  iteration: number;
  lr: number;
  loss: number;
  rpnCls: number;
  rpnBox: number;
  roiCls: number;
  roiBox: number;
  seconds: number;
}

export interface TrainOptions {
  protocol: DetectorProtocol;
  schedule: DetSchedule;
  entries: readonly TrainEntry[];
  /** The pretrained model's weights: layer4 initialises the res5 head. */
  pretrained: NamedWeights;
  /** Checkpoints (`<workDir>/state`) and the loss curve (`<workDir>/loss.jsonl`); none: in memory only. */
  workDir?: string;
  /** Stop (resumably) after this many iterations in this call (tests, `--stop-after`). */
  stopAfter?: number;
  label?: string;
  /** After every finished iteration, with the scale of that iteration's head features. */
  onIteration?: (row: LossRow, features: HeadFeatureScales) => void;
}

/** Scale of what the res5 head reads and gives, over the RoIs of some iterations. */
export interface HeadFeatureScales {
  /** RoI-pooled res4 maps: the res5 head's input. */
  res5HeadInput: FeatureScale;
  /** Globally average-pooled res5: what cls_score and bbox_pred read. */
  res5Pooled: FeatureScale;
}

/** What was measured at the iteration whose loss was not finite. */
export interface Divergence {
  /** 1-based. */
  iteration: number;
  lr: number;
  /** The loss terms that were not finite, as 'NaN' / 'Infinity' / '-Infinity' (the others were finite); only 'total' when finite terms overflowed in the sum. */
  nonFiniteLosses: Partial<Record<'rpnCls' | 'rpnBox' | 'roiCls' | 'roiBox' | 'total', string>>;
  /** All four terms; JSON writes a non-finite one as null. */
  losses: { rpnCls: number; rpnBox: number; roiCls: number; roiBox: number };
  /** Trainable tensors that already held NaN/Inf before this iteration's step (an earlier update blew them up). */
  nonFiniteWeights: string[];
  /** Head feature scale at this iteration. */
  features: HeadFeatureScales;
}

export interface TrainOutcome {
  status: 'ok' | 'diverged' | 'stopped';
  /** Iterations done; for 'diverged', the 1-based iteration whose loss was not finite. */
  iteration: number;
  weights: HeadWeights;
  /** Training time of the whole run: this call's plus, after a resume, the earlier calls' up to the checkpoint resumed from. */
  seconds: number;
  resumedFrom: number;
  lastLoss?: LossRow;
  /**
   * Head feature scale over every iteration of the run (a resume restores the earlier counts from
   * the checkpoint; checkpoints written before they were kept hold none, and then only this call's
   * iterations count); for 'diverged', up to and including the diverging one.
   */
  features: HeadFeatureScales;
  /** For 'diverged': its cause as measured. */
  divergence?: Divergence;
}

/** What a checkpoint keeps besides the weights, so that a resumed run reports the whole run. */
interface CarriedMeasurements {
  seconds: number;
  res5HeadInput: ScaleSums;
  res5Pooled: ScaleSums;
}

/** Which training entries iteration `it` uses: seeded epoch permutations, a pure function of (seed, it). */
export function batchIndices(seed: number, iteration: number, perIteration: number, count: number, cache = new Map<number, number[]>()): number[] {
  const indices: number[] = [];
  for (let k = 0; k < perIteration; k++) {
    const position = iteration * perIteration + k;
    const epoch = Math.floor(position / count);
    let order = cache.get(epoch);
    if (!order) {
      order = new Random((seed * 2654435761 + (epoch + 1) * 40503) >>> 0).shuffle(Array.from({ length: count }, (_, i) => i));
      cache.set(epoch, order);
    }
    indices.push(order[position % count]);
  }
  return indices;
}

/** The sampling RNG of iteration `it` (RPN anchors, RoIs): derived from (seed, it), so resuming needs no RNG state. */
export function iterationRandom(seed: number, iteration: number): Random {
  return new Random((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(iteration + 1, 0x85ebca6b)) >>> 0);
}

/** The identity of a run: a checkpoint only resumes the run it belongs to. */
export function runKey(options: Pick<TrainOptions, 'protocol' | 'schedule'> & { entries: number; pretrainedSha256?: string }): string {
  return hashJson({ protocol: options.protocol, schedule: options.schedule, entries: options.entries, pretrained: options.pretrainedSha256 ?? null }).slice(0, 16);
}

const anchorCache = new Map<string, Boxes>();
function anchorsFor(protocol: DetectorProtocol, height: number, width: number): Boxes {
  const d = protocol.detectron;
  const key = `${d.featureStride}/${d.anchorSizes.join(',')}/${d.anchorAspectRatios.join(',')}/${height}x${width}`;
  let anchors = anchorCache.get(key);
  if (!anchors) {
    anchors = shiftedAnchors(generateBaseAnchors(d.featureStride, d.anchorSizes, d.anchorAspectRatios), height, width, d.featureStride);
    anchorCache.set(key, anchors);
  }
  return anchors;
}

export { anchorsFor };

function scaleBoxes(boxes: Boxes, scale: number): Boxes {
  return Float32Array.from(boxes, (v) => v * scale);
}

/**
 * One momentum-SGD step's update of a tensor (Caffe2 MomentumSGDUpdate): v = m v + lr (g + wd w).
 * With `biasRule` (Detectron's optimizer.py: `param in model.biases` -> gradient x2, no weight
 * decay; maskrcnn-benchmark's SOLVER.BIAS_LR_FACTOR 2, SOLVER.WEIGHT_DECAY_BIAS 0) a `.bias`
 * tensor gets v = m v + 2 lr g.
 */
export function momentumUpdate(name: string, w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, lr: number, protocol: Pick<DetectorProtocol, 'momentum' | 'weightDecay' | 'biasRule'>): tf.Tensor {
  if (protocol.biasRule === true && name.endsWith('.bias')) return tf.add(tf.mul(m, protocol.momentum), tf.mul(g, 2 * lr));
  return tf.add(tf.mul(m, protocol.momentum), tf.mul(tf.add(g, tf.mul(w, protocol.weightDecay)), lr));
}

/**
 * Trains the RPN and RoI heads on cached res4 maps, end to end as Detectron's e2e Faster R-CNN
 * (proposals of the current RPN feed the RoI sampling; no gradient through them), with momentum
 * SGD + weight decay on every trainable tensor (Caffe2 MomentumSGDUpdate: v = m v + lr (g + wd w),
 * w -= v; the momentum is rescaled when the LR drops, SOLVER.SCALE_MOMENTUM; protocol.biasRule:
 * Detectron's 2x LR and no decay for biases), Detectron's LR schedule, and checkpoints every
 * `checkpointEvery` iterations. A non-finite loss stops training with status 'diverged' (the
 * paper's '-'), and `divergence` says which loss, where, and at what feature scale.
 */
export async function trainDetector(options: TrainOptions, key: string): Promise<TrainOutcome> {
  const started = performance.now();
  const { protocol, schedule, entries } = options;
  const d = protocol.detectron;
  // res4 channels (1024·width): the cached maps', else the pretrained layer4's input.
  const config = headConfigOf(protocol, entries[0]?.set.channels ?? res5HeadChannels(options.pretrained).input);
  const stateDir = options.workDir ? join(options.workDir, 'state') : undefined;
  const lossFile = options.workDir ? join(options.workDir, 'loss.jsonl') : undefined;
  if (options.workDir) mkdirSync(options.workDir, { recursive: true });

  let weights: HeadWeights;
  let momentum: Map<string, tf.Tensor>;
  let start = 0;
  let previousLr: number | undefined;
  let headInput = new ScaleAccumulator(), res5Pooled = new ScaleAccumulator();
  let secondsBefore = 0;
  const state = stateDir && hasTensorFolder(stateDir) ? readTensorFolder(stateDir) : undefined;
  if (state && state.meta.runKey === key) {
    const { groups, meta } = state;
    const carried = meta.carried as CarriedMeasurements | undefined;
    if (carried) {
      headInput = ScaleAccumulator.fromSums(carried.res5HeadInput);
      res5Pooled = ScaleAccumulator.fromSums(carried.res5Pooled);
      secondsBefore = carried.seconds;
    }
    weights = headWeightsFromArrays(groups.trainable, groups.frozen);
    momentum = new Map([...groups.momentum].map(([name, t]) => [name, tf.tensor(t.data, t.shape)]));
    start = meta.iteration as number;
    previousLr = meta.lr as number;
    if (lossFile && existsSync(lossFile)) {
      const kept = readFileSync(lossFile, 'utf8').split('\n').filter((line) => line && (JSON.parse(line) as LossRow).iteration <= start);
      writeFileSync(lossFile, kept.map((line) => `${line}\n`).join(''));
    }
  } else {
    weights = initHeadWeights(config, options.pretrained, protocol.seed);
    momentum = new Map([...weights.trainable].map(([name, v]) => [name, tf.zerosLike(v)]));
    if (lossFile) writeFileSync(lossFile, '');
  }
  const secondsSoFar = (): number => secondsBefore + (performance.now() - started) / 1000;
  const saveState = (iteration: number, lr: number): void => {
    if (!stateDir) return;
    const carried: CarriedMeasurements = { seconds: secondsSoFar(), res5HeadInput: headInput.sums(), res5Pooled: res5Pooled.sums() };
    writeTensorFolder(stateDir, { trainable: readVariables(weights.trainable), frozen: readVariables(weights.frozen), momentum: readVariables(momentum) }, { runKey: key, iteration, lr, carried });
  };

  const names = [...weights.trainable.keys()];
  const variables = names.map((name) => weights.trainable.get(name)!);
  const epochCache = new Map<number, number[]>();
  const end = options.stopAfter !== undefined ? Math.min(schedule.iterations, start + options.stopAfter) : schedule.iterations;
  const progress = startProgress(options.label ?? 'det train', end - start);
  let lastLoss: LossRow | undefined;
  const features = (): HeadFeatureScales => ({ res5HeadInput: headInput.result(), res5Pooled: res5Pooled.result() });
  try {
    for (let it = start; it < end; it++) {
      const iterStart = performance.now();
      const lr = learningRate(protocol, schedule, it);
      if (previousLr !== undefined && previousLr > 1e-7) {
        const ratio = Math.max(lr / previousLr, previousLr / lr);
        if (ratio > 1.1) for (const [name, m] of momentum) { const scaled = tf.mul(m, lr / previousLr); m.dispose(); momentum.set(name, scaled); }
      }
      previousLr = lr;
      const random = iterationRandom(protocol.seed, it);
      const batch = batchIndices(protocol.seed, it, protocol.imagesPerIteration, entries.length, epochCache).map((i) => entries[i]);
      const parts = { rpnCls: 0, rpnBox: 0, roiCls: 0, roiBox: 0 };
      const iterInput = new ScaleAccumulator(), iterPooled = new ScaleAccumulator();
      const { value, grads } = tf.variableGrads(() => {
        const logitsAll: tf.Tensor[] = [], deltasAll: tf.Tensor[] = [];
        const labelParts: Int8Array[] = [], targetParts: Float32Array[] = [], outsideParts: Float32Array[] = [];
        const pooledParts: Float32Array[] = [], roiLabelParts: Int32Array[] = [], roiTargetParts: Float32Array[] = [], roiWeightParts: Float32Array[] = [];
        for (const entry of batch) {
          const info = entry.set.maps[entry.index];
          const map = entry.set.featureMap(entry.index);
          const x = tf.tensor4d(map.data, [1, map.height, map.width, map.channels]);
          const { logits, deltas } = rpnForward(weights, x);
          logitsAll.push(logits); deltasAll.push(deltas);
          const anchors = anchorsFor(protocol, map.height, map.width);
          const image = { height: info.inputHeight, width: info.inputWidth, scale: info.scale };
          const gt = scaleBoxes(entry.gtBoxes, info.scale);
          const t = rpnTargets(anchors, gt, image, d, random);
          labelParts.push(t.labels); targetParts.push(t.targets); outsideParts.push(t.outsideWeights);
          const objectness = tf.sigmoid(logits).dataSync() as Float32Array;
          const proposals = generateProposals({ anchors, objectness, deltas: deltas.dataSync() as Float32Array }, image, d.rpnTrainProposals, d.rpnBoxWeights, d.bboxXformClip);
          const r = roiTargets(proposals.boxes, gt, entry.gtClasses, d, random);
          pooledParts.push(roiPool(map, r.rois, d.roiPooledSize, d.roiSpatialScale));
          roiLabelParts.push(r.labels); roiTargetParts.push(r.targets); roiWeightParts.push(r.weights);
        }
        const rpnCls = rpnObjectnessLoss(tf.concat(logitsAll), concatInt8(labelParts));
        const rpnBox = rpnBoxLoss(tf.concat(deltasAll), { labels: concatInt8(labelParts), targets: concatF32(targetParts), outsideWeights: concatF32(outsideParts) }, d.rpnBoxLossBeta, batch.length);
        const labels = concatI32(roiLabelParts);
        const p = d.roiPooledSize;
        const pooled = tf.tensor4d(concatF32(pooledParts), [labels.length, p, p, config.bodyChannels]);
        const head = roiHeadForward(weights, config, pooled);
        for (const part of pooledParts) iterInput.add(part);
        iterPooled.add(head.features.dataSync());
        const roiCls = roiClassificationLoss(head.logits, labels);
        const roiBox = roiBoxLoss(head.boxDeltas, concatF32(roiTargetParts), concatF32(roiWeightParts), d.roiBoxLossBeta);
        parts.rpnCls = rpnCls.dataSync()[0]; parts.rpnBox = rpnBox.dataSync()[0];
        parts.roiCls = roiCls.dataSync()[0]; parts.roiBox = roiBox.dataSync()[0];
        return tf.addN([rpnCls, rpnBox, roiCls, roiBox]) as tf.Scalar;
      }, variables);
      const loss = value.dataSync()[0];
      value.dispose();
      const scales = { res5HeadInput: iterInput.result(), res5Pooled: iterPooled.result() };
      headInput.merge(iterInput);
      res5Pooled.merge(iterPooled);
      if (!Number.isFinite(loss)) {
        tf.dispose(grads);
        const terms = Object.entries(parts).filter(([, v]) => !Number.isFinite(v)).map(([k, v]) => [k, String(v)]);
        const nonFiniteLosses = Object.fromEntries(terms.length > 0 ? terms : [['total', String(loss)]]);
        const nonFiniteWeights = names.filter((name) => (weights.trainable.get(name)!.dataSync() as Float32Array).some((v) => !Number.isFinite(v)));
        const divergence: Divergence = { iteration: it + 1, lr, nonFiniteLosses, losses: { ...parts }, nonFiniteWeights, features: scales };
        return { status: 'diverged', iteration: it + 1, weights, seconds: secondsSoFar(), resumedFrom: start, lastLoss, features: features(), divergence };
      }
      tf.tidy(() => {
        for (const name of names) {
          const w = weights.trainable.get(name)!;
          const g = grads[w.name];
          const m = momentum.get(name)!;
          const update = momentumUpdate(name, w, g, m, lr, protocol);
          w.assign(tf.sub(w, update));
          momentum.set(name, tf.keep(update));
          m.dispose();
        }
      });
      tf.dispose(grads);
      const row: LossRow = { iteration: it + 1, lr, loss, ...parts, seconds: (performance.now() - iterStart) / 1000 };
      lastLoss = row;
      if (lossFile) appendFileSync(lossFile, `${JSON.stringify(row)}\n`);
      options.onIteration?.(row, scales);
      progress.tick();
      if ((it + 1) % protocol.checkpointEvery === 0 || it + 1 === end) saveState(it + 1, lr);
    }
  } finally {
    progress.stop();
    for (const m of momentum.values()) m.dispose();
  }
  return { status: end === schedule.iterations ? 'ok' : 'stopped', iteration: end, weights, seconds: secondsSoFar(), resumedFrom: start, lastLoss, features: features() };
}

function concatF32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
function concatInt8(parts: Int8Array[]): Int8Array {
  const out = new Int8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
function concatI32(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
