import type { Command } from 'commander';
import { InputError } from '@mgta/core';
import { DEVICES, type Device } from '@mgta/onnx/devices';
import type { DetColumn } from './voc-det.ts';

/** `bench voc-det --preset <name>`: the voc-det bench (the lead wires it under the `bench` group). */
export function registerVocDetCommand(program: Command): void {
  program
    .command('voc-det')
    .description('VOC detection bench: Faster R-CNN R-50-C4, frozen body, heads trained in tfjs, detector run with ONNX Runtime (Table 3)')
    .option('--preset <name>', 'ci, embedded or paper (or a preset file)', 'embedded')
    .option('--devkit <dir>', 'VOCdevkit folder (default data/fashion-voc/<preset>/VOCdevkit)')
    .option('--models <ids>', 'comma-separated model ids under models/<preset>/ (default: the preset\'s models; \'\' for none, only --model)')
    .option('--model <dir>', 'also run this checkpoint directory or PyTorch / safetensors / Detectron file (repeatable; an .onnx file: import it first with `mgta import-onnx`)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--models-dir <dir>', 'folder holding the model folders (default models/<preset>)')
    .option('--columns <list>', 'training sets: 07, 07+12 or both (default both)')
    .option('--device <device>', `ONNX Runtime device for inference: ${DEVICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'CPU threads (tfjs wasm and ORT), shared by the jobs')
    .option('--jobs <n>', 'models run at once, each in its own process (default MGTA_JOBS, else 2 on 2 cores or more; same numbers)')
    .option('--no-cache', 'keep body features in memory only (no disk cache)')
    .option('--out <file>', 'record file (default results/voc-det/<preset>[-<data>].json)')
    .action(async (options: { preset: string; devkit?: string; models?: string; model: string[]; modelsDir?: string; columns?: string; device: string; threads?: string; jobs?: string; cache: boolean; out?: string }) => {
      if (!DEVICES.includes(options.device as Device)) throw new InputError('--device', `must be one of ${DEVICES.join(', ')}`);
      const { DET_COLUMNS, runVocDet } = await import('./voc-det.ts');
      const columns = options.columns?.split(',').map((c) => c.trim()) as DetColumn[] | undefined;
      if (columns?.some((c) => !DET_COLUMNS.includes(c))) throw new InputError('--columns', `must list ${DET_COLUMNS.join(' and/or ')}`);
      const threads = options.threads === undefined ? undefined : Number(options.threads);
      if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new InputError('--threads', 'must be a positive integer');
      const jobs = options.jobs === undefined ? undefined : Number(options.jobs);
      if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new InputError('--jobs', 'must be a positive integer');
      const { record, file } = await runVocDet({
        preset: options.preset, devkit: options.devkit, models: options.models?.split(',').map((m) => m.trim()).filter((m) => m !== ''), extraModels: options.model, modelsDir: options.modelsDir,
        columns, device: options.device as Device, threads, jobs, cache: options.cache, out: options.out,
      });
      for (const [id, { result }] of Object.entries(record.models)) {
        for (const [column, r] of Object.entries(result)) {
          process.stdout.write(`${id} ${column}: ${r.status === 'ok' ? `VOC07 mAP ${((r.evaluation?.map07 ?? 0) * 100).toFixed(1)}` : `diverged at iteration ${r.divergedAtIteration} (-)`}\n`);
        }
      }
      process.stdout.write(`wrote ${file}\n`);
    });
}
