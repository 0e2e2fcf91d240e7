import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createSession, exportEncoderOnnx, randomResnet50Weights } from '@mgta/onnx';
import { pixelNormalizationDefault } from '@mgta/resnet';
import { bodyFeatures, checkFreeDisk, estimateBodyBytes } from './body-cache.ts';
import { float16ToFloat32Array, float32ToFloat16Array } from './float16.ts';

describe('float16 storage of body maps', () => {
  it('round-trips within half precision and keeps 0, inf and signs', () => {
    const values = Float32Array.from([0, -0, 1, -2.5, 65504, 1e-8, 3.14159, 1000.7, Infinity, 6.1e-5]);
    const back = float16ToFloat32Array(float32ToFloat16Array(values));
    for (let i = 0; i < values.length; i++) {
      if (values[i] === Infinity) expect(back[i]).toBe(Infinity);
      else expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11 + 6e-8);
    }
  });
});

describe('free-disk check', () => {
  it('estimates the paper-sized cache and refuses clearly when it does not fit', () => {
    // VOC07+12 trainval with flips at scale 600 / max 1000: tens of GB per model.
    const bytes = estimateBodyBytes(Array.from({ length: 2 * 16551 }, () => ({ width: 500, height: 375 })), { scale: 600, maxSize: 1000 });
    expect(bytes).toBeGreaterThan(30e9);
    expect(() => checkFreeDisk('/tmp', 1e18)).toThrow(/needs about .* GiB .*--no-cache/);
    expect(() => checkFreeDisk('/tmp', 1)).not.toThrow();
    const sizes = [{ width: 500, height: 375 }];
    expect(estimateBodyBytes(sizes, { scale: 600, maxSize: 1000 }, 256)).toBe(estimateBodyBytes(sizes, { scale: 600, maxSize: 1000 }) / 4);
  });
});

describe('body maps of a ResNet-50 at width 1/8', () => {
  it('keep the body\'s 128 res4 channels, computed and read back from the cache', { timeout: 60_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-body-width-'));
    const { session } = await createSession(exportEncoderOnnx(randomResnet50Weights(3, 'res4', 0.125), { layer: 'res4' }), { device: 'cpu', threads: 1, log: () => undefined });
    try {
      const path = join(root, 'a.png');
      await sharp(Buffer.alloc(40 * 30 * 3, 128), { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(path);
      const images = [{ id: 'a', path, flipped: false }, { id: 'a', path, flipped: true }];
      const options = { body: { session, normalization: { ...pixelNormalizationDefault }, channels: 128 }, geometry: { scale: 64, maxSize: 96 }, modelSha256: 'quarter', cacheRoot: join(root, 'cache') };
      // In memory, then computed into the cache, then read back from it.
      for (const [cache, fromCache] of [[false, false], [true, false], [true, true]]) {
        const { set, cached } = await bodyFeatures(images, { ...options, cache });
        expect(cached).toBe(fromCache);
        expect(set.channels).toBe(128);
        const map = set.featureMap(1);
        expect(map.data.length).toBe(map.height * map.width * 128);
      }
    } finally {
      await session.release();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
