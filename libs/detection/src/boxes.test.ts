import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { boxAreas, clipBoxes, decodeBoxes, encodeBoxes, iouMatrix } from './boxes.ts';
import { DETECTRON_C4_PROTOCOL } from './protocol.ts';
import { randomBoxes } from './testing/random-boxes.ts';

describe('iouMatrix', () => {
  it('uses the +1 pixel convention (hand-computed)', () => {
    const a = new Float32Array([0, 0, 9, 9]); // 10 x 10 = 100 pixels
    const b = new Float32Array([
      5, 5, 14, 14, // overlap 5 x 5 = 25, union 175
      10, 0, 19, 9, // adjacent: no shared pixel
      9, 9, 18, 18, // one shared pixel, union 199
      0, 0, 9, 9, // identical
      2, 3, 2, 3, // one pixel inside
    ]);
    const overlaps = iouMatrix(a, b);
    expect(overlaps[0]).toBeCloseTo(25 / 175, 12);
    expect(overlaps[1]).toBe(0);
    expect(overlaps[2]).toBeCloseTo(1 / 199, 12);
    expect(overlaps[3]).toBe(1);
    expect(overlaps[4]).toBeCloseTo(1 / 100, 12);
    expect(Array.from(boxAreas(b))).toEqual([100, 100, 100, 100, 1]);
  });

  it('is row-major [a, b]', () => {
    const a = new Float32Array([0, 0, 9, 9, 100, 100, 109, 109]);
    const b = new Float32Array([100, 100, 109, 109, 0, 0, 9, 9, 0, 0, 4, 9]);
    expect(Array.from(iouMatrix(a, b))).toEqual([0, 1, 0.5, 1, 0, 0]);
  });
});

describe('encodeBoxes / decodeBoxes', () => {
  it('encodes a hand case with widths x2 - x1 + 1 and centres x1 + w / 2', () => {
    // source: w = h = 10, centre (5, 5); target: w = 10, h = 20, centre (10, 10)
    const source = new Float32Array([0, 0, 9, 9]);
    const target = new Float32Array([5, 0, 14, 19]);
    const unit = encodeBoxes(source, target, [1, 1, 1, 1]);
    expect(Array.from(unit)).toEqual([0.5, 0.5, 0, Math.fround(Math.log(2))]);
    const roi = encodeBoxes(source, target, DETECTRON_C4_PROTOCOL.roiBoxWeights);
    expect(Array.from(roi)).toEqual([5, 5, 0, Math.fround(5 * Math.log(2))]);
    expect(Array.from(decodeBoxes(source, new Float32Array([0, 0, 0, 0]), [1, 1, 1, 1], 10))).toEqual([0, 0, 9, 9]);
  });

  it('round-trips random boxes to within 1e-4 pixels, for both weightings', () => {
    const random = new Random(3);
    // Sides >= 16 keep every size ratio (<= 800 / 16) under the 1000 / 16 clamp.
    const sources = randomBoxes(random, 500, 800, 600, 16);
    const targets = randomBoxes(random, 500, 800, 600, 16);
    for (const weights of [DETECTRON_C4_PROTOCOL.rpnBoxWeights, DETECTRON_C4_PROTOCOL.roiBoxWeights]) {
      const decoded = decodeBoxes(sources, encodeBoxes(sources, targets, weights), weights, DETECTRON_C4_PROTOCOL.bboxXformClip);
      let worst = 0;
      decoded.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - targets[i]))));
      expect(worst).toBeLessThanOrEqual(1e-4);
    }
  });

  it('clamps dw and dh from above at BBOX_XFORM_CLIP only', () => {
    const source = new Float32Array([0, 0, 9, 9]); // w = 10, centre 5
    const decoded = decodeBoxes(source, new Float32Array([0, 0, 100, -3]), [1, 1, 1, 1], Math.log(1000 / 16));
    // width 10 * 1000 / 16 = 625: x1 = 5 - 312.5, x2 = 5 + 312.5 - 1; height 10 e^-3 is not clamped.
    expect(decoded[0]).toBeCloseTo(-307.5, 3);
    expect(decoded[2]).toBeCloseTo(316.5, 3);
    expect(decoded[3] - decoded[1] + 1).toBeCloseTo(10 * Math.exp(-3), 5);
  });

  it('decodes several 4-column groups per box (class-specific deltas)', () => {
    const source = new Float32Array([0, 0, 9, 9]);
    const decoded = decodeBoxes(source, new Float32Array([0, 0, 0, 0, 10, 0, 0, 0]), [10, 10, 5, 5], 4);
    expect(Array.from(decoded)).toEqual([0, 0, 9, 9, 10, 0, 19, 9]);
  });
});

describe('clipBoxes', () => {
  it('clips x into [0, W - 1] and y into [0, H - 1]', () => {
    const clipped = clipBoxes(new Float32Array([-5, -1, 900, 700, 10, 20, 30, 40]), { width: 800, height: 600 });
    expect(Array.from(clipped)).toEqual([0, 0, 799, 599, 10, 20, 30, 40]);
  });
});
