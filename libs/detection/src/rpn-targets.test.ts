import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { generateBaseAnchors, shiftedAnchors } from './anchors.ts';
import { encodeBoxes, iouMatrix } from './boxes.ts';
import { DETECTRON_C4_PROTOCOL as P } from './protocol.ts';
import { rpnTargets, type RpnTargetParams } from './rpn-targets.ts';
import { randomBoxes } from './testing/random-boxes.ts';

const image = { width: 64, height: 64 };
// Hand-made anchors in a 64 x 64 image.
const anchors = new Float32Array([
  0, 0, 31, 31, // 0: best anchor of GT 0 with IoU 640 / 1024 = 0.625 < 0.7
  16, 0, 47, 31, // 1: IoU 128 / 1536 with GT 0: negative candidate
  -6, 0, 19, 31, // 2: IoU 640 / 832 = 0.77 with GT 0 but crosses the left border: ignored
  32, 32, 63, 63, // 3: equals GT 1
  40, 40, 71, 71, // 4: crosses the right border: ignored
  0, 40, 15, 63, // 5..9: no overlap with any GT: negative candidates
  0, 48, 15, 63,
  16, 40, 31, 63,
  16, 48, 31, 63,
  0, 36, 31, 63,
]);
const gt = new Float32Array([0, 0, 19, 31, 32, 32, 63, 63]);
const small: RpnTargetParams = { ...P, rpnBatchSizePerImage: 4 }; // at most 2 positives, 4 sampled

describe('rpnTargets', () => {
  it('labels a hand case: best anchor below 0.7 positive, border-crossing anchors ignored', () => {
    const result = rpnTargets(anchors, gt, image, small, new Random(1));
    expect(result.labels[0]).toBe(1);
    expect(result.labels[3]).toBe(1);
    expect(result.labels[2]).toBe(-1);
    expect(result.labels[4]).toBe(-1);
    const negatives = [...result.labels.keys()].filter((i) => result.labels[i] === 0);
    // 2 negatives drawn with replacement among anchors 1, 5..9: one or two distinct.
    expect(negatives.length).toBeGreaterThanOrEqual(1);
    expect(negatives.length).toBeLessThanOrEqual(2);
    for (const i of negatives) expect([1, 5, 6, 7, 8, 9]).toContain(i);
    const sampled = 2 + negatives.length;
    result.labels.forEach((label, i) => expect(result.outsideWeights[i]).toBeCloseTo(label >= 0 ? 1 / sampled : 0, 7));
    expect(Array.from(result.targets.subarray(0, 4))).toEqual(Array.from(encodeBoxes(anchors.subarray(0, 4), gt.subarray(0, 4), [1, 1, 1, 1])));
    expect(Array.from(result.targets.subarray(12, 16))).toEqual([0, 0, 0, 0]);
    expect(result.targets.subarray(4, 12).every((v) => v === 0)).toBe(true);
  });

  it('makes every anchor tied for a GT best overlap positive', () => {
    const tied = new Float32Array([0, 0, 9, 9, 10, 0, 19, 9, 40, 40, 49, 49, 50, 50, 59, 59, 40, 50, 49, 59]);
    const box = new Float32Array([5, 0, 14, 9]); // IoU 50 / 150 with anchors 0 and 1
    const result = rpnTargets(tied, box, image, { ...P, rpnBatchSizePerImage: 6 }, new Random(2));
    expect(Array.from(result.labels.subarray(0, 2))).toEqual([1, 1]);
  });

  it('subsamples positives without replacement down to the quota', () => {
    // Anchor 10 has IoU 28 * 32 / 1024 = 0.875 with GT 1: three positives for a quota of 2.
    const more = new Float32Array([...anchors, 32, 32, 63, 59]);
    for (let seed = 0; seed < 10; seed++) {
      const result = rpnTargets(more, gt, image, small, new Random(seed));
      expect([0, 3, 10].filter((i) => result.labels[i] === 1).length).toBe(2);
      expect([0, 3, 10].filter((i) => result.labels[i] === -1).length).toBe(1);
    }
  });

  it('samples at most 128 positives and 256 anchors on a 600 x 800 image, never a crossing anchor', () => {
    const anchorsAll = shiftedAnchors(generateBaseAnchors(16, P.anchorSizes, P.anchorAspectRatios), 38, 50, 16);
    const big = { width: 800, height: 600 };
    const random = new Random(9);
    for (let trial = 0; trial < 3; trial++) {
      const gtBoxes = randomBoxes(random, 1 + trial * 20, 800, 600, 40);
      const result = rpnTargets(anchorsAll, gtBoxes, big, P, random);
      const positives = result.labels.filter((l) => l === 1).length;
      const negatives = result.labels.filter((l) => l === 0).length;
      expect(positives).toBeGreaterThan(0);
      expect(positives).toBeLessThanOrEqual(128);
      expect(positives + negatives).toBeLessThanOrEqual(256);
      expect(negatives).toBeGreaterThan(200 - positives); // with replacement: few repeats among thousands
      const overlaps = iouMatrix(anchorsAll, gtBoxes);
      const numGt = gtBoxes.length / 4;
      result.labels.forEach((label, i) => {
        if (label === -1) return;
        const [x1, y1, x2, y2] = anchorsAll.subarray(i * 4, i * 4 + 4);
        expect(x1 >= 0 && y1 >= 0 && x2 < 800 && y2 < 600).toBe(true);
        if (label === 0) for (let g = 0; g < numGt; g++) expect(overlaps[i * numGt + g]).toBeLessThan(0.3);
      });
    }
  });

  it('is deterministic for a seed', () => {
    const a = rpnTargets(anchors, gt, image, small, new Random(4));
    const b = rpnTargets(anchors, gt, image, small, new Random(4));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  });
});
