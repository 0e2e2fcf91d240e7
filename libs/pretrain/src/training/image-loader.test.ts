// The loader's augmentations against hand-computed pixel positions: a flip mirrors x, a shift
// moves the picture by whole pixels and fills the border by reflection (edge not repeated).
import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { TORCHVISION_NORMALIZATION } from '@mgta/imaging';
import { ImageLoader } from './image-loader.ts';
import { shiftsFor } from './seeded-epoch.ts';

const SIZE = 4;
/** A 4x4 image whose red channel is 10·y + x, so every pixel says where it came from. */
function coordinateImage(): Uint8Array {
  const px = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) px[(y * SIZE + x) * 3] = 10 * y + x;
  return px;
}

function loaderOf(image: Uint8Array): ImageLoader {
  const loader = new ImageLoader({ root: '/none', files: ['/none/0.png'], fingerprint: 'test' }, SIZE);
  loader.pixels = async () => image;
  return loader;
}

/** The red channel of a batch of one, de-normalised back to the 0-255 coordinate codes. */
async function redCodes(loader: ImageLoader, flip: boolean, shift?: [number, number]): Promise<number[][]> {
  const out = await loader.batch([0], [flip], shift ? [shift] : undefined);
  const { mean, std, scale } = TORCHVISION_NORMALIZATION;
  return Array.from({ length: SIZE }, (_, y) => Array.from({ length: SIZE }, (_, x) => Math.round((out[(y * SIZE + x) * 3] * std[0] + mean[0]) / scale) + 0));
}

describe('ImageLoader augmentations', () => {
  const loader = loaderOf(coordinateImage());

  it('no shift and no flip gives the image back', async () => {
    expect(await redCodes(loader, false)).toEqual([[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23], [30, 31, 32, 33]]);
  });

  it('a shift right by 1 and up by 2 reflects the uncovered border (numpy pad mode "reflect")', async () => {
    // Column x reads x - 1 (column 0 reads column 1); row y reads y + 2 (rows 2, 3 read rows 2, 1).
    expect(await redCodes(loader, false, [1, -2])).toEqual([[21, 20, 21, 22], [31, 30, 31, 32], [21, 20, 21, 22], [11, 10, 11, 12]]);
  });

  it('a flip mirrors first, then the shift moves the mirrored picture', async () => {
    // Mirrored rows read 3, 2, 1, 0; shifted left by 1, the last column reflects back to 1.
    expect(await redCodes(loader, true, [-1, 0])).toEqual([[2, 1, 0, 1], [12, 11, 10, 11], [22, 21, 20, 21], [32, 31, 30, 31]]);
  });

  it('refuses a shift as large as the image', async () => {
    await expect(loader.batch([0], undefined, [[SIZE, 0]])).rejects.toThrow(/does not fit a 4-pixel image/);
  });
});

describe('shiftsFor', () => {
  it('draws every whole shift in [-max, max] per axis, about equally often, and repeats with the seed', () => {
    const batch = Array.from({ length: 9000 }, (_, i) => i);
    const shifts = shiftsFor(batch, 2, new Random(7));
    expect(shiftsFor(batch, 2, new Random(7))).toEqual(shifts);
    const counts = new Map<number, number>();
    for (const [dx, dy] of shifts) for (const d of [dx, dy]) counts.set(d, (counts.get(d) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    // 18,000 draws, 3,600 expected per value; 5 standard deviations is ~270.
    for (const count of counts.values()) expect(Math.abs(count - 3600)).toBeLessThan(270);
  });
});
