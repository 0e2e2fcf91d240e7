import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { roiPool, type FeatureMap } from './roi-pool.ts';

/**
 * Reference written from the pixel's side: pixel row y belongs to bin ph when
 * floor(ph * roiH / P) <= y - startH < ceil((ph + 1) * roiH / P), i.e. in integers
 * ph * roiH < (y - startH + 1) * P and y - startH < (ph + 1) * roiH / P.
 */
function referenceRoiPool(map: FeatureMap, rois: Float32Array, pooled: number, scale: number): Float32Array {
  const { height, width, channels, data } = map;
  const out = new Float32Array((rois.length / 4) * pooled * pooled * channels);
  const member = (offset: number, bin: number, extent: number): boolean =>
    bin * extent < (offset + 1) * pooled && offset * pooled < (bin + 1) * extent;
  for (let r = 0; r < rois.length / 4; r++) {
    const [x1, y1, x2, y2] = Array.from(rois.subarray(r * 4, r * 4 + 4), (v) => Math.round(v * scale)); // coordinates >= 0
    const roiW = Math.max(x2 - x1 + 1, 1), roiH = Math.max(y2 - y1 + 1, 1);
    for (let ph = 0; ph < pooled; ph++) {
      for (let pw = 0; pw < pooled; pw++) {
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          for (let y = 0; y < height; y++) {
            if (!member(y - y1, ph, roiH)) continue;
            for (let x = 0; x < width; x++) {
              if (member(x - x1, pw, roiW)) best = Math.max(best, data[(y * width + x) * channels + c]);
            }
          }
          out[((r * pooled + ph) * pooled + pw) * channels + c] = best === -Infinity ? 0 : best;
        }
      }
    }
  }
  return out;
}

describe('roiPool', () => {
  it('pools a 4 x 4 ramp into 2 x 2 bins by hand', () => {
    const map = { data: Float32Array.from({ length: 16 }, (_, i) => i), height: 4, width: 4, channels: 1 };
    expect(Array.from(roiPool(map, new Float32Array([0, 0, 3, 3]), 2, 1))).toEqual([5, 7, 13, 15]);
    // RoI x in [1, 2] (2 wide) into 2 bins: columns 1 and 2; rows 0..3 into bins {0,1}, {2,3}.
    expect(Array.from(roiPool(map, new Float32Array([1, 0, 2, 3]), 2, 1))).toEqual([5, 6, 13, 14]);
    // One-cell RoI into 2 bins: bins [floor(0), ceil(0.5)) = [0, 1) and [floor(0.5), ceil(1)) = [0, 1).
    expect(Array.from(roiPool(map, new Float32Array([2, 1, 2, 1]), 2, 1))).toEqual([6, 6, 6, 6]);
  });

  it('rounds scaled corners, and gives 0 for bins outside the map', () => {
    const map = { data: Float32Array.from({ length: 16 }, (_, i) => -1 - i), height: 4, width: 4, channels: 1 };
    // Scale 1/16: x1 = round(24 / 16 = 1.5) = 2, x2 = round(88 / 16 = 5.5) = 6, beyond width 4.
    const pooled = roiPool(map, new Float32Array([24, 0, 88, 8]), 2, 1 / 16);
    // y: round(0) .. round(0.5) = 1 -> rows 0..1, roiH 2; x: 2..6, roiW 5: bin 0 cols [2, 5) -> 2..3, bin 1 cols [4, 7) -> none.
    expect(Array.from(pooled)).toEqual([-3, 0, -7, 0]);
  });

  it('matches a per-pixel membership reference on random maps and RoIs (channels last)', () => {
    const random = new Random(21);
    const map: FeatureMap = { height: 13, width: 17, channels: 3, data: new Float32Array(13 * 17 * 3) };
    map.data.forEach((_, i) => (map.data[i] = random.normal()));
    const rois = new Float32Array(40 * 4);
    for (let r = 0; r < 40; r++) {
      const x1 = random.uniform(0, 17 * 16), y1 = random.uniform(0, 13 * 16);
      rois.set([x1, y1, x1 + random.uniform(0, 300), y1 + random.uniform(0, 300)], r * 4);
    }
    for (const pooled of [14, 7, 3]) {
      expect(Array.from(roiPool(map, rois, pooled, 1 / 16))).toEqual(Array.from(referenceRoiPool(map, rois, pooled, 1 / 16)));
    }
  });
});
