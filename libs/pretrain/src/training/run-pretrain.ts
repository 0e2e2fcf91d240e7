/**
 * One pretraining run end to end: model dir, skip-if-finished, backend, data, resume, training,
 * final checkpoint, training.json.
 *
 * `<model dir>` (models/<preset>/<id>/) ends up holding the libs/resnet checkpoint
 * (manifest.json + weights.bin, readable by loadCheckpoint), metrics.jsonl and training.json.
 * The checkpoint is written last: weights.bin, then manifest.json (each atomically), and only
 * then is state/ removed; a dir with a valid manifest and a finished training.json is skipped
 * on rerun unless `force`. Files the run did not write (notes, an exported .onnx) are never
 * removed, not even by `force`.
 *
 * Images listed in `<images>/holdout.txt` are taken out first (holdout.ts): no trainer sees
 * them; after training, the model's held-out diagnostics (diagnostics.ts) are logged to
 * metrics.jsonl and recorded as `summary.diagnostics`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, machineInfo, withFsWriteErrors, withOutputLock, writeJsonAtomic } from '@mgta/core';
import { backendInfo, initBackend } from '@mgta/nn';
import { MANIFEST_FILE, ResNet50, WEIGHTS_FILE, loadCheckpoint, readCheckpointManifest, saveCheckpoint } from '@mgta/resnet';
import { holdoutData, modelDiagnostics, type Holdout } from './diagnostics.ts';
import { splitHoldout } from './holdout.ts';
import { ImageLoader } from './image-loader.ts';
import { listImageSet, subsetImageSet, type ImageSet } from './image-set.ts';
import type { PretrainJob, TrainerResult } from './job.ts';
import type { PretrainPreset } from './pretrain-preset.ts';
import { trainIae } from './train-iae.ts';
import { trainIaeLong } from './train-iae-long.ts';
import { trainMgta } from './train-mgta.ts';
import { trainSupervised } from './train-supervised.ts';
import { recipeDifference, recipeOf } from './recipe.ts';
import { modelTraining } from './training-options.ts';
import { StoppedEarly, TrainingRun, type Position } from './training-run.ts';

export type PretrainModel = 'iae' | 'mgta' | 'supervised' | 'iae-long';

export interface PretrainRequest {
  model: PretrainModel;
  presetName: string;
  preset: PretrainPreset;
  /** Folder of pretraining images. */
  images: string;
  /** The model dir, e.g. models/<preset>/iae. */
  out: string;
  seed: number;
  /** MGTA: fixed K or 'ch'. */
  k?: number | 'ch';
  /** MGTA, iae-long: the IAE checkpoint dir the nets start from. */
  iaeDir?: string;
  force?: boolean;
  threads?: number;
  stopAfterSteps?: number;
  onSave?: (position: Position) => void;
}

export type PretrainOutcome = { status: 'finished' | 'skipped'; dir: string; weightsSha256: string } | { status: 'stopped'; dir: string; step: number };

const TRAINING_FILE = 'training.json';

export function isFinished(dir: string): boolean {
  if (!existsSync(join(dir, MANIFEST_FILE)) || !existsSync(join(dir, TRAINING_FILE))) return false;
  try {
    readCheckpointManifest(dir);
    return JSON.parse(readFileSync(join(dir, TRAINING_FILE), 'utf8')).status === 'finished';
  } catch {
    return false;
  }
}

/** A finished model whose training.json records another recipe (or seed) than the request's is an error, not a silent reuse. */
export function refuseStaleRecipe(dir: string, request: PretrainRequest): void {
  const recorded = JSON.parse(readFileSync(join(dir, TRAINING_FILE), 'utf8')) as { pretrain?: PretrainPreset; seed?: number };
  if (!recorded.pretrain) return; // written before recipes were recorded: nothing to compare
  const difference =
    recorded.seed !== undefined && recorded.seed !== request.seed
      ? { path: 'seed', recorded: recorded.seed, current: request.seed }
      : recipeDifference(recipeOf(recorded.pretrain, request.model), recipeOf(request.preset, request.model));
  if (!difference) return;
  const show = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));
  throw new InputError(
    join(dir, TRAINING_FILE),
    `this ${request.model} model was trained with pretrain.${difference.path} = ${show(difference.recorded)}, but preset ${request.presetName} now says ${show(difference.current)}; ` +
      `retrain it with \`mgta pretrain ${request.model} --preset ${request.presetName} --force\` (or restore the preset)`,
  );
}

/** What a run writes into its model dir: all that --force removes (notes or exports kept there stay). */
const RUN_FILES = [MANIFEST_FILE, WEIGHTS_FILE, TRAINING_FILE, 'metrics.jsonl', 'state', 'state.old', '.final-checkpoint'];

/**
 * Holds the model dir's lock for the whole run: a second run on the same dir would append
 * every metrics line a second time and interleave the two runs' states.
 */
export async function runPretrain(request: PretrainRequest): Promise<PretrainOutcome> {
  return withOutputLock(request.out, () => runLocked(request), { command: `mgta pretrain ${request.model} (preset ${request.presetName})` });
}

async function runLocked(request: PretrainRequest): Promise<PretrainOutcome> {
  const dir = request.out;
  if (isFinished(dir) && !request.force) {
    refuseStaleRecipe(dir, request);
    return { status: 'skipped', dir, weightsSha256: readCheckpointManifest(dir).weightsSha256 };
  }
  if (request.force) for (const name of RUN_FILES) rmSync(join(dir, name), { recursive: true, force: true });

  const iae = request.model === 'mgta' || request.model === 'iae-long' ? await loadIae(request) : undefined;
  const split = splitHoldout(listImageSet(request.images));
  const set: ImageSet = subsetImageSet(split.train, request.preset.images, request.seed);
  const loader = new ImageLoader(set, request.preset.inputSize);
  const holdout = holdoutData(split.holdout, request.preset.inputSize);
  const settings = modelTraining(request.preset, request.model);
  const backend = await initBackend({ threads: request.threads });
  withFsWriteErrors(dir, () => mkdirSync(dir, { recursive: true }));

  const run = new TrainingRun({
    modelDir: dir, model: request.model, checkpointEverySteps: request.preset.checkpointEverySteps,
    training: settings, keepOptimizerState: request.model === 'mgta' && request.preset.mgta.keepOptimizerState === true,
    stopAfterSteps: request.stopAfterSteps, onSave: request.onSave,
  });
  const record = {
    status: 'running',
    model: request.model,
    preset: request.presetName,
    pretrain: request.preset,
    seed: request.seed,
    k: request.k,
    backend,
    threads: backend.threads,
    data: {
      root: set.root, images: set.files.length, fingerprint: set.fingerprint, classes: set.classNames?.length ?? null, decodedCacheInMemory: loader.cached,
      ...(split.holdout ? { heldOut: { file: split.file, images: split.holdout.files.length, fingerprint: split.holdout.fingerprint } } : {}),
    },
    iae: iae ? { dir: request.iaeDir, weightsSha256: iae.manifest.weightsSha256 } : undefined,
    machine: machineInfo(),
    resumedFrom: run.resumed ? { ...run.position } : null,
  };
  writeJsonAtomic(join(dir, TRAINING_FILE), record);

  const job: PretrainJob = { preset: request.preset, seed: request.seed, set, loader, run, training: settings, holdout, label: `${request.model} ${request.presetName}` };
  let result: TrainerResult;
  try {
    if (request.model === 'iae') result = await trainIae(job);
    else if (request.model === 'supervised') result = await trainSupervised(job);
    else if (request.model === 'iae-long') result = await trainIaeLong(job, { iae: iae!.weights });
    else result = await trainMgta(job, { iae: iae!.weights, k: request.k ?? request.preset.mgta.k[0] });
    if (holdout) result = { ...result, summary: { ...result.summary, diagnostics: await diagnose(request, run, holdout, result) } };
  } catch (error) {
    run.dispose();
    if (error instanceof StoppedEarly) return { status: 'stopped', dir, step: error.step };
    throw error;
  }
  const elapsedSeconds = run.elapsedSeconds;
  const steps = run.position.globalStep;
  run.dispose();

  const training = { ...record, status: 'finished', summary: result.summary, timings: { elapsedSeconds, steps, backend: backendInfo() } };
  // Built beside the model dir with saveCheckpoint, then its two files moved in: weights first,
  // manifest last, so manifest.json marks a complete checkpoint.
  const staging = join(dir, '.final-checkpoint');
  rmSync(staging, { recursive: true, force: true });
  const manifest = await saveCheckpoint(staging, result.weights, { createdBy: `mgta pretrain ${request.model}`, seed: request.seed, training: { model: request.model, preset: request.presetName, summary: result.summary } });
  withFsWriteErrors(dir, () => {
    renameSync(join(staging, WEIGHTS_FILE), join(dir, WEIGHTS_FILE));
    renameSync(join(staging, MANIFEST_FILE), join(dir, MANIFEST_FILE));
  });
  rmSync(staging, { recursive: true, force: true });
  writeJsonAtomic(join(dir, TRAINING_FILE), training);
  rmSync(join(dir, 'state'), { recursive: true, force: true });
  return { status: 'finished', dir, weightsSha256: manifest.weightsSha256 };
}

/**
 * The held-out diagnostics of the trained model (its final weights), logged to metrics.jsonl:
 * k-means NMI of its clustering feature and of the raw pixels (cached beside the model dirs,
 * once per data set), and the supervised model's last held-out accuracy.
 */
async function diagnose(request: PretrainRequest, run: TrainingRun, holdout: Holdout, result: TrainerResult) {
  const model = ResNet50.fromNamedWeights(result.weights);
  try {
    const diagnostics = await modelDiagnostics(model, holdout, {
      feature: request.preset.mgta.clusterFeature,
      batchSize: request.preset.featureBatchSize,
      kmeans: { seed: request.seed, restarts: request.preset.mgta.kmeansRestarts, maxIterations: request.preset.mgta.kmeansMaxIterations },
      pixelCache: join(dirname(request.out), 'holdout-pixel-nmi.json'),
      heldOutAccuracy: run.extra.heldOutAccuracy as number | undefined,
    });
    run.log({ phase: 'holdout/pixels', pixelNmi: diagnostics.pixelNmi });
    run.log({ phase: 'holdout/nmi', heldOutNmi: diagnostics.heldOutNmi });
    return diagnostics;
  } finally {
    model.dispose();
  }
}

async function loadIae(request: PretrainRequest) {
  const iaeDir = request.iaeDir;
  if (!iaeDir || !isFinished(iaeDir)) {
    throw new InputError(iaeDir ?? 'iae', `${request.model === 'mgta' ? 'MGTA' : request.model} starts from the IAE: no finished IAE checkpoint here (run \`mgta pretrain iae --preset ${request.presetName}\` first)`);
  }
  const checkpoint = await loadCheckpoint(iaeDir);
  if (!checkpoint.manifest.architecture.decoder) throw new InputError(iaeDir, 'is not an auto-encoder checkpoint (no decoder)');
  return checkpoint;
}
