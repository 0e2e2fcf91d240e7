/**
 * How each pretrained model is optimised (issue 11): the optimiser, the learning-rate schedule,
 * the batch size and the flips, set once in the `pretrain` section and optionally per model in
 * `pretrain.iae` / `pretrain.supervised` / `pretrain.mgta`:
 *
 *   "optimizer": { "name": "adam" }                                    (default: today's Adam)
 *   "optimizer": { "name": "sgd", "momentum": 0.9, "nesterov": true, "weightDecay": 5e-4 }
 *   "schedule":  { "shape": "cosine", "warmupFraction": 0.05 }        (default: constant)
 *   "schedule":  { "shape": "constant", "warmupSteps": 100 }
 *   "flip": false                                                       (default true)
 *   "supervised": { "shift": 8 }     random whole-pixel shifts up to 8 px per axis, reflected
 *                                    border (per model; default none)
 *   "iae": { "epochs": 2, "learningRate": 0.1, "optimizer": {...}, "schedule": {...}, "batchSize": 64 }
 *
 * A field that is left out keeps today's behaviour, and stays out of the parsed section so that
 * the training record of a run that does not use it is unchanged. MGTA's batches are P·K
 * images, so `pretrain.mgta.batchSize` is refused; the control model iae-long trains with
 * MGTA's optimiser, schedule and P·K batches.
 */
import { InputError } from '@mgta/core';
import type { OptimizerSpec } from './optimizer.ts';
import { DEFAULT_OPTIMIZER } from './optimizer.ts';
import type { ScheduleSpec } from './lr-schedule.ts';

export interface TrainingOverrides {
  learningRate?: number;
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  batchSize?: number;
  /** Largest random shift, in pixels of the input, per axis (absent: no shifts). */
  shift?: number;
}

/** The models pretraining trains (random is only initialised). */
export type TrainedModel = 'iae' | 'supervised' | 'mgta' | 'iae-long';

/** One model's resolved settings: its own override, else the section's, else today's. */
export interface ModelTraining {
  learningRate: number;
  optimizer: OptimizerSpec;
  /** Absent: the constant learning rate. */
  schedule?: ScheduleSpec;
  batchSize: number;
  flip: boolean;
  /** Absent: no random shifts. */
  shift?: number;
}

type Json = Record<string, unknown>;

const describe = (v: unknown): string => JSON.stringify(v) ?? 'nothing';

/** Field checks that name the preset file and the field. */
export function fieldChecks(file: string) {
  const fail = (field: string, message: string): never => { throw new InputError(file, message, { field }); };
  const obj = (v: unknown, field: string): Json => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(field, `must be an object, got ${describe(v)}`);
    return v as Json;
  };
  const onlyKeys = (o: Json, field: string, keys: readonly string[]): void => {
    for (const key of Object.keys(o)) {
      if (!keys.includes(key)) fail(`${field}.${key}`, `unknown key (valid here: ${keys.join(', ')})`);
    }
  };
  const positive = (v: unknown, field: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) fail(field, `must be a positive number, got ${describe(v)}`);
    return v as number;
  };
  const integer = (v: unknown, field: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(field, `must be an integer ≥ ${min}, got ${describe(v)}`);
    return v as number;
  };
  const boolean = (v: unknown, field: string): boolean => {
    if (typeof v !== 'boolean') fail(field, `must be true or false, got ${describe(v)}`);
    return v as boolean;
  };
  const fraction = (v: unknown, field: string, max: number, closed: boolean): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (closed ? v > max : v >= max)) {
      fail(field, `must be a number in [0, ${max}${closed ? ']' : ')'}, got ${describe(v)}`);
    }
    return v as number;
  };
  const oneOf = <T extends string>(v: unknown, field: string, options: readonly T[]): T => {
    if (typeof v !== 'string' || !options.includes(v as T)) fail(field, `must be one of ${options.join(', ')}, got ${describe(v)}`);
    return v as T;
  };
  return { fail, obj, onlyKeys, positive, integer, boolean, fraction, oneOf };
}

export function parseOptimizer(value: unknown, field: string, file: string): OptimizerSpec {
  const c = fieldChecks(file);
  const o = c.obj(value, field);
  const name = c.oneOf(o.name, `${field}.name`, ['adam', 'sgd'] as const);
  if (name === 'adam') {
    c.onlyKeys(o, field, ['name']);
    return { name };
  }
  c.onlyKeys(o, field, ['name', 'momentum', 'nesterov', 'weightDecay']);
  // PyTorch's defaults for what is left out: momentum 0, nesterov false, weight_decay 0.
  const momentum = o.momentum === undefined ? 0 : c.fraction(o.momentum, `${field}.momentum`, 1, false);
  const nesterov = o.nesterov === undefined ? false : c.boolean(o.nesterov, `${field}.nesterov`);
  const weightDecay = o.weightDecay === undefined ? 0 : c.fraction(o.weightDecay, `${field}.weightDecay`, 1, false);
  if (nesterov && momentum === 0) c.fail(`${field}.nesterov`, 'Nesterov momentum needs a momentum > 0 (as torch.optim.SGD requires)');
  return { name, momentum, nesterov, weightDecay };
}

export function parseSchedule(value: unknown, field: string, file: string): ScheduleSpec {
  const c = fieldChecks(file);
  const o = c.obj(value, field);
  c.onlyKeys(o, field, ['shape', 'warmupSteps', 'warmupFraction']);
  const shape = c.oneOf(o.shape, `${field}.shape`, ['constant', 'cosine'] as const);
  if (o.warmupSteps !== undefined && o.warmupFraction !== undefined) {
    c.fail(field, 'give warmupSteps or warmupFraction, not both');
  }
  return {
    shape,
    ...(o.warmupSteps !== undefined ? { warmupSteps: c.integer(o.warmupSteps, `${field}.warmupSteps`, 0) } : {}),
    ...(o.warmupFraction !== undefined ? { warmupFraction: c.fraction(o.warmupFraction, `${field}.warmupFraction`, 1, false) } : {}),
  };
}

/** The overrides a section (`pretrain`, `pretrain.iae`, ...) gives; only the keys it has. */
export function parseOverrides(section: Json, field: string, file: string, options: { batchSize: boolean; inputSize: number }): TrainingOverrides {
  const c = fieldChecks(file);
  if (!options.batchSize && section.batchSize !== undefined) {
    c.fail(`${field}.batchSize`, 'MGTA batches are P·K images (pretrain.mgta.P clusters × pretrain.mgta.K images); set P and K instead');
  }
  return {
    ...(section.learningRate !== undefined ? { learningRate: c.positive(section.learningRate, `${field}.learningRate`) } : {}),
    ...(section.optimizer !== undefined ? { optimizer: parseOptimizer(section.optimizer, `${field}.optimizer`, file) } : {}),
    ...(section.schedule !== undefined ? { schedule: parseSchedule(section.schedule, `${field}.schedule`, file) } : {}),
    ...(options.batchSize && section.batchSize !== undefined ? { batchSize: c.integer(section.batchSize, `${field}.batchSize`, 2) } : {}),
    ...(section.shift !== undefined ? { shift: parseShift(section.shift, `${field}.shift`, file, options.inputSize) } : {}),
  };
}

/** A whole-pixel shift bound: an integer ≥ 0 and smaller than the square input it moves. */
function parseShift(value: unknown, field: string, file: string, inputSize: number): number {
  const c = fieldChecks(file);
  const shift = c.integer(value, field, 0);
  if (shift >= inputSize) c.fail(field, `must be smaller than pretrain.inputSize (${inputSize}), got ${shift}`);
  return shift;
}

/** What `modelTraining` reads of a parsed pretrain section. */
export interface TrainingSection {
  learningRate: number;
  batchSize: number;
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  flip?: boolean;
  iae: TrainingOverrides;
  supervised: TrainingOverrides;
  mgta: TrainingOverrides & { P: number; K: number };
}

/**
 * A model's settings: its section's override, else the `pretrain` section's, else today's
 * (Adam, constant rate, flips). MGTA and its control iae-long use `pretrain.mgta`'s and P·K
 * batches.
 */
export function modelTraining(section: TrainingSection, model: TrainedModel): ModelTraining {
  const own = model === 'iae' ? section.iae : model === 'supervised' ? section.supervised : section.mgta;
  const schedule = own.schedule ?? section.schedule;
  return {
    learningRate: own.learningRate ?? section.learningRate,
    optimizer: own.optimizer ?? section.optimizer ?? DEFAULT_OPTIMIZER,
    ...(schedule ? { schedule } : {}),
    batchSize: model === 'mgta' || model === 'iae-long' ? section.mgta.P * section.mgta.K : own.batchSize ?? section.batchSize,
    flip: section.flip ?? true,
    ...(own.shift ? { shift: own.shift } : {}),
  };
}
