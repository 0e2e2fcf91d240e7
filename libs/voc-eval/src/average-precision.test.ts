import { describe, expect, it } from 'vitest';
import { downsamplePrecisionRecall, voc07ElevenPointAp, vocAreaAp } from './average-precision.ts';

describe('AP from a precision–recall curve', () => {
  // Three ranked detections TP, FP, TP with 3 positives:
  //   recall    1/3, 1/3, 2/3
  //   precision 1,   1/2, 2/3
  // Area: envelope 1, 2/3, 2/3; steps 0→1/3 at 1 and 1/3→2/3 at 2/3: 1/3 + 2/9 = 5/9.
  // 11-point: t = 0, .1, .2, .3 reach recall 1/3 (max precision 1): 4 × 1;
  //           t = .4, .5, .6 reach only 2/3 (precision 2/3): 3 × 2/3;
  //           t = .7 .. 1 are never reached: 0.  (4 + 2) / 11 = 6/11.
  const recall = [1 / 3, 1 / 3, 2 / 3];
  const precision = [1, 1 / 2, 2 / 3];

  it('area AP of the hand example is 5/9', () => {
    expect(vocAreaAp(recall, precision)).toBeCloseTo(5 / 9, 15);
  });

  it('11-point AP of the hand example is 6/11', () => {
    expect(voc07ElevenPointAp(recall, precision)).toBeCloseTo(6 / 11, 15);
  });

  it('a recall of exactly 3/10 does not reach the 0.3 threshold (numpy arange gives 0.30000000000000004)', () => {
    // Thresholds 0, 0.1, 0.2 are reached; the golden fixtures confirm this convention.
    expect(voc07ElevenPointAp([3 / 10], [1])).toBeCloseTo(3 / 11, 15);
    // 4/10 does reach 0.4 (4 * 0.1 === 0.4 in doubles).
    expect(voc07ElevenPointAp([4 / 10], [1])).toBeCloseTo(5 / 11, 15);
  });

  it('a perfect ranking has AP 1 by both metrics', () => {
    expect(vocAreaAp([0.5, 1], [1, 1])).toBe(1);
    expect(voc07ElevenPointAp([0.5, 1], [1, 1])).toBeCloseTo(1, 15);
  });

  it('an empty curve has AP 0', () => {
    expect(vocAreaAp([], [])).toBe(0);
    expect(voc07ElevenPointAp([], [])).toBe(0);
  });

  it('the envelope lifts earlier precision: FP then TP with one positive gives 1/2', () => {
    expect(vocAreaAp([0, 1], [0, 0.5])).toBe(0.5);
    expect(voc07ElevenPointAp([0, 1], [0, 0.5])).toBeCloseTo(0.5, 15);
  });

  it('rejects curves of different lengths', () => {
    expect(() => vocAreaAp([0.5], [])).toThrow(/1 points but precision has 0/);
  });
});

describe('downsamplePrecisionRecall', () => {
  it('keeps short curves whole', () => {
    expect(downsamplePrecisionRecall([0.1, 0.2], [1, 0.5])).toEqual({ recall: [0.1, 0.2], precision: [1, 0.5] });
  });

  it('keeps at most maxPoints of a long curve, first and last included', () => {
    const n = 1000;
    const recall = Array.from({ length: n }, (_, k) => (k + 1) / n);
    const precision = Array.from({ length: n }, (_, k) => 1 / (k + 1));
    const pr = downsamplePrecisionRecall(recall, precision, 200);
    expect(pr.recall).toHaveLength(200);
    expect(pr.recall[0]).toBe(recall[0]);
    expect(pr.recall[199]).toBe(1);
    expect(pr.precision[199]).toBe(1 / n);
  });
});
