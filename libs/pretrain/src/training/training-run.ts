/**
 * The resumable part of a training run, shared by the IAE, supervised and MGTA trainers.
 *
 * `<model dir>/state/` holds the latest state: every net's weights (BN running statistics
 * included), the optimiser's step count and moments, the current pseudo-labels (MGTA), and the
 * position (stage, epoch, batch, global step, lines of metrics.jsonl). All randomness is a
 * function of (seed, phase, epoch) (seeded-epoch.ts), so a run killed at any moment and started
 * again continues from the last state and ends with the same weights as an uninterrupted run.
 * The state is written every `checkpointEverySteps` steps and at every epoch end.
 */
import { join } from 'node:path';
import { ResNet50, describeArchitecture, type NamedWeights, type ResNet50Architecture } from '@mgta/resnet';
import { Adam, trainableParams } from './adam.ts';
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
  learningRate: number;
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
  adam: { net: string; optimizer: Adam } | null = null;
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

  /** The optimiser of `net`: restored when the saved state holds one for it, else fresh. */
  optimizer(net: string, fresh = false): Adam {
    this.adam?.optimizer.dispose();
    const optimizer = new Adam(trainableParams(this.nets.get(net)!.namedVariables()), { learningRate: this.options.learningRate });
    const savedFor = this.saved?.document.extra.adamNet;
    if (!fresh && this.saved && savedFor === net) {
      const moments: NamedWeights = new Map();
      for (const [key, value] of this.saved.arrays) {
        if (key.startsWith('adam/')) moments.set(key.slice('adam/'.length), { shape: value.shape, data: value.data as Float32Array });
      }
      optimizer.importState({ step: this.saved.document.extra.adamStep as number, moments });
    }
    this.adam = { net, optimizer };
    return optimizer;
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
    const extra = { ...this.extra };
    if (this.adam) {
      const state = this.adam.optimizer.exportState();
      for (const [key, value] of state.moments) arrays.set(`adam/${key}`, value);
      extra.adamNet = this.adam.net;
      extra.adamStep = state.step;
    }
    if (this.labels) arrays.set('labels', { shape: [this.labels.length], data: this.labels });
    const document: RunDocument = {
      model: this.options.model, position: { ...this.position }, metricsLines: this.metrics.lines, elapsedSeconds: this.elapsedSeconds, extra,
    };
    writeBundle(this.stateDir, arrays, document);
    this.options.onSave?.(this.position);
  }

  /**
   * Runs epochs from the current position. `batches(epoch)` lists the epoch's batches (a pure
   * function of the epoch); `step` trains on one and returns its metric fields.
   */
  async epochs(
    phase: string, count: number,
    batches: (epoch: number) => number[][],
    step: (batch: number[], epoch: number, index: number) => Promise<MetricFields>,
    onStep?: () => void,
  ): Promise<void> {
    while (this.position.epoch < count) {
      const epoch = this.position.epoch;
      const list = batches(epoch);
      while (this.position.batch < list.length) {
        const batch = list[this.position.batch];
        const started = performance.now();
        const fields = await step(batch, epoch, this.position.batch);
        this.position.globalStep++;
        this.position.batch++;
        const seconds = (performance.now() - started) / 1000;
        this.log({ epoch, phase, ...fields, imagesPerSecond: round(batch.length / seconds, 3) });
        onStep?.();
        const epochEnd = this.position.batch === list.length;
        if (epochEnd) {
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
    this.adam?.optimizer.dispose();
    this.adam = null;
    for (const model of this.nets.values()) model.dispose();
    this.nets.clear();
    this.saved = undefined;
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
