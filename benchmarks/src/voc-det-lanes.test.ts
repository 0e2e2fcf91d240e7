import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { makeFashionVoc } from '@mgta/fashion-voc';
import { loadPreset, type FashionVocDataPreset } from '@mgta/presets';
import { initialWeights, saveCheckpoint } from '@mgta/resnet';
import type { VocDetRecord } from '@mgta/results-schema';
import { runVocDet } from './voc-det.ts';

/** A few small scenes: enough for heads to train a handful of iterations and to find objects to score. */
const TINY: FashionVocDataPreset = {
  source: 'fashion-voc',
  pretrain: { images: 8, size: 32, format: 'png' },
  scenes: { minSize: 64, maxSize: 80, maxItems: 3, minItemScale: 0.3, maxItemScale: 0.6, jpegQuality: 90 },
  voc2007: { trainval: 12, test: 10, valFraction: 0.5 },
  voc2012: { trainval: 6, valFraction: 0.5 },
};

/** The ci preset's detector, shrunk to seconds: small images, few RoIs, four iterations per column. */
function tinyPresetFile(root: string): string {
  const ci = loadPreset('ci');
  const file = join(root, 'lanes-test.json');
  writeFileSync(file, JSON.stringify({
    ...ci,
    name: 'lanes-test',
    data: TINY,
    detection: {
      ...(ci.detection as object), rpnChannels: 16, scale: 96, maxSize: 128, anchorSizes: [16, 32, 64], roiBatchSizePerImage: 8, rpnBatchSizePerImage: 32,
      rpnTrainProposals: { preNmsTopN: 50, postNmsTopN: 50, nmsThresh: 0.7, minSize: 0 }, rpnTestProposals: { preNmsTopN: 50, postNmsTopN: 20, nmsThresh: 0.7, minSize: 0 },
      schedules: { '07': { iterations: 4, steps: [3] }, '07+12': { iterations: 4, steps: [3] } }, checkpointEvery: 2,
    },
  }));
  return file;
}

/** The record less what may differ between runs of the same work: when and how fast, and how it was spread. */
function numbersOf(record: VocDetRecord): unknown {
  const models = Object.fromEntries(Object.entries(record.models).map(([id, { model, result }]) => [id, {
    model,
    result: Object.fromEntries(Object.entries(result).map(([column, r]) => [column, { ...r, seconds: undefined }])),
  }]));
  return { dataset: record.dataset, protocol: { ...record.protocol, totalSeconds: undefined }, seeds: record.seeds, backend: record.execution.backend, models };
}

describe('voc-det with models side by side (--jobs)', () => {
  const root = mkdtempSync(join(tmpdir(), 'mgta-voc-det-lanes-'));
  afterEach(() => vi.unstubAllEnvs());
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the record a one-by-one run gives, to the bit, apart from timings, and records the jobs', async () => {
    await makeFashionVoc({ out: join(root, 'data'), presetName: 'lanes-test', data: TINY, seed: 5 });
    const models = ['model-a', 'model-b'].map((name) => join(root, name));
    for (const [seed, dir] of models.entries()) {
      await saveCheckpoint(dir, initialWeights({ name: 'resnet50', decoder: false, width: 1 / 8 }, seed), { createdBy: 'voc-det-lanes.test', seed });
    }
    const preset = tinyPresetFile(root);
    const run = async (jobs: number) => {
      // Each run with its own cache: the second must train its heads, not read the first's.
      vi.stubEnv('MGTA_CACHE_DIR', join(root, `cache-${jobs}`));
      const { file } = await runVocDet({
        preset, devkit: join(root, 'data', 'VOCdevkit'), models: [], extraModels: models, modelsDir: root, device: 'cpu', threads: 2, jobs,
        out: join(root, `record-${jobs}.json`), log: () => {},
      });
      return JSON.parse(readFileSync(file, 'utf8')) as VocDetRecord; // as written: a diverged loss is null there
    };
    const oneByOne = await run(1);
    const sideBySide = await run(2);
    expect(Object.keys(sideBySide.models)).toEqual(['model-a', 'model-b']);
    expect(sideBySide.models['model-a']!.result['07']!.status).toBe('ok');
    expect(numbersOf(sideBySide)).toEqual(numbersOf(oneByOne));
    expect(oneByOne.execution).toMatchObject({ threads: 2 });
    expect(oneByOne.execution.jobs).toBeUndefined();
    expect(sideBySide.execution).toMatchObject({ jobs: 2, threads: 1, executionProvider: 'cpu' });
  }, 300_000);
});
