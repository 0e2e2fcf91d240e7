import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { Random } from '@mgta/core';
import { FEATURE_LAYERS, pooledDimension } from '@mgta/features';
import { exportEncoderOnnx } from '@mgta/onnx';
import { initialWeights, saveCheckpoint } from '@mgta/resnet';
import { writeVocYear, type VocAnnotation } from '@mgta/voc';
import { runVoc07Cls } from './voc07-cls.ts';
import { voc07ClsSection } from './voc07-cls-preset.ts';
import { loadPreset } from '@mgta/presets';

const CLASSES = ['dark', 'light', 'mid'];
const WIDTH = 1 / 32;

/** 36 scenes, one object each, the class given by the brightness (some difficult). */
async function makeDevkit(): Promise<string> {
  const devkit = mkdtempSync(join(tmpdir(), 'mgta-sweep-'));
  const yearDir = join(devkit, 'VOC2007');
  mkdirSync(join(yearDir, 'JPEGImages'), { recursive: true });
  const random = new Random(5);
  const annotations: VocAnnotation[] = [];
  const splits: Record<string, string[]> = { trainval: [], test: [] };
  for (let i = 0; i < 36; i++) {
    const id = `im${String(i).padStart(3, '0')}`;
    const c = i % 3;
    const base = [40, 210, 125][c];
    const pixels = Buffer.alloc(40 * 40 * 3);
    for (let p = 0; p < pixels.length; p++) pixels[p] = Math.max(0, Math.min(255, base + random.int(40) - 20));
    await sharp(pixels, { raw: { width: 40, height: 40, channels: 3 } }).jpeg().toFile(join(yearDir, 'JPEGImages', `${id}.jpg`));
    annotations.push({
      id, filename: `${id}.jpg`, size: { width: 40, height: 40, depth: 3 },
      objects: [{ name: CLASSES[c], bbox: { xmin: 4, ymin: 4, xmax: 36, ymax: 36 }, difficult: i === 4, truncated: false, pose: 'Unspecified' }],
    });
    splits[i < 18 ? 'trainval' : 'test'].push(id);
  }
  writeVocYear(yearDir, { classes: CLASSES, annotations, splits });
  return devkit;
}

function writePreset(dir: string, voc07Cls: Record<string, unknown>): string {
  const path = join(dir, `tiny-${Object.keys(voc07Cls).join('-')}.json`);
  writeFileSync(path, JSON.stringify({
    name: 'tiny', description: 'test',
    data: { source: 'real', pretrain: { dataset: 'none', images: 1 } },
    voc07Cls: { models: ['random'], layer: 'res4', costs: '0.1,1,10', batchSize: 6, bootstrap: { resamples: 20, seed: 3 }, ...voc07Cls },
  }));
  return path;
}

describe('voc07-cls layer sweep and low-shot', () => {
  let devkit: string;
  let work: string;
  let onnxPath: string;
  beforeAll(async () => {
    devkit = await makeDevkit();
    work = mkdtempSync(join(tmpdir(), 'mgta-sweep-work-'));
    const weights = initialWeights({ name: 'resnet50', decoder: false, width: WIDTH }, 1);
    await saveCheckpoint(join(work, 'models', 'random'), weights, { createdBy: 'test', seed: 1 });
    // the same network as a user's ONNX file, cut at each layer by graph structure
    onnxPath = join(work, 'random-onnx.onnx');
    writeFileSync(onnxPath, exportEncoderOnnx(weights, { layer: 'res5' }));
  });

  it('gives one result per model and layer, at Goyal\'s pooled dimension, with a cache entry per layer', async () => {
    process.env.MGTA_CACHE_DIR = join(work, 'cache');
    const layers = [...FEATURE_LAYERS];
    const { record } = await runVoc07Cls({
      preset: writePreset(work, {}), devkit, dataName: 'sweep', modelsDir: join(work, 'models'), models: [onnxPath],
      resultsDir: join(work, 'results'), device: 'cpu', threads: 1, log: () => undefined, layers,
    });
    expect(Object.keys(record.models)).toEqual(['random', 'random-onnx.onnx']);
    for (const [id, entry] of Object.entries(record.models)) {
      expect(Object.keys(entry.layers!), id).toEqual(layers);
      for (const layer of layers) {
        expect(entry.layers![layer].features, `${id} ${layer}`).toMatchObject({ layer, dimension: pooledDimension(layer, WIDTH) });
      }
      expect(entry.result).toEqual(entry.layers!.res4); // what the tables and regress read: the preset's layer
    }
    // conv1 288, res2 288, res3 256, res4 288, res5 256 at width 1/32
    expect(layers.map((layer) => pooledDimension(layer, WIDTH))).toEqual([288, 288, 256, 288, 256]);
    // checkpoint and ONNX file cut at each layer compute the same features
    for (const layer of layers) {
      expect(record.models['random-onnx.onnx'].layers![layer].evaluation.map, layer).toBeCloseTo(record.models.random.layers![layer].evaluation.map!, 6);
    }
    const features = record.protocol.features as Record<string, unknown>;
    expect(features).toMatchObject({ layer: 'res4', layers, pooling: { kernel: 8, stride: 3, padding: 0, countIncludePad: true } });
    expect(features.poolingByLayer).toMatchObject({ conv1: { kernel: 10, stride: 10, padding: 4 }, res5: { kernel: 6, stride: 1, padding: 0 } });
    // 2 models x 5 layers x 2 splits, never sharing an entry (the model files differ: keyed by content)
    expect(readdirSync(join(work, 'cache', 'features')).filter((name) => !name.startsWith('.'))).toHaveLength(20);
    expect(record.protocol).not.toHaveProperty('lowShot');
  }, 300_000);

  it('runs the low-shot SVM per model when the preset asks, skipping a k the split cannot fill, and records the protocol', async () => {
    process.env.MGTA_CACHE_DIR = join(work, 'cache');
    const preset = writePreset(work, { lowShot: { kValues: [1, 2, 6], samples: 3, seed: 4 } });
    expect(voc07ClsSection(loadPreset(preset)).layers).toEqual(['res4']);
    const { record } = await runVoc07Cls({
      preset, devkit, dataName: 'lowshot', modelsDir: join(work, 'models'), resultsDir: join(work, 'results'), device: 'cpu', threads: 1, log: () => undefined,
    });
    const entry = record.models.random;
    expect(entry.layers).toBeUndefined(); // no sweep: the record keeps its old shape
    const lowShot = entry.result.lowShot!;
    expect(lowShot.byK.map((r) => r.k)).toEqual([1, 2]);
    // trainval: 6 images per class, one of "light" difficult-only → 5 positives; k 6 cannot be drawn
    expect(lowShot.skipped).toEqual([expect.objectContaining({ k: 6, className: 'light', pool: 'positives', available: 5, needed: 6 })]);
    for (const r of lowShot.byK) {
      expect(r.perSample).toHaveLength(3);
      expect(r.seeds).toEqual([4 + r.k, 1004 + r.k, 2004 + r.k]);
      expect([0.1, 1, 10]).toContain(r.cost);
      expect(r.min).toBeLessThanOrEqual(r.mean);
      expect(r.max).toBeGreaterThanOrEqual(r.mean);
    }
    expect(record.protocol).toMatchObject({ lowShot: { kValues: [1, 2, 6], samples: 3, seed: 4, costRule: expect.any(String), seedRule: expect.any(String) } });
    expect(record.seeds).toMatchObject({ lowShot: 4 });
  }, 300_000);

  it('refuses bad layers and low-shot fields in the preset, naming the field', () => {
    expect(() => voc07ClsSection(loadPreset(writePreset(work, { layers: ['res4', 'res6'] })))).toThrow(/voc07Cls\.layers: must be a non-empty list of distinct layers/);
    expect(() => voc07ClsSection(loadPreset(writePreset(work, { lowShot: { kValues: [0] } })))).toThrow(/voc07Cls\.lowShot\.kValues: must be a non-empty list of distinct positive integers/);
    expect(() => voc07ClsSection(loadPreset(writePreset(work, { lowShot: 'yes' })))).toThrow(/voc07Cls\.lowShot: must be true, false or/);
    expect(voc07ClsSection(loadPreset(writePreset(work, { lowShot: true }))).lowShot).toEqual({ kValues: [1, 2, 4, 8, 16, 32, 64, 96], samples: 5, seed: 0 });
  });
});
