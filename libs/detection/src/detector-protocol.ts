import { InputError } from '@mgta/core';
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
  /** TRAIN.SCALES / TEST.SCALE and MAX_SIZE. */
  scale: number;
  maxSize: number;
  /** TRAIN.USE_FLIPPED. */
  flip: boolean;
  /** TRAIN.IMS_PER_BATCH x GPUs. */
  imagesPerIteration: number;
  baseLr: number;
  momentum: number;
  weightDecay: number;
  /** SOLVER.GAMMA. */
  gamma: number;
  warmupIterations: number;
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

/** `bodyChannels`: the body's res4 channels, 1024·width (default 1024: a full-width ResNet-50, BODY_CHANNELS). */
export function headConfigOf(protocol: DetectorProtocol, bodyChannels = 1024): HeadConfig {
  return {
    numClasses: protocol.detectron.numClasses,
    numAnchors: protocol.detectron.anchorSizes.length * protocol.detectron.anchorAspectRatios.length,
    rpnChannels: protocol.rpnChannels,
    bodyChannels,
    res5Stride: protocol.res5Stride,
  };
}

/** LR at an iteration: steps decay by gamma, linear warm-up from warmupFactor (Detectron lr_policy 'steps_with_decay' + WARM_UP_METHOD 'linear'). */
export function learningRate(protocol: DetectorProtocol, schedule: DetSchedule, iteration: number): number {
  let lr = protocol.baseLr * protocol.gamma ** schedule.steps.filter((step) => iteration >= step).length;
  if (iteration < protocol.warmupIterations) {
    const alpha = iteration / protocol.warmupIterations;
    lr *= protocol.warmupFactor * (1 - alpha) + alpha;
  }
  return lr;
}

type Json = Record<string, unknown>;

/**
 * The `detection` section of a preset: any Detectron key may be overridden (reduced protocols);
 * missing keys take the paper's values. `numClasses` comes from the dataset (classes + 1).
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
    imagesPerIteration: num('imagesPerIteration', base.imagesPerIteration, 1),
    baseLr: num('baseLr', base.baseLr),
    momentum: num('momentum', base.momentum),
    weightDecay: num('weightDecay', base.weightDecay),
    gamma: num('gamma', base.gamma),
    warmupIterations: num('warmupIterations', base.warmupIterations),
    warmupFactor: num('warmupFactor', base.warmupFactor),
    schedules,
    checkpointEvery: num('checkpointEvery', base.checkpointEvery, 1),
    seed: num('seed', base.seed),
  };
}
