import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelNormalizationDefault } from '@mgta/resnet';
import { bodyFeatures, checkBodyMapFitsFloat16 } from './body-cache.ts';

/** A stand-in res4 session: 4 channels at stride 16, every value `value` (image `hot`: one value `hotValue`). */
function fakeBody(value: number, hot?: { id: string; value: number }) {
  let call = 0;
  const ids: string[] = [];
  const session = {
    run: async (feeds: Record<string, ort.Tensor>) => {
      const [, , h, w] = feeds.image.dims as number[];
      const dims = [1, 4, Math.ceil(h / 16), Math.ceil(w / 16)];
      const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value);
      if (hot && ids[call] === hot.id) data[3] = hot.value;
      call++;
      return { res4: { dims, data } };
    },
  } as unknown as ort.InferenceSession;
  return { session, ids };
}

describe('body maps float16 cannot hold are refused', () => {
  let root: string;
  let images: Array<{ id: string; path: string; flipped: boolean }>;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mgta-body-overflow-'));
    images = [];
    for (const id of ['a', 'b']) {
      const path = join(root, `${id}.png`);
      await sharp(Buffer.alloc(40 * 30 * 3, 100), { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(path);
      images.push({ id, path, flipped: false });
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the check names the model and the image and says float16 overflows (also in memory, so --no-cache does not help)', () => {
    expect(() => checkBodyMapFitsFloat16(Float32Array.from([1, 65504, 0]), 'models/ci/iae', images[0])).not.toThrow();
    expect(() => checkBodyMapFitsFloat16(Float32Array.from([1, 70000, 0]), 'models/ci/iae', { ...images[1], flipped: true }))
      .toThrow(/^models\/ci\/iae: the body's res4 features of image b \(flipped\) overflow float16 \(max \|value\| 7\.000e\+4 > 65504, 1 values\).*--no-cache does not change that/);
    expect(() => checkBodyMapFitsFloat16(Float32Array.from([1, NaN]), 'm', images[0])).toThrow("m: the body's res4 features of image a are not finite (1 NaN/Inf values");
  });

  it('bodyFeatures refuses before storing, in memory and for the cache', async () => {
    for (const cache of [false, true]) {
      const body = fakeBody(1, { id: 'b', value: 1e5 });
      body.ids.push('a', 'b');
      await expect(bodyFeatures(images, { body: { session: body.session, normalization: { ...pixelNormalizationDefault } }, geometry: { scale: 32, maxSize: 64 }, modelSha256: 'abc', model: 'iae', cache, cacheRoot: join(root, 'cache') }))
        .rejects.toThrow('iae: the body\'s res4 features of image b overflow float16');
    }
  });

  it('a cached set that already holds Inf (written before the check) is refused when read back', async () => {
    const body = fakeBody(2);
    const options = { body: { session: body.session, normalization: { ...pixelNormalizationDefault } }, geometry: { scale: 32, maxSize: 64 }, modelSha256: 'def', model: 'sup', cacheRoot: join(root, 'cache2') };
    const first = await bodyFeatures(images, options);
    expect(first.cached).toBe(false);
    // Plant an Inf (0x7c00) in the second image's map, as an old cache of an overflowing model holds.
    const file = findFile(options.cacheRoot, 'maps.f16');
    const halves = new Uint16Array(first.set.data);
    halves[first.set.maps[1].offset + 2] = 0x7c00;
    writeFileSync(file, new Uint8Array(halves.buffer));
    await expect(bodyFeatures(images, options)).rejects.toThrow(/cached body maps of sup hold Inf\/NaN \(first in image b\).*delete this cache entry/);
  });
});

function findFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === name) return path;
    if (statSync(path).isDirectory()) {
      try { return findFile(path, name); } catch { /* not here */ }
    }
  }
  throw new Error(`no ${name} under ${dir}`);
}
