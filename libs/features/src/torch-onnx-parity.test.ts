import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ContentCache } from '@mgta/core';
import { importResnetOnnx } from '@mgta/onnx';
import { extractFeatures } from './extract.ts';
import { readNpy } from './npy.ts';

/**
 * A ResNet-50 at width 1/4 with torchvision's module names, built, BN-calibrated and exported to
 * ONNX by PyTorch 1.13 (default opset 14, BN folded, dynamic batch) up to res4, and PyTorch's
 * Goyal res4 features of two 224x224 JPEGs (so that the resize is the identity and the inputs
 * are the same pixels). Written once, outside the project, by
 * benchmarks/reference/onnx-width-parity.py (`fixture`); no Python is needed here.
 */
const FIXTURE = fileURLToPath(new URL('./fixtures/torch-resnet50-w0.25', import.meta.url));
const ONNX = join(FIXTURE, 'resnet50-w0.25-res4.onnx');

describe('an ONNX file exported by PyTorch at width 1/4', () => {
  it('is read as width 1/4 and its res4 features from extract are PyTorch\'s', { timeout: 120_000 }, async () => {
    const reference = JSON.parse(readFileSync(join(FIXTURE, 'torch-res4.json'), 'utf8')) as { ids: string[]; dims: [number, number] };
    const expected = readNpy(join(FIXTURE, 'torch-res4.npy'));
    expect([expected.rows, expected.cols]).toEqual(reference.dims);

    const imported = importResnetOnnx(new Uint8Array(readFileSync(ONNX)), ONNX);
    expect(imported.width).toBe(0.25);
    expect(imported.deepestLayer).toBe('res4');

    const root = mkdtempSync(join(tmpdir(), 'mgta-torch-parity-'));
    try {
      const yearDir = join(root, 'VOCdevkit', 'VOC2007');
      mkdirSync(join(yearDir, 'JPEGImages'), { recursive: true });
      mkdirSync(join(yearDir, 'ImageSets', 'Main'), { recursive: true });
      for (const id of reference.ids) copyFileSync(join(FIXTURE, `${id}.jpg`), join(yearDir, 'JPEGImages', `${id}.jpg`));
      writeFileSync(join(yearDir, 'ImageSets', 'Main', 'test.txt'), `${reference.ids.join('\n')}\n`);

      const result = await extractFeatures({
        model: ONNX, devkit: join(root, 'VOCdevkit'), year: '2007', split: 'test', layer: 'res4',
        cache: new ContentCache('features', join(root, 'cache')), device: 'cpu', batchSize: 2,
      });
      expect(result.meta.dimension).toBe(2304);
      expect(result.meta.model.width).toBe(0.25);
      expect(result.meta.ids).toEqual(reference.ids);
      const ours = readNpy(result.npyPath);
      expect([ours.rows, ours.cols]).toEqual(reference.dims);

      // float32 round-off through 40 convs: measured 1.1e-6 of the largest feature (PyTorch's own
      // float32 is as far from its float64). Inputs a grey level apart (PIL's resize against
      // mgta's) move the features by up to 4e-3 of it, so this sees any preprocessing change.
      let maxAbs = 0;
      let maxDiff = 0;
      for (let i = 0; i < expected.data.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(expected.data[i]));
        maxDiff = Math.max(maxDiff, Math.abs(ours.data[i] - expected.data[i]));
      }
      expect(maxAbs).toBeGreaterThan(1);
      expect(maxDiff).toBeLessThanOrEqual(1e-5 * maxAbs);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
