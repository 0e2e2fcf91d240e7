import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { encodeBoxes, iouMatrix } from './boxes.ts';
import { DETECTRON_C4_PROTOCOL as P } from './protocol.ts';
import { roiTargets } from './roi-targets.ts';
import { randomBoxes } from './testing/random-boxes.ts';

const width = 4 * P.numClasses;

/** `box` moved down by dy, then right until its IoU with `box` falls in [low, high). */
function shiftedInto(box: Float32Array, dy: number, low: number, high: number): Float32Array {
  for (let dx = 0; dx < 1000; dx++) {
    const shifted = new Float32Array([box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy]);
    const iou = iouMatrix(shifted, box)[0];
    if (iou >= low && iou < high) return shifted;
  }
  throw new Error('no shift found');
}

describe('roiTargets', () => {
  it('adds the GT boxes, labels by best GT and writes class-specific targets (hand case)', () => {
    const gt = new Float32Array([0, 0, 9, 9]);
    const proposals = new Float32Array([0, 0, 9, 8, 20, 20, 29, 29]); // IoU 0.9 (fg), 0 (bg)
    const result = roiTargets(proposals, gt, new Int32Array([3]), P, new Random(1));
    expect(result.numForeground).toBe(2);
    expect(Array.from(result.labels.subarray(0, 2)).sort()).toEqual([3, 3]);
    expect(Array.from(result.labels.subarray(2))).toEqual([0]);
    expect(Array.from(result.rois.subarray(8))).toEqual([20, 20, 29, 29]);
    const proposalRow = result.rois[3] === 8 ? 0 : 1;
    const gtRow = 1 - proposalRow;
    const expected = encodeBoxes(proposals.subarray(0, 4), gt, [10, 10, 5, 5]);
    expect(Array.from(result.targets.subarray(proposalRow * width + 12, proposalRow * width + 16))).toEqual(Array.from(expected));
    expect(Array.from(result.weights.subarray(proposalRow * width + 12, proposalRow * width + 16))).toEqual([1, 1, 1, 1]);
    expect(result.weights.subarray(proposalRow * width, proposalRow * width + 12).every((w) => w === 0)).toBe(true);
    expect(Array.from(result.targets.subarray(gtRow * width + 12, gtRow * width + 16))).toEqual([0, 0, 0, 0]);
    expect(Array.from(result.weights.subarray(gtRow * width + 12, gtRow * width + 16))).toEqual([1, 1, 1, 1]);
    expect(result.weights.subarray(2 * width).every((w) => w === 0)).toBe(true);
  });

  it('samples 16 foreground and 48 background when both are plentiful', () => {
    const random = new Random(7);
    const gt = new Float32Array([100, 100, 199, 199, 400, 300, 549, 449]);
    const classes = new Int32Array([5, 12]);
    const gtBox = (k: number) => gt.subarray((k % 2) * 4, (k % 2) * 4 + 4);
    const proposals: number[] = [];
    // 60 distinct foreground proposals (IoU bands of 0.04 from 0.5) and 200 distinct background ones.
    for (let k = 0; k < 60; k++) proposals.push(...shiftedInto(gtBox(k), Math.floor(k / 10), 0.5 + (k % 10) * 0.04, 0.54 + (k % 10) * 0.04));
    for (let k = 0; k < 200; k++) proposals.push(...shiftedInto(gtBox(k), Math.floor(k / 10), (k % 10) * 0.05, (k % 10) * 0.05 + 0.05));
    const boxes = Float32Array.from(proposals);
    const result = roiTargets(boxes, gt, classes, P, random);
    expect(result.labels.length).toBe(64);
    expect(result.numForeground).toBe(16);
    const overlaps = iouMatrix(result.rois, gt);
    for (let k = 0; k < 64; k++) {
      const best = overlaps[k * 2] >= overlaps[k * 2 + 1] ? 0 : 1;
      const iou = overlaps[k * 2 + best];
      if (k < 16) {
        expect(iou).toBeGreaterThanOrEqual(0.5);
        expect(result.labels[k]).toBe(classes[best]);
        const expected = encodeBoxes(result.rois.subarray(k * 4, k * 4 + 4), gt.subarray(best * 4, best * 4 + 4), [10, 10, 5, 5]);
        expect(Array.from(result.targets.subarray(k * width + 4 * classes[best], k * width + 4 * classes[best] + 4))).toEqual(Array.from(expected));
        expect(result.weights.subarray(k * width, (k + 1) * width).reduce((a, b) => a + b)).toBe(4);
      } else {
        expect(iou).toBeLessThan(0.5);
        expect(result.labels[k]).toBe(0);
        expect(result.weights.subarray(k * width, (k + 1) * width).every((w) => w === 0)).toBe(true);
      }
    }
    // No RoI is drawn twice (all proposals differ).
    const keys = new Set(Array.from({ length: 64 }, (_, k) => result.rois.subarray(k * 4, k * 4 + 4).join(',')));
    expect(keys.size).toBe(64);
  });

  it('takes all foreground when scarce and fills up with background, or returns fewer than 64', () => {
    const random = new Random(8);
    const gt = new Float32Array([100, 100, 199, 199]);
    const few = randomBoxes(random, 30, 60, 60, 5).map((v) => v + 300); // far from the GT: background
    const result = roiTargets(few, gt, new Int32Array([1]), P, random);
    expect(result.numForeground).toBe(1); // just the GT box itself
    expect(result.labels.length).toBe(31);
    const none = roiTargets(few, new Float32Array(0), new Int32Array(0), P, random);
    expect(none.numForeground).toBe(0);
    expect(none.labels.every((l) => l === 0)).toBe(true);
  });
});
