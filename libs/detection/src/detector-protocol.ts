import { InputError } from '@mgta/core';
import { stride1x1Field, stride1x1Of, type ResNet50Architecture } from '@mgta/resnet';
import { DETECTRON_C4_PROTOCOL, type DetectionProtocol, type ProposalParams } from './protocol.ts';
import type { HeadConfig } from './heads.ts';

/** Iterations and LR steps of one training-set column ("07" = VOC07 trainval, "07+12"). */
export interface DetSchedule {
  iterations: number;
  steps: number[];
}

/**
 * Everything that determines a detector run: Detectron's C4 constants (possibly reduced) plus
 * the training and test settings. Recorded verbatim with every result.
 */
export interface DetectorProtocol {
  /** true when any setting departs from Detectron's R-50-C4 FREEZE_AT 4 recipe. */
  reduced: boolean;
  /** Why and how it is reduced (free text, from the preset). */
  notes?: string;
  detectron: DetectionProtocol;
  rpnChannels: number;
  res5Stride: 1 | 2;
  /**
   * The pretrained model is ResNet v1 (Detectron's RESNETS.STRIDE_1X1: each stage's stride on its
   * first 1x1 conv), which the frozen body and the res5 head must both honour. Not a preset
   * setting: protocolForModel copies it from the model's architecture. Absent for torchvision
   * v1.5, so that v1.5 run keys and records stay as they were.
   */
  stride1x1?: true;
  /** TRAIN.SCALES / TEST.SCALE and MAX_SIZE. */
  scale: number;
  maxSize: number;
  /** TRAIN.USE_FLIPPED. */
  flip: boolean;
  /** TRAIN.IMS_PER_BATCH x GPUs. */
  imagesPerIteration: number;
  /** SOLVER.BASE_LR: the LR used (with lrReference: the reference LR scaled to imagesPerIteration). */
  baseLr: number;
  /**
   * The LR baseLr was scaled from, for `imagesPerIteration` by the linear scaling rule (Goyal et al.
   * 2017): baseLr = lrReference.baseLr x imagesPerIteration / lrReference.imagesPerIteration
   * (Detectron's BASE_LR 0.02 is for 16 images per iteration, 8 GPUs x IMS_PER_BATCH 2). Absent: baseLr as given.
   */
  lrReference?: { baseLr: number; imagesPerIteration: number };
  momentum: number;
  weightDecay: number;
  /**
   * Detectron's bias rule: biases get 2x the LR and no weight decay (Detectron's
   * optimizer.py add_single_gpu_param_update_ops: `param in model.biases` -> gradient scaled by
   * 2, no WEIGHT_DECAY; maskrcnn-benchmark names it SOLVER.BIAS_LR_FACTOR 2, SOLVER.WEIGHT_DECAY_BIAS 0).
   * Absent (false): every tensor gets the LR and weight decay (the committed ci/embedded baselines).
   */
  biasRule?: boolean;
  /** SOLVER.GAMMA. */
  gamma: number;
  /** SOLVER.WARM_UP_ITERS; absent when warmupFraction is given. */
  warmupIterations?: number;
  /**
   * Warm-up as a fraction of each column's schedule: round(fraction x iterations) iterations
   * (warmupIterationsOf). Detectron warms up for WARM_UP_ITERS 500 (its default, which Goyal et
   * al.'s VOC configs keep) of MAX_ITER 50000 (VOC07) / 100000 (VOC07+12): 0.01 / 0.005.
   */
  warmupFraction?: number;
  /** SOLVER.WARM_UP_FACTOR (WARM_UP_METHOD 'linear'). */
  warmupFactor: number;
  schedules: Record<'07' | '07+12', DetSchedule>;
  /** Resumable state every this many iterations. */
  checkpointEvery: number;
  seed: number;
}

/** The paper's protocol (fair_self_supervision_benchmark object_detection_frozen, R-50-C4). */
export function paperDetectorProtocol(numClasses = 21): DetectorProtocol {
  return {
    reduced: false,
    detectron: { ...DETECTRON_C4_PROTOCOL, numClasses },
    rpnChannels: 1024,
    res5Stride: 2,
    scale: 600,
    maxSize: 1000,
    flip: true,
    imagesPerIteration: 4,
    baseLr: 0.002,
    momentum: 0.9,
    weightDecay: 5e-4,
    gamma: 0.1,
    warmupIterations: 500,
    warmupFactor: 1 / 3,
    schedules: { '07': { iterations: 50000, steps: [38000] }, '07+12': { iterations: 100000, steps: [65000] } },
    checkpointEvery: 2000,
    seed: 0,
  };
}

/**
 * The protocol a run on one pretrained model follows: the preset's, plus `stride1x1: true` when
 * the model is ResNet v1 (its checkpoint's architecture.stride1x1), so that the run key, the
 * saved heads and the exported detector all carry it. A v1.5 model gets the preset's protocol unchanged.
 */
export function protocolForModel(protocol: DetectorProtocol, architecture: Pick<ResNet50Architecture, 'stride1x1'>): DetectorProtocol {
  const forModel: DetectorProtocol = { ...protocol };
  delete forModel.stride1x1;
  return { ...forModel, ...stride1x1Field(stride1x1Of(architecture)) };
}

/** `bodyChannels`: the body's res4 channels, 1024·width (default 1024: a full-width ResNet-50, BODY_CHANNELS). */
export function headConfigOf(protocol: DetectorProtocol, bodyChannels = 1024): HeadConfig {
  return {
    numClasses: protocol.detectron.numClasses,
    numAnchors: protocol.detectron.anchorSizes.length * protocol.detectron.anchorAspectRatios.length,
    rpnChannels: protocol.rpnChannels,
    bodyChannels,
    res5Stride: protocol.res5Stride,
    ...(protocol.stride1x1 === true ? { stride1x1: true } : {}),
  };
}

/** Warm-up iterations of a column: round(warmupFraction x schedule.iterations) when the preset gives a fraction, else warmupIterations. */
export function warmupIterationsOf(protocol: DetectorProtocol, schedule: DetSchedule): number {
  return protocol.warmupFraction !== undefined ? Math.round(protocol.warmupFraction * schedule.iterations) : protocol.warmupIterations ?? 0;
}

/** LR at an iteration: steps decay by gamma, linear warm-up from warmupFactor (Detectron lr_policy 'steps_with_decay' + WARM_UP_METHOD 'linear'). */
export function learningRate(protocol: DetectorProtocol, schedule: DetSchedule, iteration: number): number {
  let lr = protocol.baseLr * protocol.gamma ** schedule.steps.filter((step) => iteration >= step).length;
  const warmup = warmupIterationsOf(protocol, schedule);
  if (iteration < warmup) {
    const alpha = iteration / warmup;
    lr *= protocol.warmupFactor * (1 - alpha) + alpha;
  }
  return lr;
}

type Json = Record<string, unknown>;

/**
 * The `detection` section of a preset: any Detectron key may be overridden (reduced protocols);
 * missing keys take the paper's values. `numClasses` comes from the dataset (classes + 1).
 * Except `biasRule`, which is off unless the preset sets it (the paper preset does), so that the
 * committed reduced baselines reproduce. `lrReference` replaces `baseLr`, `warmupFraction` replaces
 * `warmupIterations`.
 */
export function parseDetectionPreset(section: unknown, file: string, numClasses: number): DetectorProtocol {
  if (section === undefined) throw new InputError(file, 'has no "detection" section (the voc-det bench reads its protocol there)');
  if (section === null || typeof section !== 'object' || Array.isArray(section)) throw new InputError(file, 'must be an object', { field: 'detection' });
  const s = section as Json;
  const base = paperDetectorProtocol(numClasses);
  const num = (key: string, fallback: number, min = 0): number => {
    const v = s[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !(v >= min)) throw new InputError(file, `must be a number >= ${min}, got ${JSON.stringify(v)}`, { field: `detection.${key}` });
    return v;
  };
  const proposals = (key: string, fallback: ProposalParams): ProposalParams => {
    const v = s[key];
    if (v === undefined) return fallback;
    if (v === null || typeof v !== 'object') throw new InputError(file, 'must be an object', { field: `detection.${key}` });
    return { ...fallback, ...(v as Partial<ProposalParams>) };
  };
  const schedules = (s.schedules ?? base.schedules) as DetectorProtocol['schedules'];
  for (const column of ['07', '07+12'] as const) {
    const sc = schedules[column];
    if (!sc || !Number.isInteger(sc.iterations) || sc.iterations < 1 || !Array.isArray(sc.steps)) {
      throw new InputError(file, 'must give { iterations, steps } for "07" and "07+12"', { field: 'detection.schedules' });
    }
  }
  const res5Stride = num('res5Stride', base.res5Stride, 1);
  if (res5Stride !== 1 && res5Stride !== 2) throw new InputError(file, 'must be 1 or 2', { field: 'detection.res5Stride' });
  const imagesPerIteration = num('imagesPerIteration', base.imagesPerIteration, 1);
  const { baseLr, lrReference } = parseLr(s, file, base.baseLr, imagesPerIteration, num);
  const warmup = parseWarmup(s, file, base.warmupIterations ?? 0, num);
  if (s.biasRule !== undefined && typeof s.biasRule !== 'boolean') throw new InputError(file, `must be true or false, got ${JSON.stringify(s.biasRule)}`, { field: 'detection.biasRule' });
  const d = base.detectron;
  return {
    reduced: s.reduced === undefined ? false : Boolean(s.reduced),
    notes: typeof s.comment === 'string' ? s.comment : typeof s.notes === 'string' ? s.notes : undefined,
    detectron: {
      ...d,
      anchorSizes: (s.anchorSizes as number[] | undefined) ?? d.anchorSizes,
      rpnBatchSizePerImage: num('rpnBatchSizePerImage', d.rpnBatchSizePerImage, 1),
      rpnTrainProposals: proposals('rpnTrainProposals', d.rpnTrainProposals),
      rpnTestProposals: proposals('rpnTestProposals', d.rpnTestProposals),
      roiPooledSize: num('roiPooledSize', d.roiPooledSize, 1),
      roiBatchSizePerImage: num('roiBatchSizePerImage', d.roiBatchSizePerImage, 1),
      testDetectionsPerImage: num('testDetectionsPerImage', d.testDetectionsPerImage, 1),
    },
    rpnChannels: num('rpnChannels', base.rpnChannels, 1),
    res5Stride,
    scale: num('scale', base.scale, 16),
    maxSize: num('maxSize', base.maxSize, 16),
    flip: s.flip === undefined ? base.flip : Boolean(s.flip),
    imagesPerIteration,
    baseLr,
    // New settings only when given, so that a preset without them keeps its runKey (checkpoints resume).
    ...(lrReference ? { lrReference } : {}),
    momentum: num('momentum', base.momentum),
    weightDecay: num('weightDecay', base.weightDecay),
    ...(s.biasRule === true ? { biasRule: true } : {}),
    gamma: num('gamma', base.gamma),
    ...warmup,
    warmupFactor: num('warmupFactor', base.warmupFactor),
    schedules,
    checkpointEvery: num('checkpointEvery', base.checkpointEvery, 1),
    seed: num('seed', base.seed),
  };
}

type NumberField = (key: string, fallback: number, min?: number) => number;

/** `baseLr`, or `lrReference: { baseLr, imagesPerIteration }` scaled linearly to this preset's images per iteration (not both). */
function parseLr(s: Json, file: string, fallback: number, imagesPerIteration: number, num: NumberField): { baseLr: number; lrReference?: DetectorProtocol['lrReference'] } {
  const ref = s.lrReference;
  if (ref === undefined) return { baseLr: num('baseLr', fallback) };
  if (s.baseLr !== undefined) throw new InputError(file, 'give baseLr or lrReference, not both (lrReference computes baseLr)', { field: 'detection.lrReference' });
  const r = ref as Json;
  if (r === null || typeof r !== 'object' || Array.isArray(r) || !(typeof r.baseLr === 'number' && r.baseLr > 0) || !(typeof r.imagesPerIteration === 'number' && r.imagesPerIteration >= 1)) {
    throw new InputError(file, `must be { "baseLr": > 0, "imagesPerIteration": >= 1 }, got ${JSON.stringify(ref)}`, { field: 'detection.lrReference' });
  }
  const lrReference = { baseLr: r.baseLr, imagesPerIteration: r.imagesPerIteration };
  return { baseLr: (lrReference.baseLr * imagesPerIteration) / lrReference.imagesPerIteration, lrReference };
}

/** `warmupIterations` or `warmupFraction` (0..1 of each column's iterations), not both. */
function parseWarmup(s: Json, file: string, fallback: number, num: NumberField): { warmupIterations: number } | { warmupFraction: number } {
  if (s.warmupFraction === undefined) return { warmupIterations: num('warmupIterations', fallback) };
  if (s.warmupIterations !== undefined) throw new InputError(file, 'give warmupIterations or warmupFraction, not both', { field: 'detection.warmupFraction' });
  const f = num('warmupFraction', 0);
  if (f > 1) throw new InputError(file, `must be a fraction of the schedule in [0, 1], got ${f}`, { field: 'detection.warmupFraction' });
  return { warmupFraction: f };
}
