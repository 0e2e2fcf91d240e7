import { describe, expect, it } from 'vitest';
import { generateBaseAnchors, shiftedAnchors } from './anchors.ts';
import { DETECTRON_C4_PROTOCOL } from './protocol.ts';
import { roundHalfToEven } from './rounding.ts';

const rows = (boxes: Float32Array): number[][] => Array.from({ length: boxes.length / 4 }, (_, i) => Array.from(boxes.subarray(i * 4, i * 4 + 4)));

describe('generateBaseAnchors', () => {
  it('gives the 12 R-50-C4 anchors, ratio-major, hand-computed from generate_anchors.py', () => {
    // Base [0,0,15,15], area 256, centre 7.5. Ratio 0.5: w = round(sqrt(512)) = 23, h = round(11.5) = 12;
    // ratio 1: 16 x 16; ratio 2: w = round(sqrt(128)) = 11, h = 22. Then scaled by size / 16.
    const anchors = generateBaseAnchors(16, DETECTRON_C4_PROTOCOL.anchorSizes, DETECTRON_C4_PROTOCOL.anchorAspectRatios);
    expect(rows(anchors)).toEqual([
      [-38, -16, 53, 31], // 92 x 48
      [-84, -40, 99, 55], // 184 x 96
      [-176, -88, 191, 103],
      [-360, -184, 375, 199],
      [-24, -24, 39, 39], // 64 x 64
      [-56, -56, 71, 71],
      [-120, -120, 135, 135],
      [-248, -248, 263, 263],
      [-14, -36, 29, 51], // 44 x 88
      [-36, -80, 51, 95],
      [-80, -168, 95, 183],
      [-168, -344, 183, 359],
    ]);
  });

  it('matches the classic stride-16 size-32 anchors', () => {
    // 46 x 24, 32 x 32, 22 x 44 about (7.5, 7.5).
    expect(rows(generateBaseAnchors(16, [32], [0.5, 1, 2]))).toEqual([
      [-15, -4, 30, 19],
      [-8, -8, 23, 23],
      [-3, -14, 18, 29],
    ]);
  });

  it("rounds halves to even like np.round (stride 32, ratio 0.5: w = 45, h = round(22.5) = 22)", () => {
    expect(roundHalfToEven(22.5)).toBe(22);
    expect(roundHalfToEven(11.5)).toBe(12);
    expect(roundHalfToEven(-1.5)).toBe(-2);
    expect(roundHalfToEven(2.4)).toBe(2);
    expect(rows(generateBaseAnchors(32, [32], [0.5]))).toEqual([[15.5 - 22, 15.5 - 10.5, 15.5 + 22, 15.5 + 10.5]]);
  });
});

describe('shiftedAnchors', () => {
  it('orders anchors (y, x, anchor) and shifts by the stride', () => {
    const cell = generateBaseAnchors(16, DETECTRON_C4_PROTOCOL.anchorSizes, DETECTRON_C4_PROTOCOL.anchorAspectRatios);
    const height = 3, width = 5;
    const all = shiftedAnchors(cell, height, width, 16);
    expect(all.length).toBe(height * width * 12 * 4);
    const y = 2, x = 3, a = 5;
    const row = (y * width + x) * 12 + a;
    expect(Array.from(all.subarray(row * 4, row * 4 + 4))).toEqual([-56 + 48, -56 + 32, 71 + 48, 71 + 32]);
    expect(Array.from(all.subarray(0, 48))).toEqual(Array.from(cell));
  });
});
