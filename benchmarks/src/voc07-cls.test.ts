import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { InputError, Random } from '@mgta/core';
import { initialWeights, saveCheckpoint } from '@mgta/resnet';
import { writeVocYear, type VocAnnotation } from '@mgta/voc';
import { runVoc07Cls } from './voc07-cls.ts';

const CLASSES = ['dark', 'light'];

/** Images that are mostly dark or mostly light; each holds one object of that class (some difficult). */
async function makeDevkit(): Promise<string> {
  const devkit = mkdtempSync(join(tmpdir(), 'mgta-bench-'));
  const yearDir = join(devkit, 'VOC2007');
  mkdirSync(join(yearDir, 'JPEGImages'), { recursive: true });
  const random = new Random(11);
  const annotations: VocAnnotation[] = [];
  const splits: Record<string, string[]> = { trainval: [], test: [] };
  for (let i = 0; i < 24; i++) {
    const id = `im${String(i).padStart(3, '0')}`;
    const cls = CLASSES[i % 2];
    const base = cls === 'dark' ? 40 : 200;
    const pixels = Buffer.alloc(48 * 48 * 3);
    for (let p = 0; p < pixels.length; p++) pixels[p] = Math.max(0, Math.min(255, base + random.int(60) - 30));
    await sharp(pixels, { raw: { width: 48, height: 48, channels: 3 } }).jpeg().toFile(join(yearDir, 'JPEGImages', `${id}.jpg`));
    annotations.push({
      id, filename: `${id}.jpg`, size: { width: 48, height: 48, depth: 3 },
      objects: [{ name: cls, bbox: { xmin: 5, ymin: 5, xmax: 40, ymax: 40 }, difficult: i % 7 === 3, truncated: false, pose: 'Unspecified' }],
    });
    splits[i < 12 ? 'trainval' : 'test'].push(id);
  }
  writeVocYear(yearDir, { classes: CLASSES, annotations, splits });
  return devkit;
}

function writePreset(dir: string, models: string[]): string {
  const path = join(dir, 'tiny.json');
  writeFileSync(path, JSON.stringify({
    name: 'tiny', description: 'test',
    data: { source: 'real', pretrain: { dataset: 'none', images: 1 } },
    voc07Cls: { models, layer: 'res4', costs: 'vissl', batchSize: 4, bootstrap: { resamples: 50, seed: 3 } },
  }));
  return path;
}

describe('runVoc07Cls', () => {
  let devkit: string;
  let work: string;
  beforeAll(async () => {
    devkit = await makeDevkit();
    work = mkdtempSync(join(tmpdir(), 'mgta-bench-work-'));
    await saveCheckpoint(join(work, 'models', 'random'), initialWeights({ name: 'resnet50', decoder: false }, 1), { createdBy: 'test', seed: 1 });
  });

  it('records per-class test APs with the protocol, fingerprints and a bootstrap interval', async () => {
    process.env.MGTA_CACHE_DIR = join(work, 'cache');
    const { record, path } = await runVoc07Cls({
      preset: writePreset(work, ['random']), devkit, dataName: 'tiny-devkit', modelsDir: join(work, 'models'),
      resultsDir: join(work, 'results'), device: 'cpu', log: () => undefined,
    });
    expect(path).toBe(join(work, 'results', 'voc07-cls', 'tiny-tiny-devkit.json'));
    const result = record.models.random.result;
    expect(Object.keys(result.evaluation.classes)).toEqual(CLASSES);
    // Difficult-only test images are dropped: npos counts label-1 images only.
    expect(result.evaluation.classes.dark.npos + result.evaluation.classes.light.npos).toBe(12 - [15, 17, 22].filter((i) => i % 7 === 3).length);
    expect(result.features.dimension).toBe(9216);
    // The model folder is outside the repository: recorded by name, not as this machine's path.
    expect(record.models.random.model.name).toBe('random');
    expect(record.models.random.model.width).toBe(1); // the model's ResNet-50 width, recorded
    expect(record.protocol).toMatchObject({ splits: { train: 'trainval', test: 'test' } });
    expect((record.protocol as { svm: { costs: number[] } }).svm.costs).toEqual([0.01, 0.1, 1, 2, 5, 10, 15, 20, 50, 100, 1000]);
    expect(record.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.execution.machine.cores).toBeGreaterThan(0);
    const map = result.evaluation.map!;
    expect(map).toBeGreaterThan(0);
    expect(result.mapInterval!.low).toBeLessThanOrEqual(result.mapInterval!.high);
    expect(Object.values(result.svm).every((c) => [0.01, 0.1, 1, 2, 5, 10, 15, 20, 50, 100, 1000].includes(c.cost))).toBe(true);
  }, 300_000);

  it('refuses a preset model that has not been trained, naming the Nx target', async () => {
    await expect(runVoc07Cls({
      preset: writePreset(work, ['random', 'iae']), devkit, modelsDir: join(work, 'models'), resultsDir: join(work, 'results'), log: () => undefined,
    })).rejects.toThrow(/model "iae" of preset "tiny" has not been trained; build it with `npx mgta pretrain iae --preset tiny`/);
    await expect(runVoc07Cls({ preset: writePreset(work, ['random']), devkit: join(work, 'nope'), modelsDir: join(work, 'models'), log: () => undefined }))
      .rejects.toBeInstanceOf(InputError);
  });
});
