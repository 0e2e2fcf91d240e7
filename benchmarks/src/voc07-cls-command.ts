import type { Command } from 'commander';
import { InputError } from '@mgta/core';
import { DEVICES, type Device } from '@mgta/onnx/devices';
import { FEATURE_LAYERS, type FeatureLayer } from '@mgta/features/pooling';
import { GOYAL_LOW_SHOT_SAMPLES } from '@mgta/svm/low-shot-samples';
import { parseLowShotK } from '@mgta/svm/low-shot-options';
import type { runVoc07Cls } from './voc07-cls.ts';

interface Voc07ClsCommandOptions {
  preset: string;
  devkit?: string;
  dataName?: string;
  model: string[];
  device: string;
  threads?: string;
  results: string;
  layers?: string;
  lowShot?: string | true;
  lowShotSamples?: string;
}

export function registerVoc07ClsCommand(bench: Command): void {
  bench
    .command('voc07-cls')
    .description("VOC07 linear-SVM benchmark (paper Table 2) for every model of the preset → results/voc07-cls/<preset>.json")
    .option('--preset <name>', 'preset: ci, embedded, paper, or a JSON file', 'embedded')
    .option('--devkit <dir>', 'another VOCdevkit, e.g. real PASCAL VOC2007 (default: the preset\'s Fashion-VOC)')
    .option('--data-name <name>', 'names the data in the result file name (default: from --devkit)')
    .option('--model <path>', 'also evaluate this checkpoint dir, .onnx file or PyTorch / safetensors / Detectron checkpoint (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .option('--device <device>', `ONNX Runtime execution provider: ${DEVICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'threads for ONNX Runtime and the SVM (default: all cores)')
    .option('--results <dir>', 'results folder', 'results')
    .option('--layers <list>', `layer sweep with Goyal's pooling, e.g. ${FEATURE_LAYERS.join(',')} (default: the preset's, res4)`)
    .option('--low-shot [k-list]', "also run Goyal's low-shot SVM (default k 1,2,4,8,16,32,64,96; seed from the preset's voc07Cls.lowShot.seed, else 0)")
    .option('--low-shot-samples <n>', `independent low-shot samples per k (default: the preset's, else ${GOYAL_LOW_SHOT_SAMPLES})`)
    .action(async (options: Voc07ClsCommandOptions) => {
      if (!DEVICES.includes(options.device as Device)) throw new InputError('--device', `unknown device ${options.device}`);
      const threads = options.threads === undefined ? undefined : Number(options.threads);
      if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new InputError('--threads', `"${options.threads}" is not a positive integer`);
      const layers = options.layers === undefined ? undefined : parseLayers(options.layers);
      const lowShot = await lowShotOverride(options);
      const { runVoc07Cls } = await import('./voc07-cls.ts');
      const { record, path } = await runVoc07Cls({
        preset: options.preset,
        devkit: options.devkit,
        dataName: options.dataName,
        models: options.model,
        device: options.device as Device,
        threads,
        resultsDir: options.results,
        layers,
        lowShot,
      });
      console.log(formatVoc07ClsSummary(record.models));
      console.log(`wrote ${path}`);
    });
}

function formatVoc07ClsSummary(models: Awaited<ReturnType<typeof runVoc07Cls>>['record']['models']): string {
  const rows = Object.entries(models).map(([id, { result }]) => {
    const pct = (value: number | null | undefined) => (value === null || value === undefined ? '  n/a' : (100 * value).toFixed(2).padStart(6));
    const interval = result.mapInterval ? `[${pct(result.mapInterval.low)}, ${pct(result.mapInterval.high)}]` : '';
    return `${id.padEnd(20)} ${pct(result.evaluation.map)}  ${pct(result.evaluation.map07)}  ${interval}`;
  });
  return [`${'model'.padEnd(20)}    mAP  mAP07  95% bootstrap`, ...rows].join('\n');
}

function parseLayers(spec: string): FeatureLayer[] {
  const layers = spec.split(',').map((t) => t.trim());
  for (const layer of layers) {
    if (!FEATURE_LAYERS.includes(layer as FeatureLayer)) throw new InputError('--layers', `"${layer}" is not one of ${FEATURE_LAYERS.join(', ')}`);
  }
  if (new Set(layers).size !== layers.length) throw new InputError('--layers', `"${spec}" lists a layer twice`);
  return layers as FeatureLayer[];
}

/** `--low-shot` / `--low-shot-samples` over the preset's `voc07Cls.lowShot` (its seed is kept); undefined: the preset's. */
async function lowShotOverride(options: Voc07ClsCommandOptions): Promise<{ kValues: number[]; samples: number; seed: number } | undefined> {
  if (options.lowShot === undefined && options.lowShotSamples === undefined) return undefined;
  if (options.lowShot === undefined) throw new InputError('--low-shot-samples', 'needs --low-shot');
  let kValues: number[];
  try {
    kValues = parseLowShotK(options.lowShot);
  } catch (error) {
    throw new InputError('--low-shot', (error as Error).message);
  }
  const { loadPreset } = await import('@mgta/presets');
  const { voc07ClsSection } = await import('./voc07-cls-preset.ts');
  const fromPreset = voc07ClsSection(loadPreset(options.preset)).lowShot;
  const samples = options.lowShotSamples === undefined ? (fromPreset?.samples ?? GOYAL_LOW_SHOT_SAMPLES) : Number(options.lowShotSamples);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new InputError('--low-shot-samples', `"${options.lowShotSamples}" is not a positive integer`);
  return { kValues, samples, seed: fromPreset?.seed ?? 0 };
}
