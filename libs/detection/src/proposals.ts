import { clipBoxes, decodeBoxes } from './boxes.ts';
import { nms, orderByScoreDescending } from './nms.ts';
import type { ProposalParams } from './protocol.ts';
import { boxCount, type BoxWeights, type Boxes, type ImageShape } from './types.ts';

/** The network input image: its (scaled) size and the scale from the original image. */
export interface ScaledImage extends ImageShape {
  /** im_info's scale: network-input pixels per original-image pixel. */
  scale: number;
}

export interface Proposals {
  /** Proposal boxes in network-input pixels, best first. */
  boxes: Boxes;
  /** Their RPN objectness probabilities. */
  scores: Float32Array;
}

export interface ProposalInputs {
  /** All anchors, in shiftedAnchors' (y, x, anchor) order. */
  anchors: Boxes;
  /** Objectness probability (sigmoid of the logit) of each anchor, same order. */
  objectness: Float32Array;
  /** RPN box deltas, [anchors, 4] in the same order. */
  deltas: Float32Array;
}

/**
 * RPN proposals for one image in the order of Detectron's GenerateProposalsOp
 * (ops/generate_proposals.py, proposals_for_one_image): keep the preNmsTopN highest-scoring
 * anchors, decode their deltas, clip to the image, drop boxes smaller than minSize (measured in
 * original-image pixels, at least 1) or centred outside the image, NMS, keep postNmsTopN.
 */
export function generateProposals(
  inputs: ProposalInputs,
  image: ScaledImage,
  params: ProposalParams,
  boxWeights: BoxWeights,
  bboxXformClip: number,
): Proposals {
  const { anchors, objectness, deltas } = inputs;
  const n = boxCount(anchors);
  if (objectness.length !== n || deltas.length !== n * 4) {
    throw new Error(`generateProposals: ${n} anchors, ${objectness.length} scores, ${deltas.length / 4} deltas`);
  }
  const byScore = orderByScoreDescending(objectness);
  const top = params.preNmsTopN > 0 && params.preNmsTopN < n ? byScore.subarray(0, params.preNmsTopN) : byScore;

  const topAnchors = new Float32Array(top.length * 4);
  const topDeltas = new Float32Array(top.length * 4);
  for (let r = 0; r < top.length; r++) {
    topAnchors.set(anchors.subarray(top[r] * 4, top[r] * 4 + 4), r * 4);
    topDeltas.set(deltas.subarray(top[r] * 4, top[r] * 4 + 4), r * 4);
  }
  const boxes = clipBoxes(decodeBoxes(topAnchors, topDeltas, boxWeights, bboxXformClip), image);

  const kept = keepLargeCenteredBoxes(boxes, image, params.minSize);
  const keptBoxes = new Float32Array(kept.length * 4);
  const keptScores = new Float32Array(kept.length);
  kept.forEach((r, k) => {
    keptBoxes.set(boxes.subarray(r * 4, r * 4 + 4), k * 4);
    keptScores[k] = objectness[top[r]];
  });
  if (!(params.nmsThresh > 0)) return { boxes: keptBoxes, scores: keptScores };

  const maxKeep = params.postNmsTopN > 0 ? params.postNmsTopN : Infinity;
  const survivors = nms(keptBoxes, keptScores, params.nmsThresh, maxKeep);
  const result: Proposals = { boxes: new Float32Array(survivors.length * 4), scores: new Float32Array(survivors.length) };
  survivors.forEach((s, k) => {
    result.boxes.set(keptBoxes.subarray(s * 4, s * 4 + 4), k * 4);
    result.scores[k] = keptScores[s];
  });
  return result;
}

/**
 * generate_proposals.py _filter_boxes: both sides, measured in original-image pixels as
 * (x2 - x1) / scale + 1, at least max(minSize, 1), and the centre x1 + (x2 - x1 + 1) / 2 inside
 * the scaled image.
 */
function keepLargeCenteredBoxes(boxes: Boxes, image: ScaledImage, minSize: number): number[] {
  const minSide = Math.max(minSize, 1);
  const kept: number[] = [];
  for (let i = 0; i < boxCount(boxes); i++) {
    const x1 = boxes[i * 4], y1 = boxes[i * 4 + 1], x2 = boxes[i * 4 + 2], y2 = boxes[i * 4 + 3];
    const originalWidth = (x2 - x1) / image.scale + 1;
    const originalHeight = (y2 - y1) / image.scale + 1;
    const centerX = x1 + (x2 - x1 + 1) / 2;
    const centerY = y1 + (y2 - y1 + 1) / 2;
    if (originalWidth >= minSide && originalHeight >= minSide && centerX < image.width && centerY < image.height) {
      kept.push(i);
    }
  }
  return kept;
}
