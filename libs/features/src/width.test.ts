import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { ContentCache, Random } from '@mgta/core';
import { exportEncoderOnnx } from '@mgta/onnx';
import { initialWeights, saveCheckpoint } from '@mgta/resnet';
import { writeVocYear, type VocAnnotation } from '@mgta/voc';
import { extractFeatures } from './extract.ts';
import { loadFeatureModel } from './feature-model.ts';
import { FEATURE_LAYERS, pooledDimension } from './pooling.ts';

const IDS = ['a1', 'a2'];

async function makeDevkit(root: string): Promise<string> {
  const devkit = join(root, 'VOCdevkit');
  const yearDir = join(devkit, 'VOC2007');
  mkdirSync(join(yearDir, 'JPEGImages'), { recursive: true });
  const random = new Random(3);
  const annotations: VocAnnotation[] = [];
  for (const id of IDS) {
    const [width, height] = [48, 40];
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

describe('features of a ResNet-50 at width 1/4', () => {
  it('keeps the Goyal windows: pooled dims at 224 are w times the full-width ones (res4 9216 -> 2304)', () => {
    expect(FEATURE_LAYERS.map((layer) => pooledDimension(layer))).toEqual([9216, 9216, 8192, 9216, 8192]);
    expect(FEATURE_LAYERS.map((layer) => pooledDimension(layer, 0.25))).toEqual([2304, 2304, 2048, 2304, 2048]);
  });

  it('extracts 2304-dimensional res4 features at 224 from a width-1/4 checkpoint and its ONNX file', { timeout: 120_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-width-features-'));
    try {
      const devkit = await makeDevkit(root);
      const weights = initialWeights({ name: 'resnet50', decoder: false, width: 0.25 }, 4);
      const checkpoint = join(root, 'quarter');
      await saveCheckpoint(checkpoint, weights, { createdBy: 'width.test' });
      const cache = new ContentCache('features', join(root, 'cache'));
      const result = await extractFeatures({ model: checkpoint, devkit, year: '2007', split: 'test', layer: 'res4', cache, device: 'cpu', batchSize: 2 });
      expect(result.meta.dimension).toBe(2304);
      expect(result.meta.inputSize).toBe(224);
      expect(result.meta.model.width).toBe(0.25);

      const onnxPath = join(root, 'quarter.onnx');
      writeFileSync(onnxPath, exportEncoderOnnx(weights, { layer: 'res5' }));
      const fromOnnx = await loadFeatureModel(onnxPath, 'res4');
      expect(fromOnnx.width).toBe(0.25);
      expect((await loadFeatureModel(checkpoint, 'res4')).width).toBe(0.25);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
