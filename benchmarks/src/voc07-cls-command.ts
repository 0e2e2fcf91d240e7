import type { Command } from 'commander';
import { InputError } from '@mgta/core';
import { DEVICES, type Device } from '@mgta/onnx/devices';
import type { runVoc07Cls } from './voc07-cls.ts';

interface Voc07ClsCommandOptions {
  preset: string;
  devkit?: string;
  dataName?: string;
  model: string[];
  device: string;
  threads?: string;
  results: string;
}

export function registerVoc07ClsCommand(bench: Command): void {
  bench
    .command('voc07-cls')
    .description("VOC07 linear-SVM benchmark (paper Table 2) for every model of the preset → results/voc07-cls/<preset>.json")
    .option('--preset <name>', 'preset: ci, embedded, paper, or a JSON file', 'embedded')
    .option('--devkit <dir>', 'another VOCdevkit, e.g. real PASCAL VOC2007 (default: the preset\'s Fashion-VOC)')
    .option('--data-name <name>', 'names the data in the result file name (default: from --devkit)')
    .option('--model <path>', 'also evaluate this checkpoint dir or .onnx file (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .option('--device <device>', `ONNX Runtime execution provider: ${DEVICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'threads for ONNX Runtime and the SVM (default: all cores)')
    .option('--results <dir>', 'results folder', 'results')
    .action(async (options: Voc07ClsCommandOptions) => {
      if (!DEVICES.includes(options.device as Device)) throw new InputError('--device', `unknown device ${options.device}`);
      const threads = options.threads === undefined ? undefined : Number(options.threads);
      if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new InputError('--threads', `"${options.threads}" is not a positive integer`);
      const { runVoc07Cls } = await import('./voc07-cls.ts');
      const { record, path } = await runVoc07Cls({
        preset: options.preset,
        devkit: options.devkit,
        dataName: options.dataName,
        models: options.model,
        device: options.device as Device,
        threads,
        resultsDir: options.results,
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
