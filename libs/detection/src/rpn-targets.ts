import type { Random } from '@mgta/core';
import { encodeBoxes, iouMatrix } from './boxes.ts';
import { gatherBoxes, indicesWhere } from './gather.ts';
import type { DetectionProtocol } from './protocol.ts';
import { sampleWithReplacement, sampleWithoutReplacement } from './sampling.ts';
import { boxCount, type Boxes, type ImageShape } from './types.ts';

export type AnchorLabel = 1 | 0 | -1;

/** RPN training blobs of one image, one row per anchor (Detectron's rpn_*_wide blobs). */
export interface RpnTargets {
  /** 1 positive, 0 negative, -1 ignored (not sampled, or crossing the border). */
  labels: Int8Array;
  /** [anchors, 4] regression targets, non-zero only for positives. */
  targets: Float32Array;
  /**
   * bbox_outside_weights: 1 / (number of sampled anchors) for every sampled anchor, else 0; the
   * RPN box loss multiplies each positive's smooth L1 by it. The inside weights are 1 exactly
   * for the positives.
   */
  outsideWeights: Float32Array;
}

/** The subset of the protocol that the RPN targets depend on. */
export type RpnTargetParams = Pick<
  DetectionProtocol,
  'rpnBatchSizePerImage' | 'rpnFgFraction' | 'rpnPositiveOverlap' | 'rpnNegativeOverlap' | 'rpnStraddleThresh' | 'rpnBoxWeights'
>;

/**
 * Detectron's roi_data/rpn.py _get_rpn_blobs for one image, `image` being the scaled input size.
 * Reproduced quirks: anchors with zero IoU to everything are still "best" for a GT that overlaps
 * no inside anchor; negatives are drawn with replacement from all inside anchors with max IoU
 * < RPN_NEGATIVE_OVERLAP (so fewer than the quota may result, and a low-IoU best-anchor positive
 * can be relabelled 0); and when there are not more negative candidates than the quota, none
 * is labelled negative at all.
 */
export function rpnTargets(anchors: Boxes, gtBoxes: Boxes, image: ImageShape, params: RpnTargetParams, random: Random): RpnTargets {
  const numAnchors = boxCount(anchors);
  const inside = insideAnchorIndices(anchors, image, params.rpnStraddleThresh);
  const insideBoxes = gatherBoxes(anchors, inside);
  const numGt = boxCount(gtBoxes);
  const overlaps = iouMatrix(insideBoxes, gtBoxes);

  const insideLabels = new Int8Array(inside.length).fill(-1);
  const bestGt = new Int32Array(inside.length);
  const bestOverlap = new Float64Array(inside.length);
  for (let i = 0; i < inside.length; i++) {
    for (let g = 1; g < numGt; g++) if (overlaps[i * numGt + g] > overlaps[i * numGt + bestGt[i]]) bestGt[i] = g;
    bestOverlap[i] = numGt > 0 ? overlaps[i * numGt + bestGt[i]] : 0;
  }
  if (numGt > 0) {
    // rpn.py: for each GT, every anchor sharing its highest overlap (ties included) is positive.
    for (let g = 0; g < numGt; g++) {
      let gtMax = -Infinity;
      for (let i = 0; i < inside.length; i++) gtMax = Math.max(gtMax, overlaps[i * numGt + g]);
      for (let i = 0; i < inside.length; i++) if (overlaps[i * numGt + g] === gtMax) insideLabels[i] = 1;
    }
    // rpn.py: labels[anchor_to_gt_max >= RPN_POSITIVE_OVERLAP] = 1
    for (let i = 0; i < inside.length; i++) if (bestOverlap[i] >= params.rpnPositiveOverlap) insideLabels[i] = 1;
  }

  // rpn.py: num_fg = int(RPN_FG_FRACTION * RPN_BATCH_SIZE_PER_IM); surplus positives are ignored.
  const maxPositives = Math.trunc(params.rpnFgFraction * params.rpnBatchSizePerImage);
  const positives = indicesWhere(insideLabels, (label) => label === 1);
  if (positives.length > maxPositives) {
    for (const i of sampleWithoutReplacement(positives, positives.length - maxPositives, random)) insideLabels[i] = -1;
  }
  const numPositives = Math.min(positives.length, maxPositives);
  // rpn.py: num_bg = batch - #positives, drawn with replacement (npr.randint) from IoU < 0.3.
  const negativeQuota = params.rpnBatchSizePerImage - numPositives;
  const negativeCandidates = indicesWhere(bestOverlap, (overlap) => overlap < params.rpnNegativeOverlap);
  if (negativeCandidates.length > negativeQuota) {
    for (const i of sampleWithReplacement(negativeCandidates, negativeQuota, random)) insideLabels[i] = 0;
  }

  const labels = new Int8Array(numAnchors).fill(-1);
  const targets = new Float32Array(numAnchors * 4);
  const outsideWeights = new Float32Array(numAnchors);
  const numSampled = insideLabels.reduce((count, label) => count + (label >= 0 ? 1 : 0), 0);
  const finalPositives = indicesWhere(insideLabels, (label) => label === 1);
  const matchedGt = new Float32Array(finalPositives.length * 4);
  finalPositives.forEach((i, k) => matchedGt.set(gtBoxes.subarray(bestGt[i] * 4, bestGt[i] * 4 + 4), k * 4));
  const positiveTargets = encodeBoxes(gatherBoxes(insideBoxes, finalPositives), matchedGt, params.rpnBoxWeights);
  finalPositives.forEach((i, k) => targets.set(positiveTargets.subarray(k * 4, k * 4 + 4), inside[i] * 4));
  inside.forEach((anchor, i) => {
    labels[anchor] = insideLabels[i];
    // rpn.py: bbox_outside_weights[labels >= 0] = 1.0 / num_examples
    if (insideLabels[i] >= 0) outsideWeights[anchor] = 1 / numSampled;
  });
  return { labels, targets, outsideWeights };
}

/** rpn.py: anchors with x1, y1 >= -straddle and x2 < width + straddle, y2 < height + straddle. */
export function insideAnchorIndices(anchors: Boxes, image: ImageShape, straddleThresh: number): number[] {
  const n = boxCount(anchors);
  if (straddleThresh < 0) return Array.from({ length: n }, (_, i) => i);
  const inside: number[] = [];
  for (let i = 0; i < n; i++) {
    if (
      anchors[i * 4] >= -straddleThresh &&
      anchors[i * 4 + 1] >= -straddleThresh &&
      anchors[i * 4 + 2] < image.width + straddleThresh &&
      anchors[i * 4 + 3] < image.height + straddleThresh
    ) {
      inside.push(i);
    }
  }
  return inside;
}
