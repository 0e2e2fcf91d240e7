import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { iouMatrix } from './boxes.ts';
import { limitDetectionsPerImage, postprocessDetections } from './postprocess.ts';
import { DETECTRON_C4_PROTOCOL as P } from './protocol.ts';
import { randomBoxes } from './testing/random-boxes.ts';

describe('postprocessDetections', () => {
  const params = { ...P, numClasses: 3 };

  it('keeps scores strictly above 0.05 and decodes with the RoI weights (hand case)', () => {
    const rois = new Float32Array([0, 0, 9, 9, 20, 20, 29, 29]);
    const classProbabilities = new Float32Array([0.5, 0.05, 0.45, 0.2, 0.04, 0.76]);
    const boxDeltas = new Float32Array(2 * 3 * 4);
    boxDeltas.set([10, 0, 0, 0], 8); // RoI 0, class 2: dx = 10 / 10 = 1 width to the right
    const result = postprocessDetections({ rois, classProbabilities, boxDeltas }, { width: 100, height: 100 }, params);
    expect(result[0].scores.length).toBe(0);
    expect(result[1].scores.length).toBe(0); // 0.05 and 0.04 are not > 0.05
    expect(Array.from(result[2].scores)).toEqual([Math.fround(0.76), Math.fround(0.45)]);
    expect(Array.from(result[2].boxes)).toEqual([20, 20, 29, 29, 10, 0, 19, 9]);
  });

  it('applies per-class NMS at 0.3, clips, and keeps at most 100 detections per image', () => {
    const random = new Random(13);
    const numRois = 400;
    const rois = randomBoxes(random, numRois, 300, 200, 8);
    const classProbabilities = new Float32Array(numRois * 3);
    for (let r = 0; r < numRois; r++) {
      const a = random.next(), b = random.next() * (1 - a);
      classProbabilities.set([1 - a - b, a, b], r * 3);
    }
    const boxDeltas = Float32Array.from({ length: numRois * 12 }, () => random.normal());
    const image = { width: 300, height: 200 };
    const result = postprocessDetections({ rois, classProbabilities, boxDeltas }, image, params);
    const total = result.reduce((sum, d) => sum + d.scores.length, 0);
    expect(total).toBe(100);
    for (const detections of result.slice(1)) {
      const n = detections.scores.length;
      const overlaps = iouMatrix(detections.boxes, detections.boxes);
      for (let i = 0; i < n; i++) {
        expect(detections.scores[i]).toBeGreaterThan(0.05);
        if (i > 0) expect(detections.scores[i]).toBeLessThanOrEqual(detections.scores[i - 1]);
        for (let j = i + 1; j < n; j++) expect(overlaps[i * n + j]).toBeLessThan(0.3);
      }
      detections.boxes.forEach((v, k) => expect(v).toBeLessThanOrEqual(k % 2 === 0 ? 299 : 199));
    }
  });
});

describe('limitDetectionsPerImage', () => {
  it('keeps everything scoring at least the N-th best score, ties included', () => {
    const detections = (scores: number[]) => ({ boxes: new Float32Array(scores.length * 4), scores: Float32Array.from(scores) });
    const perClass = [detections([]), detections([0.9, 0.5, 0.5]), detections([0.7, 0.5, 0.1])];
    const limited = limitDetectionsPerImage(perClass, 3);
    expect(limited.map((d) => Array.from(d.scores))).toEqual([[], [Math.fround(0.9), 0.5, 0.5], [Math.fround(0.7), 0.5]]);
    expect(limitDetectionsPerImage(perClass, 6)).toBe(perClass);
  });
});
