/**
 * The voc-det bench with several models at once: each model runs in its own `mgta bench voc-det`
 * process (one tfjs-wasm instance per process), with the threads shared out, and the parent
 * gathers their records into one. Every number is the same as a one-by-one run's: training and
 * ONNX Runtime inference give the same bits at any thread count (measured on the ci preset:
 * mAP, intervals and feature scales of iae and supervised identical at 1 and 2 threads).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertLanesSucceeded, runInLanes, runNodeChild, threadsPerLane } from '@mgta/core';
import type { VocDetRecord } from '@mgta/results-schema';
import type { BenchModel } from './model-registry.ts';
import type { ModelsRun, VocDetOptions } from './voc-det.ts';

export interface VocDetLanesInput {
  options: VocDetOptions & { columns: readonly string[] };
  /** The preset's name, for messages (options.preset, a name or a file, goes to the children). */
  preset: string;
  models: readonly BenchModel[];
  modelsDir: string;
  devkit: string;
  lanes: number;
  /** The parent's dataset fingerprint: every child must have read the same data. */
  datasetSha: string;
  log: (line: string) => void;
}

export async function runVocDetInLanes(input: VocDetLanesInput): Promise<ModelsRun> {
  const { options, preset, models, modelsDir, devkit, lanes, datasetSha, log } = input;
  const bin = fileURLToPath(new URL('../../apps/cli/bin/mgta.js', import.meta.url));
  const threads = threadsPerLane(lanes, options.threads);
  const scratch = mkdtempSync(join(tmpdir(), 'mgta-voc-det-'));
  log(`voc-det ${preset}: ${models.length} models, ${lanes} at a time, ${threads} thread(s) each`);
  try {
    const outFile = (id: string) => join(scratch, `${id}.json`);
    const jobs = models.map(({ id, path }) => {
      // `--models ''` runs no preset model; the one model comes as a path, whose folder name is its id.
      const args = [
        bin, 'bench', 'voc-det', '--preset', options.preset, '--devkit', devkit, '--models-dir', modelsDir, '--models', '', '--model', path,
        '--columns', options.columns.join(','), '--device', options.device ?? 'auto', '--threads', String(threads), '--jobs', '1',
        ...(options.cache === false ? ['--no-cache'] : []), '--out', outFile(id),
      ];
      return { name: id, run: () => runNodeChild(args, { describe: `voc-det ${preset} ${id}`, prefix: `[${id}] ` }) };
    });
    assertLanesSucceeded(await runInLanes(jobs, lanes));
    const run: ModelsRun = { models: {}, backend: '', executionProvider: '', threads };
    for (const { id } of models) {
      const child = JSON.parse(readFileSync(outFile(id), 'utf8')) as VocDetRecord;
      if (child.dataset.sha256 !== datasetSha) throw new Error(`voc-det ${preset} ${id}: the child read other data (dataset ${child.dataset.sha256}, expected ${datasetSha})`);
      run.models[id] = child.models[id]!;
      run.backend ||= child.execution.backend ?? '';
      run.executionProvider ||= child.execution.executionProvider ?? '';
    }
    return run;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
