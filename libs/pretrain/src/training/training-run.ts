/**
 * The resumable part of a training run, shared by the IAE, supervised and MGTA trainers.
 *
 * `<model dir>/state/` holds the latest state: every net's weights (BN running statistics
 * included), the optimisers' step counts and moments, the current pseudo-labels (MGTA), and the
 * position (stage, epoch, batch, global step, lines of metrics.jsonl). All randomness is a
 * function of (seed, phase, epoch) (seeded-epoch.ts), so a run killed at any moment and started
 * again continues from the last state and ends with the same weights as an uninterrupted run.
 * The state is written every `checkpointEverySteps` steps and at every epoch end. The learning
 * rate of a step is a pure function of its global step (lr-schedule.ts), so it needs no state.
 */
import { join } from 'node:path';
import { ResNet50, describeArchitecture, type NamedWeights, type ResNet50Architecture } from '@mgta/resnet';
import { trainableParams } from './adam.ts';
import { learningRateAt } from './lr-schedule.ts';
import { createOptimizer, type Optimizer, type OptimizerState } from './optimizer.ts';
import type { ModelTraining } from './training-options.ts';
import { MetricsLog, type MetricFields } from './metrics-log.ts';
import { readBundle, writeBundle, type BundleArray } from './tensor-bundle.ts';

export interface Position {
  /** Stage of a multi-stage schedule (MGTA plan step); 0 otherwise. */
  stage: number;
  epoch: number;
  /** Batches of `epoch` already done. */
  batch: number;
  globalStep: number;
}

export interface RunDocument {
  model: string;
  position: Position;
  metricsLines: number;
  elapsedSeconds: number;
  /** Trainer-specific facts (e.g. the stage's K, whether labels are ready). */
  extra: Record<string, unknown>;
}

export interface RunOptions {
  modelDir: string;
  model: string;
  checkpointEverySteps: number;
  /** The model's optimiser, peak learning rate and schedule. */
  training: Pick<ModelTraining, 'learningRate' | 'optimizer' | 'schedule'>;
  /**
   * Keep one optimiser per net for the whole run (MGTA's `keepOptimizerState`) instead of one
   * at a time, a fresh one whenever the trained net changes.
   */
  keepOptimizerState?: boolean;
  /** Test hook standing in for a kill: stop (after saving the state) once this many global steps are done. */
  stopAfterSteps?: number;
  /** Called after each state write (tests, logs). */
  onSave?: (position: Position) => void;
}

export class StoppedEarly extends Error {
  constructor(readonly step: number) {
    super(`stopped after step ${step} (--stop-after-steps)`);
  }
}

export class TrainingRun {
  readonly metrics: MetricsLog;
  readonly stateDir: string;
  position: Position = { stage: 0, epoch: 0, batch: 0, globalStep: 0 };
  extra: Record<string, unknown> = {};
  labels: Int32Array | null = null;
  readonly nets = new Map<string, ResNet50>();
  /** The live optimisers by net: at most one unless keepOptimizerState. */
  readonly optimizers = new Map<string, Optimizer>();
  /** Planned steps of the whole run, the horizon of the LR schedule (set by the trainer). */
  totalSteps = 1;
  resumed = false;
  private saved: { arrays: Map<string, BundleArray>; document: RunDocument } | undefined;
  private elapsedBefore = 0;
  private readonly startedAt = performance.now();

  constructor(readonly options: RunOptions) {
    this.metrics = new MetricsLog(join(options.modelDir, 'metrics.jsonl'));
    this.stateDir = join(options.modelDir, 'state');
    const bundle = readBundle(this.stateDir);
    if (bundle) {
      const document = bundle.document as RunDocument;
      if (document.model !== options.model) throw new Error(`${this.stateDir} is the state of a ${document.model} run, not ${options.model}`);
      this.saved = { arrays: bundle.arrays, document };
      this.position = { ...document.position };
      this.extra = { ...document.extra };
      this.elapsedBefore = document.elapsedSeconds;
      this.labels = (bundle.arrays.get('labels')?.data as Int32Array | undefined) ?? null;
      this.metrics.truncate(document.metricsLines);
      this.resumed = true;
    } else {
      this.metrics.truncate(0);
    }
  }

  get elapsedSeconds(): number {
    return this.elapsedBefore + (performance.now() - this.startedAt) / 1000;
  }

  /** The net `name`: from the saved state when resuming, else from `initial()`. */
  net(name: string, architecture: ResNet50Architecture, initial: () => ResNet50): ResNet50 {
    const prefix = `net/${name}/`;
    const savedWeights: NamedWeights = new Map();
    for (const [key, value] of this.saved?.arrays ?? []) {
      if (key.startsWith(prefix)) savedWeights.set(key.slice(prefix.length), { shape: value.shape, data: value.data as Float32Array });
    }
    const model = savedWeights.size > 0 ? ResNet50.fromNamedWeights(savedWeights) : initial();
    if (model.architecture.decoder !== architecture.decoder || model.architecture.headClasses !== architecture.headClasses
      || model.width !== (architecture.width ?? 1)) {
      throw new Error(`net ${name} has an unexpected architecture: ${describeArchitecture(model.architecture)}, expected ${describeArchitecture(architecture)}`);
    }
    this.nets.set(name, model);
    return model;
  }

  /**
   * The optimiser of `net`. One at a time (default): a fresh one, restored when the saved state
   * holds one for this net and `fresh` is false. With keepOptimizerState: the net's live one if
   * it has one, else one restored from the saved state when that holds one, else a fresh one
   * (`fresh` is ignored: the state survives the net's other stages).
   */
  optimizer(net: string, fresh = false): Optimizer {
    const keep = this.options.keepOptimizerState ?? false;
    const live = this.optimizers.get(net);
    if (keep && live) return live;
    if (!keep) {
      for (const optimizer of this.optimizers.values()) optimizer.dispose();
      this.optimizers.clear();
    }
    const model = this.nets.get(net)!;
    const { optimizer: spec, learningRate } = this.options.training;
    const optimizer = createOptimizer(spec, model, trainableParams(model.namedVariables()), learningRate);
    const saved = keep || !fresh ? this.savedOptimizer(net) : undefined;
    if (saved) optimizer.importState(saved);
    this.optimizers.set(net, optimizer);
    return optimizer;
  }

  /** The learning rate of the step about to run (the schedule at the current global step). */
  learningRate(): number {
    const { learningRate, schedule } = this.options.training;
    return learningRateAt(this.position.globalStep, this.totalSteps, learningRate, schedule);
  }

  /**
   * The saved state of `net`'s optimiser: `optimizer/<net>/<tensor>` arrays and
   * extra.optimizers[net] = {name, step}, or the format of one Adam at a time (`adam/<tensor>`,
   * extra.adamNet, extra.adamStep) that states written before issue 11 have.
   */
  private savedOptimizer(net: string): OptimizerState | undefined {
    if (!this.saved) return undefined;
    const extra = this.saved.document.extra;
    const entry = (extra.optimizers as Record<string, { name: string; step: number }> | undefined)?.[net];
    const legacy = entry === undefined && extra.adamNet === net;
    if (!entry && !legacy) return undefined;
    const name = entry?.name ?? 'adam';
    if (name !== this.options.training.optimizer.name) {
      throw new Error(`${this.stateDir} holds ${name} state for ${net}, but the preset now asks for ${this.options.training.optimizer.name}: resume with the preset the run started with, or retrain with --force`);
    }
    const prefix = legacy ? 'adam/' : `optimizer/${net}/`;
    const moments: NamedWeights = new Map();
    for (const [key, value] of this.saved.arrays) {
      if (key.startsWith(prefix)) moments.set(key.slice(prefix.length), { shape: value.shape, data: value.data as Float32Array });
    }
    return { step: legacy ? extra.adamStep as number : entry!.step, moments };
  }

  log(line: MetricFields & { phase: string; step?: number }): void {
    this.metrics.append({ step: this.position.globalStep, ...line, elapsedSeconds: round(this.elapsedSeconds, 2) });
  }

  /** Writes the state folder (atomically, as a whole). */
  save(): void {
    const arrays = new Map<string, BundleArray>();
    for (const [name, model] of this.nets) {
      for (const [tensor, value] of model.toNamedWeights()) arrays.set(`net/${name}/${tensor}`, value);
    }
    // The optimisers' entries describe exactly the arrays written below (none read at load survive).
    const { optimizers: _saved, adamNet: _net, adamStep: _step, ...extra } = this.extra as Record<string, unknown>;
    void _saved; void _net; void _step;
    const optimizers: Record<string, { name: string; step: number }> = {};
    for (const [net, optimizer] of this.optimizers) {
      const state = optimizer.exportState();
      for (const [key, value] of state.moments) arrays.set(`optimizer/${net}/${key}`, value);
      optimizers[net] = { name: optimizer.name, step: state.step };
    }
    if (this.optimizers.size > 0) extra.optimizers = optimizers;
    if (this.labels) arrays.set('labels', { shape: [this.labels.length], data: this.labels });
    const document: RunDocument = {
      model: this.options.model, position: { ...this.position }, metricsLines: this.metrics.lines, elapsedSeconds: this.elapsedSeconds, extra,
    };
    writeBundle(this.stateDir, arrays, document);
    this.options.onSave?.(this.position);
  }

  /**
   * Runs epochs from the current position. `batches(epoch)` lists the epoch's batches (a pure
   * function of the epoch); `step` trains on one at learning rate `lr` (logged) and returns its
   * metric fields. `onEpochEnd` (e.g. a held-out evaluation) runs after an epoch's last step,
   * before the state is saved, so a resumed run logs it exactly once.
   */
  async epochs(
    phase: string, count: number,
    batches: (epoch: number) => number[][],
    step: (batch: number[], epoch: number, index: number, lr: number) => Promise<MetricFields>,
    onStep?: () => void,
    onEpochEnd?: (epoch: number) => Promise<void>,
  ): Promise<void> {
    while (this.position.epoch < count) {
      const epoch = this.position.epoch;
      const list = batches(epoch);
      while (this.position.batch < list.length) {
        const batch = list[this.position.batch];
        const started = performance.now();
        const lr = this.learningRate();
        const fields = await step(batch, epoch, this.position.batch, lr);
        this.position.globalStep++;
        this.position.batch++;
        const seconds = (performance.now() - started) / 1000;
        this.log({ epoch, phase, lr, ...fields, imagesPerSecond: round(batch.length / seconds, 3) });
        onStep?.();
        const epochEnd = this.position.batch === list.length;
        if (epochEnd) {
          await onEpochEnd?.(epoch);
          this.position.epoch++;
          this.position.batch = 0;
        }
        const stop = this.options.stopAfterSteps !== undefined && this.position.globalStep >= this.options.stopAfterSteps;
        if (epochEnd || stop || this.position.globalStep % this.options.checkpointEverySteps === 0) this.save();
        if (stop) throw new StoppedEarly(this.position.globalStep);
        if (epochEnd) break;
      }
      if (list.length === 0) { this.position.epoch++; this.position.batch = 0; }
    }
  }

  dispose(): void {
    for (const optimizer of this.optimizers.values()) optimizer.dispose();
    this.optimizers.clear();
    for (const model of this.nets.values()) model.dispose();
    this.nets.clear();
    this.saved = undefined;
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
