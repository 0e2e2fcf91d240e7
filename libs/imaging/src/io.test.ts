import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { streamBatches } from './batches.ts';
import { decodeImage } from './decode.ts';
import { TORCHVISION_NORMALIZATION, type Normalization } from './normalize.ts';

const IDENTITY: Normalization = { channelOrder: 'RGB', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

async function png(path: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
}

describe('decodeImage', () => {
  it('decodes PNG to exact RGB and grey to three equal channels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imaging-'));
    await png(join(dir, 'a.png'), 3, 2, [10, 200, 30]);
    const image = await decodeImage(join(dir, 'a.png'));
    expect([image.width, image.height, image.channels]).toEqual([3, 2, 3]);
    expect([...image.data.subarray(0, 6)]).toEqual([10, 200, 30, 10, 200, 30]);
    const greyPng = await sharp(Buffer.from([7, 99]), { raw: { width: 2, height: 1, channels: 1 } }).png().toBuffer();
    const greyImage = await decodeImage(greyPng);
    expect([...greyImage.data]).toEqual([7, 7, 7, 99, 99, 99]);
  });

  it('names the file it cannot decode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imaging-'));
    writeFileSync(join(dir, 'bad.jpg'), 'not a jpeg');
    await expect(decodeImage(join(dir, 'bad.jpg'))).rejects.toThrow(/bad\.jpg: cannot be decoded as an image/);
  });
});

describe('streamBatches', () => {
  it('yields batches in order, zero-padding smaller images bottom-right', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imaging-'));
    const colours: Array<[number, number, number]> = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [13, 14, 15]];
    const sizes = [[2, 2], [3, 1], [2, 2], [2, 2], [1, 1]];
    const paths: string[] = [];
    for (let i = 0; i < 5; i++) {
      paths.push(join(dir, `img${i}.png`));
      await png(paths[i], sizes[i][0], sizes[i][1], colours[i]);
    }
    const batches = [];
    for await (const batch of streamBatches(paths, { batchSize: 2, transform: (x) => x, normalization: IDENTITY, concurrency: 3 })) {
      batches.push(batch);
    }
    expect(batches.map((b) => b.ids)).toEqual([['img0', 'img1'], ['img2', 'img3'], ['img4']]);
    expect(batches.map((b) => b.shape)).toEqual([[2, 3, 2, 3], [2, 3, 2, 2], [1, 3, 1, 1]]);
    // First batch: image 0 is 2x2 padded to 3 wide; its R plane is rows [1, 1, 0], [1, 1, 0].
    expect([...batches[0].tensor.subarray(0, 6)]).toEqual([1, 1, 0, 1, 1, 0]);
    // Image 1 (3x1) G plane: row [5, 5, 5], then padding row [0, 0, 0].
    expect([...batches[0].tensor.subarray(18 + 6, 18 + 12)]).toEqual([5, 5, 5, 0, 0, 0]);
    expect(batches[0].sizes).toEqual([{ width: 2, height: 2 }, { width: 3, height: 1 }]);
    expect([...batches[2].tensor]).toEqual([13, 14, 15]);
  });

  it('applies the transform and the normalisation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imaging-'));
    await png(join(dir, 'x.png'), 4, 4, [255, 255, 255]);
    const batches = [];
    for await (const b of streamBatches([{ id: 'x1', path: join(dir, 'x.png') }], {
      batchSize: 8,
      transform: (image) => ({ ...image, width: 1, height: 1, data: image.data.subarray(0, 3) }),
      normalization: TORCHVISION_NORMALIZATION,
    })) batches.push(b);
    const [batch] = batches;
    expect(batch.ids).toEqual(['x1']);
    expect(batch.shape).toEqual([1, 3, 1, 1]);
    expect(batch.tensor[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
  });

  it('reports a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imaging-'));
    writeFileSync(join(dir, 'bad.png'), 'x');
    const run = async () => { for await (const _ of streamBatches([join(dir, 'bad.png')], { batchSize: 1, transform: (x) => x, normalization: IDENTITY })) void _; };
    await expect(run()).rejects.toThrow(/bad\.png/);
  });
});
