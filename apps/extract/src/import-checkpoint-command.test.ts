import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCheckpointManifest } from '@mgta/resnet';
import { extractFeatures } from '@mgta/features';
import { runImportCheckpoint } from './import-checkpoint-command.ts';

const FIXTURES = fileURLToPath(new URL('../../../libs/checkpoint-import/src/fixtures', import.meta.url));
const MOCO = join(FIXTURES, 'moco-v2.pth.tar');
const DETECTRON = join(FIXTURES, 'detectron-r50.pkl');

let root: string;
let previousCache: string | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'import-checkpoint-'));
  previousCache = process.env.MGTA_CACHE_DIR;
  process.env.MGTA_CACHE_DIR = join(root, 'cache');
});
afterEach(() => {
  if (previousCache === undefined) delete process.env.MGTA_CACHE_DIR;
  else process.env.MGTA_CACHE_DIR = previousCache;
});

/** A two-image VOC2007 test split of flat-colour JPEGs. */
async function tinyDevkit(): Promise<string> {
  const year = join(root, 'VOCdevkit', 'VOC2007');
  mkdirSync(join(year, 'JPEGImages'), { recursive: true });
  mkdirSync(join(year, 'ImageSets', 'Main'), { recursive: true });
  const ids = ['000001', '000002'];
  for (const [i, id] of ids.entries()) {
    const pixels = Buffer.alloc(96 * 64 * 3);
    for (let p = 0; p < pixels.length; p++) pixels[p] = (p * (7 + i * 5)) % 251;
    await sharp(pixels, { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 95 }).toFile(join(year, 'JPEGImages', `${id}.jpg`));
  }
  writeFileSync(join(year, 'ImageSets', 'Main', 'test.txt'), `${ids.join('\n')}\n`);
  return join(root, 'VOCdevkit');
}

describe('mgta import-checkpoint', () => {
  it('writes a checkpoint from a MoCo v2 file and says what it kept and dropped', async () => {
    const lines: string[] = [];
    await runImportCheckpoint({ from: MOCO, out: join(root, 'moco'), pixelNormalization: 'auto' }, (line) => lines.push(line));
    const manifest = readCheckpointManifest(join(root, 'moco'));
    expect(manifest.architecture).toEqual({ name: 'resnet50', decoder: false, width: 1 / 32 });
    expect(manifest.training).toMatchObject({ sourceFormat: 'torch-zip', prefix: 'state_dict.module.encoder_q.', importerVersion: 1 });
    expect(lines[0]).toMatch(/MoCo v1\/v2 query encoder/);
    expect(lines[2]).toContain('state_dict.module.encoder_k.* (322)');
    expect(lines[2]).toContain('state_dict.module.queue (1)');
  });

  it('marks a Detectron file as ResNet v1 with Detectron\'s pixels, and both can be overridden', async () => {
    await runImportCheckpoint({ from: DETECTRON, out: join(root, 'd'), pixelNormalization: 'auto' }, () => {});
    const auto = readCheckpointManifest(join(root, 'd'));
    expect(auto.architecture.stride1x1).toBe(true);
    expect(auto.pixelNormalization).toMatchObject({ channelOrder: 'BGR', scale: 1 });
    await runImportCheckpoint({ from: DETECTRON, out: join(root, 'd2'), pixelNormalization: 'torchvision', resnetVariant: 'v1.5' }, () => {});
    const forced = readCheckpointManifest(join(root, 'd2'));
    expect(forced.architecture.stride1x1).toBeUndefined();
    expect(forced.pixelNormalization).toMatchObject({ channelOrder: 'RGB' });
  });

  it('refuses unknown option values by name', async () => {
    await expect(runImportCheckpoint({ from: MOCO, out: join(root, 'x'), pixelNormalization: 'caffe' }, () => {}))
      .rejects.toThrow('--pixel-normalization: unknown value "caffe" (expected auto, torchvision, detectron)');
    await expect(runImportCheckpoint({ from: MOCO, out: join(root, 'x'), pixelNormalization: 'auto', resnetVariant: 'v2' }, () => {}))
      .rejects.toThrow(/--resnet-variant: unknown value "v2"/);
  });

  it('extract --model takes the .pth.tar directly: imported once, cached, the same features as the imported folder', { timeout: 120_000 }, async () => {
    const devkit = await tinyDevkit();
    const common = { devkit, year: '2007', split: 'test', layer: 'res4' as const, batchSize: 2, device: 'cpu' as const, threads: 1 };
    const direct = await extractFeatures({ ...common, model: MOCO, out: join(root, 'direct.npy') });
    await runImportCheckpoint({ from: MOCO, out: join(root, 'moco'), pixelNormalization: 'auto' }, () => {});
    const viaFolder = await extractFeatures({ ...common, model: join(root, 'moco'), out: join(root, 'folder.npy') });
    expect(direct.meta.dimension).toBe(1024 / 32 * 9);
    expect(readFileSync(join(root, 'direct.npy')).equals(readFileSync(join(root, 'folder.npy')))).toBe(true);
    expect(viaFolder.fromCache).toBe(true); // same weights sha256: the feature cache entry is shared
    expect(direct.meta.model.path).toContain('moco-v2.pth.tar');
  });
});
