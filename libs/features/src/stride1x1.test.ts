/**
 * Features of a ResNet v1 (stride on the 1x1 conv, Detectron's STRIDE_1X1) checkpoint: computed
 * with the v1 export, cached apart from a v1.5 checkpoint of the same weights, recorded as v1.
 */
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
import { readNpy } from './npy.ts';

const IDS = ['a1', 'a2'];

async function makeDevkit(root: string): Promise<string> {
  const yearDir = join(root, 'VOCdevkit', 'VOC2007');
  mkdirSync(join(yearDir, 'JPEGImages'), { recursive: true });
  const random = new Random(5);
  const annotations: VocAnnotation[] = [];
  for (const id of IDS) {
    const [width, height] = [48, 40];
    await sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => random.int(256))), { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 }).toFile(join(yearDir, 'JPEGImages', `${id}.jpg`));
    annotations.push({
      id, filename: `${id}.jpg`, size: { width, height, depth: 3 },
      objects: [{ name: 'a', bbox: { xmin: 1, ymin: 1, xmax: 10, ymax: 10 }, difficult: false, truncated: false, pose: 'Unspecified' }],
    });
  }
  writeVocYear(yearDir, { classes: ['a'], annotations, splits: { test: IDS } });
  return join(root, 'VOCdevkit');
}

describe('features of a ResNet v1 checkpoint (width 1/32)', () => {
  it('use the v1 export, are cached apart from v1.5 of the same weights, and record stride1x1', { timeout: 120_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-v1-features-'));
    try {
      const devkit = await makeDevkit(root);
      const weights = initialWeights({ name: 'resnet50', decoder: false, width: 1 / 32 }, 6);
      const [v15Dir, v1Dir] = [join(root, 'v15'), join(root, 'v1')];
      await saveCheckpoint(v15Dir, weights, { createdBy: 'stride1x1.test' });
      await saveCheckpoint(v1Dir, weights, { createdBy: 'stride1x1.test', stride1x1: true });
      const cache = new ContentCache('features', join(root, 'cache'));
      const extract = (model: string) => extractFeatures({ model, devkit, year: '2007', split: 'test', layer: 'res4', cache, device: 'cpu', batchSize: 2 });

      const v15 = await extract(v15Dir);
      const v1 = await extract(v1Dir);
      expect([v15.fromCache, v1.fromCache]).toEqual([false, false]);
      expect(v1.meta.model.sha256).toBe(v15.meta.model.sha256); // the same weights
      expect(v1.meta.model.stride1x1).toBe(true);
      expect('stride1x1' in v15.meta.model).toBe(false);
      expect(v1.meta.cache.entry).not.toBe(v15.meta.cache.entry);
      const [a, b] = [readNpy(v1.npyPath).data, readNpy(v15.npyPath).data];
      expect(Array.from(a)).not.toEqual(Array.from(b));
      expect((await extract(v1Dir)).fromCache).toBe(true);

      // The same v1 model as an ONNX file: read as v1, and the same features.
      const onnxPath = join(root, 'v1.onnx');
      writeFileSync(onnxPath, exportEncoderOnnx(weights, { layer: 'res5', stride1x1: true }));
      expect((await loadFeatureModel(onnxPath, 'res4')).stride1x1).toBe(true);
      expect((await loadFeatureModel(v1Dir, 'res4')).stride1x1).toBe(true);
      expect((await loadFeatureModel(v15Dir, 'res4')).stride1x1).toBeUndefined();
      const fromOnnx = await extract(onnxPath);
      expect(fromOnnx.meta.model.stride1x1).toBe(true);
      const c = readNpy(fromOnnx.npyPath).data;
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - c[i]));
      expect(max).toBeLessThan(1e-4);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
