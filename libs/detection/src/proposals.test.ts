import { Random } from '@mgta/core';
import { describe, expect, it } from 'vitest';
import { generateBaseAnchors, shiftedAnchors } from './anchors.ts';
import { clipBoxes, decodeBoxes } from './boxes.ts';
import { nms } from './nms.ts';
import { generateProposals } from './proposals.ts';
import { DETECTRON_C4_PROTOCOL as P } from './protocol.ts';

describe('generateProposals', () => {
  const image = { height: 96, width: 128, scale: 1 };
  const anchors = shiftedAnchors(generateBaseAnchors(16, P.anchorSizes, P.anchorAspectRatios), 6, 8, 16);
  const n = anchors.length / 4;

  it('equals top-N by score, decode, clip, NMS, top-N composed by hand', () => {
    const random = new Random(5);
    const objectness = Float32Array.from({ length: n }, () => random.next());
    const deltas = Float32Array.from({ length: n * 4 }, () => random.normal() * 0.2);
    const params = { preNmsTopN: 300, postNmsTopN: 40, nmsThresh: 0.7, minSize: 0 };
    const result = generateProposals({ anchors, objectness, deltas }, image, params, P.rpnBoxWeights, P.bboxXformClip);

    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => objectness[b] - objectness[a]).slice(0, 300);
    const boxes = new Float32Array(300 * 4);
    const deltasTop = new Float32Array(300 * 4);
    order.forEach((i, k) => {
      boxes.set(anchors.subarray(i * 4, i * 4 + 4), k * 4);
      deltasTop.set(deltas.subarray(i * 4, i * 4 + 4), k * 4);
    });
    const decoded = clipBoxes(decodeBoxes(boxes, deltasTop, [1, 1, 1, 1], P.bboxXformClip), image);
    const scores = Float32Array.from(order, (i) => objectness[i]);
    const kept = Array.from(nms(decoded, scores, 0.7)).slice(0, 40);
    expect(result.scores.length).toBe(40);
    expect(Array.from(result.scores)).toEqual(kept.map((k) => scores[k]));
    expect(Array.from(result.boxes)).toEqual(kept.flatMap((k) => Array.from(decoded.subarray(k * 4, k * 4 + 4))));
    for (const v of result.boxes) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('drops boxes under minSize measured in original-image pixels (at least 1), after the pre-NMS cut', () => {
    const boxesAnchors = new Float32Array([0, 0, 3, 3, 10, 10, 19, 19, 30, 30, 59, 59]);
    const objectness = new Float32Array([0.9, 0.8, 0.7]);
    const deltas = new Float32Array(12);
    const scaled = { height: 96, width: 128, scale: 2 };
    const params = { preNmsTopN: 0, postNmsTopN: 0, nmsThresh: 0.7, minSize: 3 };
    // Box 0: (3 - 0) / 2 + 1 = 2.5 < 3 dropped; box 1: 9 / 2 + 1 = 5.5 kept.
    const result = generateProposals({ anchors: boxesAnchors, objectness, deltas }, scaled, params, [1, 1, 1, 1], P.bboxXformClip);
    expect(Array.from(result.scores)).toEqual([Math.fround(0.8), Math.fround(0.7)]);
    // The pre-NMS top-N cut happens before the size filter, as in Detectron.
    const cut = generateProposals({ anchors: boxesAnchors, objectness, deltas }, scaled, { ...params, preNmsTopN: 1 }, [1, 1, 1, 1], P.bboxXformClip);
    expect(cut.scores.length).toBe(0);
  });

  it('keeps degenerate clipped boxes of one pixel when minSize is 0', () => {
    // Entirely left of the image: clipped to x1 = x2 = 0, width 1 >= max(0, 1).
    const outside = new Float32Array([-50, 10, -20, 40]);
    const result = generateProposals(
      { anchors: outside, objectness: new Float32Array([0.5]), deltas: new Float32Array(4) },
      image,
      P.rpnTestProposals,
      P.rpnBoxWeights,
      P.bboxXformClip,
    );
    expect(Array.from(result.boxes)).toEqual([0, 10, 0, 40]);
  });
});
