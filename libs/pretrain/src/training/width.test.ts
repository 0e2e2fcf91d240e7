// The preset's `width` reaches every model pretraining creates: IAE, MGTA (whose clustering
// features are 2048·width wide) and supervised. Width 1/8 keeps these runs to seconds.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { InputError, Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { ResNet50 } from '@mgta/resnet';
import { extractFeatures } from './features.ts';
import { ImageLoader } from './image-loader.ts';
import { listImageSet } from './image-set.ts';
import { parsePretrainPreset } from './pretrain-preset.ts';
import { runPretrain, type PretrainRequest } from './run-pretrain.ts';

const section = {
  comment: 'test', seed: 3, images: null, inputSize: 16, batchSize: 4, learningRate: 0.001, decoderFrom: 'res4',
  checkpointEverySteps: 100, featureBatchSize: 8, iae: { epochs: 1 }, supervised: { epochs: 1 },
  mgta: { T: 1, E: 1, P: 2, K: 2, k: [2, 3], kCandidates: [2, 3], clusterFeature: 'res5', kmeansRestarts: 2, kmeansMaxIterations: 20 },
};
const eighth = parsePretrainPreset({ ...section, width: 0.125 }, 'test');

let root: string;
let images: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 2, log: false });
  root = mkdtempSync(join(tmpdir(), 'mgta-pretrain-width-'));
  images = join(root, 'images');
  const random = new Random(2);
  for (const [c, name] of ['coat', 'shoe'].entries()) {
    mkdirSync(join(images, name), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const pixels = Buffer.from(Array.from({ length: 16 * 16 * 3 }, () => (c * 120 + random.int(100)) % 256));
      await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(join(images, name, `${i}.png`));
    }
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const request = (model: PretrainRequest['model'], out: string, extra: Partial<PretrainRequest> = {}): PretrainRequest => ({
  model, presetName: 'eighth', preset: eighth, images, out: join(root, out), seed: eighth.seed, ...extra,
});
const architectureOf = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'manifest.json'), 'utf8')).architecture;

describe('pretrain preset width', () => {
  it('is optional (absent: not in the parsed section, width 1), checked when given', () => {
    expect('width' in parsePretrainPreset(section, 'test')).toBe(false);
    expect(eighth.width).toBe(0.125);
    expect(() => parsePretrainPreset({ ...section, width: 0.3 }, 'p.json')).toThrow(InputError);
    expect(() => parsePretrainPreset({ ...section, width: 0.3 }, 'p.json')).toThrow(/p\.json: pretrain\.width: the width 0\.3 gives the stem 19\.2 channels/);
    expect(() => parsePretrainPreset({ ...section, width: 'half' }, 'p.json')).toThrow(/pretrain\.width: the width must be a positive number/);
  });
});

describe('pretraining at width 1/8', () => {
  it('clusters 2048·width features of res5 (1024·width of res4)', async () => {
    const set = listImageSet(images);
    const loader = new ImageLoader(set, 16);
    const model = ResNet50.random({ name: 'resnet50', decoder: false, width: 0.125 }, 1);
    try {
      expect((await extractFeatures(model, loader, [0, 1, 2], 'res5', 2)).d).toBe(256);
      const res4 = await extractFeatures(model, loader, [0, 1, 2], 'res4', 2);
      expect([res4.n, res4.d, res4.x.length]).toEqual([3, 128, 3 * 128]);
    } finally {
      model.dispose();
    }
  });

  it('IAE, MGTA and supervised checkpoints all have the preset\'s width', async () => {
    expect((await runPretrain(request('iae', 'iae'))).status).toBe('finished');
    expect(architectureOf('iae')).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.125 });
    expect((await runPretrain(request('mgta', 'mgta-k2', { k: 2, iaeDir: join(root, 'iae') }))).status).toBe('finished');
    expect(architectureOf('mgta-k2')).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.125 });
    expect((await runPretrain(request('supervised', 'supervised'))).status).toBe('finished');
    expect(architectureOf('supervised')).toEqual({ name: 'resnet50', decoder: false, headClasses: 2, width: 0.125 });
    // MGTA refuses an IAE of another width than its preset's.
    const full = parsePretrainPreset(section, 'test');
    await expect(runPretrain(request('mgta', 'mgta-full', { k: 2, iaeDir: join(root, 'iae'), preset: full }))).rejects.toThrow(/net N1 has an unexpected architecture: resnet50 x1\/8, decoder from res4, expected resnet50, decoder from res4/);
  }, 300_000);
});
