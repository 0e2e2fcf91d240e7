import type { Random } from '@mgta/core';
import { encodeBoxes, iouMatrix } from './boxes.ts';
import { gatherBoxes, indicesWhere } from './gather.ts';
import type { DetectionProtocol } from './protocol.ts';
import { sampleWithoutReplacement } from './sampling.ts';
import { boxCount, type Boxes } from './types.ts';

/** Fast R-CNN training blobs of one image: foreground RoIs first, then background. */
export interface RoiTargets {
  /** [rois, 4] sampled RoIs in network-input pixels. */
  rois: Boxes;
  /** Class of each RoI, 0 for background (labels_int32). */
  labels: Int32Array;
  /** [rois, 4 * numClasses] class-specific targets, non-zero only in the label's 4 columns. */
  targets: Float32Array;
  /** [rois, 4 * numClasses]: 1 in the label's 4 columns of RoIs with targets (bbox_inside_weights = bbox_outside_weights). */
  weights: Float32Array;
  /** How many leading rows are foreground. */
  numForeground: number;
}

export type RoiTargetParams = Pick<
  DetectionProtocol,
  'numClasses' | 'roiBatchSizePerImage' | 'roiFgFraction' | 'roiFgThresh' | 'roiBgThreshHi' | 'roiBgThreshLo' | 'roiBboxThresh' | 'roiBoxWeights'
>;

/**
 * Detectron's GenerateProposalLabelsOp for one image: the GT boxes are prepended to the proposals
 * (the roidb holds them; json_dataset.add_proposals appends the RPN boxes), each candidate takes
 * the class of its highest-IoU GT (first on ties; a GT row keeps its own class), and
 * roi_data/fast_rcnn.py _sample_rois draws up to round(FG_FRACTION * BATCH_SIZE_PER_IM)
 * foreground (IoU >= FG_THRESH) and fills the batch with background (IoU in
 * [BG_THRESH_LO, BG_THRESH_HI)), both without replacement. `gtClasses` are 1-based.
 */
export function roiTargets(proposals: Boxes, gtBoxes: Boxes, gtClasses: Int32Array, params: RoiTargetParams, random: Random): RoiTargets {
  const numGt = boxCount(gtBoxes);
  if (gtClasses.length !== numGt) throw new Error(`roiTargets: ${numGt} GT boxes but ${gtClasses.length} classes`);
  for (const cls of gtClasses) {
    if (!(cls >= 1 && cls < params.numClasses)) throw new Error(`roiTargets: GT class ${cls} outside 1..${params.numClasses - 1}`);
  }
  const candidates = new Float32Array(gtBoxes.length + proposals.length);
  candidates.set(gtBoxes, 0);
  candidates.set(proposals, gtBoxes.length);
  const { matchedGt, maxOverlap } = matchToGt(candidates, gtBoxes);

  // fast_rcnn.py: fg_rois_per_image = int(np.round(FG_FRACTION * BATCH_SIZE_PER_IM)).
  const fgQuota = Math.round(params.roiFgFraction * params.roiBatchSizePerImage);
  const fgCandidates = indicesWhere(maxOverlap, (overlap) => overlap >= params.roiFgThresh);
  const foreground = sampleWithoutReplacement(fgCandidates, Math.min(fgQuota, fgCandidates.length), random);
  const bgCandidates = indicesWhere(maxOverlap, (overlap) => overlap < params.roiBgThreshHi && overlap >= params.roiBgThreshLo);
  const bgCount = Math.min(params.roiBatchSizePerImage - foreground.length, bgCandidates.length);
  const background = sampleWithoutReplacement(bgCandidates, bgCount, random);

  const sampled = [...foreground, ...background];
  const rois = gatherBoxes(candidates, sampled);
  const labels = new Int32Array(sampled.length);
  foreground.forEach((c, k) => (labels[k] = gtClasses[matchedGt[c]]));

  // roidb.py compute_bbox_regression_targets: targets for RoIs with IoU >= BBOX_THRESH, written
  // into their class's 4 columns by fast_rcnn.py _expand_bbox_targets (only class > 0 rows).
  const width = 4 * params.numClasses;
  const targets = new Float32Array(sampled.length * width);
  const weights = new Float32Array(sampled.length * width);
  const regressed = indicesWhere(labels, (label) => label > 0).filter((k) => maxOverlap[sampled[k]] >= params.roiBboxThresh);
  const regressedGt = gatherBoxes(gtBoxes, regressed.map((k) => matchedGt[sampled[k]]));
  const deltas = encodeBoxes(gatherBoxes(rois, regressed), regressedGt, params.roiBoxWeights);
  regressed.forEach((k, r) => {
    const column = k * width + 4 * labels[k];
    targets.set(deltas.subarray(r * 4, r * 4 + 4), column);
    weights.fill(1, column, column + 4);
  });
  return { rois, labels, targets, weights, numForeground: foreground.length };
}

/**
 * Each candidate's highest-IoU GT (first on ties) and that IoU; the first numGt candidates are
 * the GT boxes themselves and match themselves with overlap 1, as in the roidb. With no GT,
 * every overlap is 0.
 */
function matchToGt(candidates: Boxes, gtBoxes: Boxes): { matchedGt: Int32Array; maxOverlap: Float64Array } {
  const n = boxCount(candidates);
  const numGt = boxCount(gtBoxes);
  const overlaps = iouMatrix(candidates, gtBoxes);
  const matchedGt = new Int32Array(n);
  const maxOverlap = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i < numGt) {
      matchedGt[i] = i;
      maxOverlap[i] = 1;
      continue;
    }
    for (let g = 1; g < numGt; g++) if (overlaps[i * numGt + g] > overlaps[i * numGt + matchedGt[i]]) matchedGt[i] = g;
    maxOverlap[i] = numGt > 0 ? overlaps[i * numGt + matchedGt[i]] : 0;
  }
  return { matchedGt, maxOverlap };
}
