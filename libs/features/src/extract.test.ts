import { describe, expect, it, beforeAll } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { ContentCache, Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { classificationTransform, decodeImage, TORCHVISION_NORMALIZATION } from '@mgta/imaging';
import { initialWeights, ResNet50, saveCheckpoint } from '@mgta/resnet';
import { writeVocYear, type VocAnnotation } from '@mgta/voc';
import { extractFeatures, FEATURE_POOLING_OP, FEATURE_TRANSFORM } from './extract.ts';
import { readNpy, writeNpy } from './npy.ts';

const IDS = ['img1', 'img2', 'img3'];

async function makeDevkit(): Promise<string> {
  const devkit = mkdtempSync(join(tmpdir(), 'mgta-extract-'));
  const yearDir = join(devkit, 'VOC2007');
  mkdirSync(join(yearDir, 'JPEGImages'), { recursive: true });
  const random = new Random(5);
  const annotations: VocAnnotation[] = [];
  for (const [i, id] of IDS.entries()) {
    const width = 50 + 10 * i;
    const height = 40 + 7 * i;
    const pixels = Buffer.alloc(width * height * 3);
    for (let p = 0; p < pixels.length; p++) pixels[p] = random.int(256);
    await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(yearDir, 'JPEGImages', `${id}.jpg`));
    annotations.push({
      id, filename: `${id}.jpg`, size: { width, height, depth: 3 },
      objects: [{ name: 'a', bbox: { xmin: 1, ymin: 1, xmax: 10, ymax: 10 }, difficult: false, truncated: false, pose: 'Unspecified' }],
    });
  }
  writeVocYear(yearDir, { classes: ['a'], annotations, splits: { test: IDS } });
  return devkit;
}

async function makeCheckpoint(): Promise<{ dir: string; model: ResNet50 }> {
  const dir = mkdtempSync(join(tmpdir(), 'mgta-ckpt-'));
  // Random BN statistics so that folding BN into the convs is really exercised.
  const base = initialWeights({ name: 'resnet50', decoder: false }, 3);
  const random = new Random(9);
  for (const [name, tensor] of base) {
    if (name.endsWith('running_mean')) tensor.data.forEach((_, i) => { tensor.data[i] = 0.1 * random.normal(); });
    if (name.endsWith('running_var')) tensor.data.forEach((_, i) => { tensor.data[i] = 0.5 + random.next(); });
  }
  await saveCheckpoint(dir, base, { createdBy: 'extract.test' });
  return { dir, model: ResNet50.fromNamedWeights(base) };
}

/** res4 through the tfjs model, then tfjs average pooling 8/3 and an NCHW flatten. */
async function referenceFeatures(model: ResNet50, devkit: string): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (const id of IDS) {
    const image = classificationTransform(await decodeImage(join(devkit, 'VOC2007', 'JPEGImages', `${id}.jpg`)));
    const row = tf.tidy(() => {
      const pixels = tf.tensor4d(image.data, [1, 224, 224, 3], 'float32');
      const { mean, std, scale } = TORCHVISION_NORMALIZATION;
      const input = tf.div(tf.sub(tf.mul(pixels, scale), tf.tensor1d([...mean])), tf.tensor1d([...std])) as tf.Tensor4D;
      const res4 = model.forward(input, { outputs: ['res4'] }).res4 as tf.Tensor4D;
      return tf.transpose(tf.avgPool(res4, 8, 3, 'valid'), [0, 3, 1, 2]).flatten();
    });
    rows.push(row.dataSync() as Float32Array);
    row.dispose();
  }
  return rows;
}

describe('extractFeatures', () => {
  let devkit: string;
  let checkpoint: { dir: string; model: ResNet50 };
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', log: false });
    devkit = await makeDevkit();
    checkpoint = await makeCheckpoint();
  });

  it('gives the tfjs model\'s pooled res4 features, in split order, and caches them by content', async () => {
    const cache = new ContentCache('features', mkdtempSync(join(tmpdir(), 'mgta-cache-')));
    const out = join(mkdtempSync(join(tmpdir(), 'mgta-out-')), 'test.npy');
    const first = await extractFeatures({ model: checkpoint.dir, devkit, year: '2007', split: 'test', layer: 'res4', out, cache, batchSize: 2, chunkImages: 2, device: 'cpu' });
    expect(first.fromCache).toBe(false);
    // Where the time went: every image through ORT, the parts within the whole.
    const timing = first.timing!;
    expect(timing.images).toBe(3);
    expect(timing.seconds).toBe(first.meta.seconds);
    expect(timing.ortSeconds).toBeGreaterThan(0);
    expect(timing.resizeSeconds).toBeGreaterThan(0);
    expect(timing.ortSeconds + timing.inputWaitSeconds).toBeLessThanOrEqual(timing.seconds);
    const features = readNpy(out);
    expect([features.rows, features.cols]).toEqual([3, 9216]);
    const meta = JSON.parse(readFileSync(out.replace(/\.npy$/, '.json'), 'utf8'));
    expect(meta.ids).toEqual(IDS);
    const reference = await referenceFeatures(checkpoint.model, devkit);
    for (let r = 0; r < 3; r++) {
      const got = features.data.subarray(r * 9216, (r + 1) * 9216);
      let diff = 0, norm = 0;
      for (let i = 0; i < 9216; i++) { diff += (got[i] - reference[r][i]) ** 2; norm += reference[r][i] ** 2; }
      expect(Math.sqrt(diff / norm)).toBeLessThan(1e-4);
    }

    // Paths outside the repository are recorded by name only: no machine's folders in records.
    expect(meta.model.path).toBe(basename(checkpoint.dir));
    expect(meta.data.devkit).toBe(basename(devkit));
    expect(meta.cache).toEqual({ hit: false, entry: expect.stringMatching(/^features\/[0-9a-f]{32}$/) });

    // A cache hit from another copy of the data: the sidecar describes this run, not the first.
    const copy = join(mkdtempSync(join(tmpdir(), 'mgta-copy-')), 'VOCcopy');
    cpSync(devkit, copy, { recursive: true });
    const againOut = join(mkdtempSync(join(tmpdir(), 'mgta-out-')), 'again.npy');
    const again = await extractFeatures({ model: checkpoint.dir, devkit: copy, year: '2007', split: 'test', layer: 'res4', out: againOut, cache, device: 'cpu' });
    expect(again.fromCache).toBe(true);
    expect(again.timing).toBeUndefined();
    const againMeta = JSON.parse(readFileSync(againOut.replace(/\.npy$/, '.json'), 'utf8'));
    expect(againMeta.data).toMatchObject({ devkit: 'VOCcopy', sha256: meta.data.sha256 });
    expect(againMeta.cache).toEqual({ hit: true, entry: meta.cache.entry });
    expect(againMeta.seconds).toBeLessThan(meta.seconds); // this run's time, not the extraction's
    expect(again.meta).toEqual(againMeta);

    // A changed image is another data set: a new entry, never the old features.
    const path = join(devkit, 'VOC2007', 'JPEGImages', 'img2.jpg');
    const original = readFileSync(path);
    await sharp({ create: { width: 60, height: 47, channels: 3, background: { r: 200, g: 10, b: 10 } } }).jpeg().toFile(path + '.new.jpg');
    writeFileSync(path, readFileSync(path + '.new.jpg'));
    const changed = await extractFeatures({ model: checkpoint.dir, devkit, year: '2007', split: 'test', layer: 'res4', cache, device: 'cpu' });
    expect(changed.fromCache).toBe(false);
    expect(changed.meta.data.sha256).not.toBe(first.meta.data.sha256);
    writeFileSync(path, original);
  }, 120_000);

  it('refuses an empty split before loading the model, naming the split file', async () => {
    const emptyDevkit = mkdtempSync(join(tmpdir(), 'mgta-empty-'));
    const main = join(emptyDevkit, 'VOC2007', 'ImageSets', 'Main');
    mkdirSync(main, { recursive: true });
    writeFileSync(join(main, 'test.txt'), '');
    await expect(extractFeatures({ model: join(emptyDevkit, 'no-model'), devkit: emptyDevkit, year: '2007', split: 'test', layer: 'res4' }))
      .rejects.toThrow(`${join(main, 'test.txt')}: split "test" lists no images: there is nothing to extract`);
  });

  it('resumes from the chunks a killed run left behind', async () => {
    const cache = new ContentCache('features', mkdtempSync(join(tmpdir(), 'mgta-cache-')));
    const options = { model: checkpoint.dir, devkit, year: '2007', split: 'test', layer: 'res4' as const, cache, batchSize: 2, chunkImages: 2, device: 'cpu' as const };
    // Work a killed run would have saved: its first chunk (2 images), with recognisable values.
    const keyProbe = await extractFeatures({ ...options, cache: new ContentCache('features', mkdtempSync(join(tmpdir(), 'mgta-probe-'))) });
    const workDir = cache.workDirOf({
      model: keyProbe.meta.model.sha256, data: keyProbe.meta.data.sha256, layer: 'res4', pooling: { kernel: 8, stride: 3, padding: 0 },
      inputSize: 224, normalization: keyProbe.meta.model.normalization, transform: FEATURE_TRANSFORM, pooledBy: FEATURE_POOLING_OP,
    });
    writeNpy(join(workDir, 'chunk2-000000.npy'), { dtype: 'float32', rows: 2, cols: 9216, data: new Float32Array(2 * 9216).fill(7) });
    const resumed = await extractFeatures(options);
    const features = readNpy(resumed.npyPath);
    expect(features.data[0]).toBe(7);
    expect(features.data[2 * 9216 - 1]).toBe(7);
    expect(Array.from(features.data.subarray(2 * 9216))).toEqual(Array.from(readNpy(keyProbe.npyPath).data.subarray(2 * 9216)));
  }, 120_000);
});
