import { describe, expect, it } from 'vitest';
import { evaluateClassDetections, evaluateClassDetectionsAtThresholds, type ClassDetections, type ClassGroundTruth } from './detection.ts';

type Box = [number, number, number, number];

/** Ground truth of one class: per image, its objects (box, difficult). */
function groundTruth(images: Array<Array<{ box: Box; difficult?: boolean }>>): ClassGroundTruth {
  const objects = images.flat();
  const start = new Int32Array(images.length + 1);
  images.forEach((objs, i) => (start[i + 1] = start[i] + objs.length));
  return {
    imageCount: images.length,
    start,
    boxes: Float64Array.from(objects.flatMap((o) => o.box)),
    difficult: Uint8Array.from(objects.map((o) => (o.difficult ? 1 : 0))),
  };
}

/** Detections in submission order. */
function detections(rows: Array<{ image: number; score: number; box: Box }>): ClassDetections {
  return {
    image: Int32Array.from(rows.map((r) => r.image)),
    score: Float64Array.from(rows.map((r) => r.score)),
    boxes: Float64Array.from(rows.flatMap((r) => r.box)),
  };
}

describe('evaluateClassDetections (voc_eval.py rules)', () => {
  it('uses the +1 pixel convention for IoU', () => {
    // GT (1,1)-(2,2) is 2×2 = 4 pixels; the detection (1,1)-(2,3) is 2×3 = 6 and covers it:
    // IoU = 4/6 > 0.5, a match. Without the +1 it would be 1/2, not a match.
    const gt = groundTruth([[{ box: [1, 1, 2, 2] }]]);
    const result = evaluateClassDetections(gt, detections([{ image: 0, score: 1, box: [1, 1, 2, 3] }]));
    expect(result.ap).toBe(1);
  });

  it('needs IoU strictly above the threshold: exactly 0.5 is a false positive', () => {
    // GT (1,1)-(10,10) = 100 pixels; detection (1,1)-(10,5) = 50 pixels inside it: IoU 50/100.
    const gt = groundTruth([[{ box: [1, 1, 10, 10] }]]);
    const dets = detections([{ image: 0, score: 1, box: [1, 1, 10, 5] }]);
    expect(evaluateClassDetections(gt, dets).ap).toBe(0);
    expect(evaluateClassDetections(gt, dets, { iouThreshold: 0.49 }).ap).toBe(1);
  });

  it('ranks ties in submission order (stable)', () => {
    // One positive; a hit and a miss with the same score. Hit first: precision 1, 1/2 → AP 1.
    // Miss first: precision 0, 1/2 → AP 1/2.
    const gt = groundTruth([[{ box: [1, 1, 10, 10] }], []]);
    const hit = { image: 0, score: 0.7, box: [1, 1, 10, 10] as Box };
    const miss = { image: 1, score: 0.7, box: [1, 1, 10, 10] as Box };
    expect(evaluateClassDetections(gt, detections([hit, miss])).ap).toBe(1);
    expect(evaluateClassDetections(gt, detections([miss, hit])).ap).toBe(0.5);
    // A higher score still ranks first whatever the order.
    expect(evaluateClassDetections(gt, detections([{ ...miss, score: 0.1 }, hit])).ap).toBe(1);
  });

  it('ignores a match on a difficult object: neither TP nor FP, and it is not counted in npos', () => {
    const gt = groundTruth([[{ box: [1, 1, 10, 10], difficult: true }], [{ box: [1, 1, 10, 10] }]]);
    const result = evaluateClassDetections(
      gt,
      detections([
        { image: 0, score: 0.9, box: [1, 1, 10, 10] },
        { image: 1, score: 0.8, box: [1, 1, 10, 10] },
      ]),
    );
    expect(result.npos).toBe(1);
    // Counted as a FP it would give precision 0, 1/2 → AP 1/2.
    expect(result.ap).toBe(1);
    expect(result.ap07).toBeCloseTo(1, 15);
    expect(result.pr).toEqual({ recall: [0, 1], precision: [0, 1] });
  });

  it('counts a second match on the same object as a false positive, even if another object overlaps it', () => {
    // A (1,1)-(10,10) and B (1,3)-(10,12): each 100 pixels, IoU(A,B) = 80/120 > 0.5.
    // Both detections equal A: best overlap is A for both, so the second is a FP (it does
    // not fall back to B). recall 1/2, 1/2; precision 1, 1/2 → area 1/2, 11-point 6/11.
    const gt = groundTruth([[{ box: [1, 1, 10, 10] }, { box: [1, 3, 10, 12] }]]);
    const result = evaluateClassDetections(
      gt,
      detections([
        { image: 0, score: 0.9, box: [1, 1, 10, 10] },
        { image: 0, score: 0.8, box: [1, 1, 10, 10] },
      ]),
    );
    expect(result.npos).toBe(2);
    expect(result.pr).toEqual({ recall: [0.5, 0.5], precision: [1, 0.5] });
    expect(result.ap).toBe(0.5);
    expect(result.ap07).toBeCloseTo(6 / 11, 15);
  });

  it('picks the best-overlapping object, and a difficult best match hides a normal one', () => {
    // Normal N (1,1)-(10,10), difficult D (1,1)-(10,11). The detection (1,1)-(10,11) overlaps
    // N by 100/110 and D by 1: D wins, so the detection is ignored and N stays unfound.
    const gt = groundTruth([[{ box: [1, 1, 10, 10] }, { box: [1, 1, 10, 11], difficult: true }]]);
    const result = evaluateClassDetections(gt, detections([{ image: 0, score: 1, box: [1, 1, 10, 11] }]));
    expect(result).toMatchObject({ ap: 0, ap07: 0, npos: 1 });
  });

  it('a detection in an image without objects of the class is a false positive', () => {
    const gt = groundTruth([[{ box: [1, 1, 10, 10] }], []]);
    const result = evaluateClassDetections(
      gt,
      detections([
        { image: 1, score: 0.9, box: [1, 1, 10, 10] },
        { image: 0, score: 0.5, box: [1, 1, 10, 10] },
      ]),
    );
    expect(result.ap).toBe(0.5);
  });

  it('no detections: AP 0; no non-difficult object: AP null, not NaN', () => {
    const none = detections([]);
    expect(evaluateClassDetections(groundTruth([[{ box: [1, 1, 5, 5] }]]), none)).toMatchObject({ ap: 0, ap07: 0, npos: 1 });
    const onlyDifficult = groundTruth([[{ box: [1, 1, 5, 5], difficult: true }]]);
    expect(evaluateClassDetections(onlyDifficult, detections([{ image: 0, score: 1, box: [1, 1, 5, 5] }]))).toEqual({
      ap: null,
      ap07: null,
      npos: 0,
    });
  });

  it('evaluates several thresholds at once like one at a time', () => {
    // IoU of the detection with the object: 80/100 = 0.8 (rows 1..8 of 1..10).
    const gt = groundTruth([[{ box: [1, 1, 10, 10] }]]);
    const dets = detections([{ image: 0, score: 1, box: [1, 1, 10, 8] }]);
    const aps = evaluateClassDetectionsAtThresholds(gt, dets, [0.5, 0.75, 0.8, 0.85]).map((r) => r.ap);
    expect(aps).toEqual([1, 1, 0, 0]);
    expect(aps[1]).toBe(evaluateClassDetections(gt, dets, { iouThreshold: 0.75 }).ap);
  });

  it('rejects an image index outside the split', () => {
    expect(() => evaluateClassDetections(groundTruth([[]]), detections([{ image: 3, score: 1, box: [1, 1, 2, 2] }]))).toThrow(
      /image index 3 outside the split/,
    );
  });
});
