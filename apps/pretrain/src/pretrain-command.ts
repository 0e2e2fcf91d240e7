/**
 * `mgta pretrain <iae|mgta|supervised|random|iae-long|all> --preset <name>`: trains one of the
 * preset's models into models/<preset>/<model id>/ (ids: iae, mgta-k<K>, mgta-ch, supervised,
 * random, iae-long). Resumes from <model dir>/state/ when a previous run was interrupted; skips
 * a finished model unless --force. iae-long (MGTA's control: the IAE trained on without the
 * triplet term) is one of `all`'s models only when the preset says `pretrain.iaeLong: true`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { InputError, assertLanesSucceeded, defaultLanes, runInLanes, runNodeChild, threadsPerLane } from '@mgta/core';
import { loadPreset, presetFile } from '@mgta/presets';
import { pretrainPreset, recordRandomDiagnostics, runPretrain, type PretrainModel, type PretrainOutcome } from '@mgta/pretrain';
import { readCheckpointManifest } from '@mgta/resnet';
import { runInitModel } from './init-model.ts';

export const PRETRAIN_MODELS = ['iae', 'mgta', 'supervised', 'random', 'iae-long'] as const;

export interface PretrainCommandOptions {
  preset: string;
  k?: string;
  images?: string;
  out?: string;
  seed?: string;
  models?: string;
  iae?: string;
  force?: boolean;
  threads?: string;
  /** `all`: models trained at once. */
  jobs?: string;
  stopAfterSteps?: string;
}

/** The model id of a run: the name of its folder under models/<preset>/. */
export function modelId(model: string, k?: number | 'ch'): string {
  return model === 'mgta' ? `mgta-${k === 'ch' ? 'ch' : `k${k}`}` : model;
}

/**
 * The preset's models, longest training first (the order lanes take them in), each with the
 * models it starts from: mgta and iae-long start from iae. The supervised baseline is the
 * longest run of every CPU preset (ci 6.3 of 16.9 min, embedded 17.6 of 42.6 min, measured).
 */
export function allModels(iaeLong: boolean): Array<{ model: string; k?: string; after: string[] }> {
  return [
    { model: 'supervised', after: [] }, { model: 'random', after: [] }, { model: 'iae', after: [] },
    { model: 'mgta', k: 'k1', after: ['iae'] }, { model: 'mgta', k: 'k2', after: ['iae'] },
    ...(iaeLong ? [{ model: 'iae-long', after: ['iae'] }] : []),
  ];
}

/**
 * `mgta pretrain all`: every model of the preset, each in its own process so that one
 * training's wasm heap (which only grows) never burdens the next; finished models are skipped.
 * `--jobs` models train at once (default libs/core defaultLanes: 2 on 2 cores or more), sharing
 * the threads; each model's weights are the same whatever the jobs and threads.
 */
export async function runPretrainAll(options: PretrainCommandOptions): Promise<void> {
  const bin = fileURLToPath(new URL('../../cli/bin/mgta.js', import.meta.url));
  const lanes = options.jobs === undefined ? defaultLanes() : parseInteger('--jobs', options.jobs, 1, 64);
  const totalThreads = options.threads === undefined ? undefined : parseInteger('--threads', options.threads, 1, 1024);
  const threads = lanes > 1 ? threadsPerLane(lanes, totalThreads) : totalThreads;
  const passOn = [
    ...(['images', 'models', 'seed'] as const).flatMap((name) => (options[name] === undefined ? [] : [`--${name}`, String(options[name])])),
    ...(threads === undefined ? [] : ['--threads', String(threads)]),
    ...(options.force ? ['--force'] : []),
  ];
  const section = pretrainPreset(loadPreset(options.preset), presetFile(options.preset));
  const jobs = allModels(section.iaeLong === true).map(({ model, k, after }) => {
    const args = [bin, 'pretrain', model, '--preset', options.preset, ...(k ? ['--k', k] : []), ...passOn];
    const name = k ? `${model} --k ${k}` : model;
    return { name, after, run: () => runNodeChild(args, { describe: `mgta pretrain ${name} --preset ${options.preset}`, ...(lanes > 1 ? { prefix: `[${name}] ` } : {}) }) };
  });
  if (lanes > 1) process.stderr.write(`pretrain all: ${jobs.length} models, ${lanes} at a time, ${threads} thread(s) each\n`);
  assertLanesSucceeded(await runInLanes(jobs, lanes));
}

export async function runPretrainCommand(model: string, options: PretrainCommandOptions): Promise<PretrainOutcome | { status: 'finished' | 'skipped'; dir: string }> {
  if (!(PRETRAIN_MODELS as readonly string[]).includes(model)) {
    throw new InputError('model', `must be one of ${PRETRAIN_MODELS.join(', ')}, got "${model}"`);
  }
  const preset = loadPreset(options.preset);
  const file = presetFile(options.preset);
  const section = pretrainPreset(preset, file);
  const seed = options.seed === undefined ? section.seed : parseInteger('--seed', options.seed, 0, 2 ** 32 - 1);
  const k = model === 'mgta' ? parseK(options.k, section.mgta.k) : undefined;
  const models = options.models ?? 'models';
  const out = options.out ?? join(models, preset.name, modelId(model, k));

  if (model === 'random') {
    // The paper's "ResNet50 Random" row: what `mgta init-model --seed <preset seed>` writes.
    // With a holdout.txt in its data, its held-out diagnostics go to a training.json beside it.
    const images = options.images ?? join('data', 'fashion-voc', preset.name, 'pretrain');
    const threads = options.threads === undefined ? undefined : parseInteger('--threads', options.threads, 1, 1024);
    const diagnose = () => recordRandomDiagnostics({ dir: out, images, preset: section, presetName: preset.name, seed, threads });
    if (existsSync(join(out, 'manifest.json')) && !options.force) {
      readCheckpointManifest(out);
      if (!existsSync(join(out, 'training.json'))) await diagnose();
      process.stdout.write(`${out}: already there (use --force to rewrite)\n`);
      return { status: 'skipped', dir: out };
    }
    await runInitModel({ arch: 'resnet50', seed: String(seed), out, ...(section.width !== undefined ? { width: String(section.width) } : {}) });
    await diagnose();
    return { status: 'finished', dir: out };
  }

  const images = options.images ?? defaultImages(preset.name, preset.data.source);
  const started = Date.now();
  const outcome = await runPretrain({
    model: model as PretrainModel,
    presetName: preset.name,
    preset: section,
    images,
    out,
    seed,
    k,
    iaeDir: options.iae ?? join(dirname(out), 'iae'),
    force: options.force,
    threads: options.threads === undefined ? undefined : parseInteger('--threads', options.threads, 1, 1024),
    stopAfterSteps: options.stopAfterSteps === undefined ? undefined : parseInteger('--stop-after-steps', options.stopAfterSteps, 1, Number.MAX_SAFE_INTEGER),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (outcome.status === 'skipped') process.stdout.write(`${out}: already trained (weights sha256 ${outcome.weightsSha256}); --force retrains\n`);
  else if (outcome.status === 'stopped') process.stdout.write(`${out}: stopped after step ${outcome.step}; rerun to resume\n`);
  else process.stdout.write(`${out}: trained in ${seconds} s, weights sha256 ${outcome.weightsSha256}\n`);
  return outcome;
}

function defaultImages(preset: string, source: string): string {
  const dir = join('data', 'fashion-voc', preset, 'pretrain');
  if (source !== 'fashion-voc' && !existsSync(dir)) {
    throw new InputError('--images', `preset "${preset}" names real data: give its folder of pretraining images (class subfolders, e.g. miniImageNet)`);
  }
  if (!existsSync(dir)) throw new InputError(dir, `does not exist: run \`mgta make-fashion-voc --out data/fashion-voc/${preset} --preset ${preset}\` or give --images`);
  return dir;
}

function parseK(text: string | undefined, presetK: [number, number]): number | 'ch' {
  if (text === undefined || text === 'k1') return presetK[0];
  if (text === 'k2') return presetK[1];
  if (text === 'ch') return 'ch';
  return parseInteger('--k', text, 2, 1_000_000);
}

function parseInteger(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InputError(option, `must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

