import type { BoxWeights } from './types.ts';

/** RPN proposal generation settings; Detectron keeps one set for TRAIN and one for TEST. */
export interface ProposalParams {
  /** RPN_PRE_NMS_TOP_N: proposals kept by score before NMS (<= 0 keeps all). */
  preNmsTopN: number;
  /** RPN_POST_NMS_TOP_N: proposals kept after NMS (<= 0 keeps all). */
  postNmsTopN: number;
  /** RPN_NMS_THRESH: IoU at or above which a lower-scoring proposal is suppressed. */
  nmsThresh: number;
  /** RPN_MIN_SIZE: minimum side in original-image pixels (raised to 1 by _filter_boxes). */
  minSize: number;
}

/** Every constant of the Faster R-CNN R-50-C4 protocol, named after its Detectron config key. */
export interface DetectionProtocol {
  /** MODEL.NUM_CLASSES: object classes plus background (index 0). */
  numClasses: number;
  /** RPN.STRIDE: stride of res4, the feature map the RPN and RoIPool read. */
  featureStride: number;
  /** RPN.SIZES: anchor sizes in pixels (sqrt of area). */
  anchorSizes: readonly number[];
  /** RPN.ASPECT_RATIOS: anchor h/w ratios. */
  anchorAspectRatios: readonly number[];
  /** TRAIN.RPN_BATCH_SIZE_PER_IM: anchors sampled per image. */
  rpnBatchSizePerImage: number;
  /** TRAIN.RPN_FG_FRACTION: maximum fraction of positives among the sampled anchors. */
  rpnFgFraction: number;
  /** TRAIN.RPN_POSITIVE_OVERLAP: IoU at or above which an anchor is positive. */
  rpnPositiveOverlap: number;
  /** TRAIN.RPN_NEGATIVE_OVERLAP: IoU below which an anchor may be negative. */
  rpnNegativeOverlap: number;
  /** TRAIN.RPN_STRADDLE_THRESH: anchors crossing the border by more are ignored (< 0 keeps all). */
  rpnStraddleThresh: number;
  /** rpn_heads.py SmoothL1Loss beta for the RPN box loss. */
  rpnBoxLossBeta: number;
  /** data_utils.compute_targets / GenerateProposalsOp box-coding weights of the RPN. */
  rpnBoxWeights: BoxWeights;
  /** TRAIN.RPN_*: proposal settings while training. */
  rpnTrainProposals: ProposalParams;
  /** TEST.RPN_*: proposal settings at test time. */
  rpnTestProposals: ProposalParams;
  /** BBOX_XFORM_CLIP: upper clamp of the decoded log-size deltas dw, dh. */
  bboxXformClip: number;
  /** FAST_RCNN.ROI_XFORM_RESOLUTION: RoIPool output side. */
  roiPooledSize: number;
  /** 1 / RPN.STRIDE: RoIPool spatial scale of res4. */
  roiSpatialScale: number;
  /** TRAIN.BATCH_SIZE_PER_IM: RoIs sampled per image. */
  roiBatchSizePerImage: number;
  /** TRAIN.FG_FRACTION: maximum fraction of foreground RoIs. */
  roiFgFraction: number;
  /** TRAIN.FG_THRESH: IoU at or above which a RoI is foreground. */
  roiFgThresh: number;
  /** TRAIN.BG_THRESH_HI: background RoIs have IoU below this... */
  roiBgThreshHi: number;
  /** TRAIN.BG_THRESH_LO: ...and at or above this. */
  roiBgThreshLo: number;
  /** TRAIN.BBOX_THRESH: RoIs with IoU at or above this get regression targets. */
  roiBboxThresh: number;
  /** MODEL.BBOX_REG_WEIGHTS: box-coding weights of the RoI head. */
  roiBoxWeights: BoxWeights;
  /** fast_rcnn_heads.py SmoothL1Loss beta (the op's default) for the RoI box loss. */
  roiBoxLossBeta: number;
  /** TEST.SCORE_THRESH: detections must score strictly above this. */
  testScoreThresh: number;
  /** TEST.NMS: per-class NMS IoU threshold. */
  testNmsThresh: number;
  /** TEST.DETECTIONS_PER_IM: detections kept per image over all classes (<= 0 keeps all). */
  testDetectionsPerImage: number;
}

/**
 * Detectron config.py defaults as used by fair_self_supervision_benchmark's
 * object_detection_frozen/voc07/e2e_faster_rcnn_R-50-C4_trainval.yaml (which overrides
 * NUM_CLASSES and TEST.RPN_PRE/POST_NMS_TOP_N; everything else is Detectron's default).
 */
export const DETECTRON_C4_PROTOCOL: DetectionProtocol = {
  numClasses: 21, // benchmark yaml: MODEL.NUM_CLASSES 21 (20 VOC + background)
  featureStride: 16, // config.py: RPN.STRIDE = 16
  anchorSizes: [64, 128, 256, 512], // config.py: RPN.SIZES = (64, 128, 256, 512)
  anchorAspectRatios: [0.5, 1, 2], // config.py: RPN.ASPECT_RATIOS = (0.5, 1, 2)
  rpnBatchSizePerImage: 256, // config.py: TRAIN.RPN_BATCH_SIZE_PER_IM = 256
  rpnFgFraction: 0.5, // config.py: TRAIN.RPN_FG_FRACTION = 0.5
  rpnPositiveOverlap: 0.7, // config.py: TRAIN.RPN_POSITIVE_OVERLAP = 0.7
  rpnNegativeOverlap: 0.3, // config.py: TRAIN.RPN_NEGATIVE_OVERLAP = 0.3
  rpnStraddleThresh: 0, // config.py: TRAIN.RPN_STRADDLE_THRESH = 0
  rpnBoxLossBeta: 1 / 9, // rpn_heads.py: SmoothL1Loss(..., beta=1. / 9.)
  rpnBoxWeights: [1, 1, 1, 1], // data_utils.compute_targets / generate_proposals.py: (1.0, 1.0, 1.0, 1.0)
  rpnTrainProposals: {
    preNmsTopN: 12000, // config.py: TRAIN.RPN_PRE_NMS_TOP_N = 12000
    postNmsTopN: 2000, // config.py: TRAIN.RPN_POST_NMS_TOP_N = 2000
    nmsThresh: 0.7, // config.py: TRAIN.RPN_NMS_THRESH = 0.7
    minSize: 0, // config.py: TRAIN.RPN_MIN_SIZE = 0
  },
  rpnTestProposals: {
    preNmsTopN: 2000, // benchmark yaml: TEST.RPN_PRE_NMS_TOP_N 2000 (Detectron default 6000)
    postNmsTopN: 1000, // benchmark yaml: TEST.RPN_POST_NMS_TOP_N 1000
    nmsThresh: 0.7, // config.py: TEST.RPN_NMS_THRESH = 0.7
    minSize: 0, // config.py: TEST.RPN_MIN_SIZE = 0
  },
  bboxXformClip: Math.log(1000 / 16), // config.py: BBOX_XFORM_CLIP = np.log(1000. / 16.)
  roiPooledSize: 14, // config.py: FAST_RCNN.ROI_XFORM_RESOLUTION = 14
  roiSpatialScale: 1 / 16, // ResNet.py add_ResNet_roi_conv5_head: spatial_scale = 1/16 (res4)
  roiBatchSizePerImage: 64, // config.py: TRAIN.BATCH_SIZE_PER_IM = 64
  roiFgFraction: 0.25, // config.py: TRAIN.FG_FRACTION = 0.25
  roiFgThresh: 0.5, // config.py: TRAIN.FG_THRESH = 0.5
  roiBgThreshHi: 0.5, // config.py: TRAIN.BG_THRESH_HI = 0.5
  roiBgThreshLo: 0.0, // config.py: TRAIN.BG_THRESH_LO = 0.0
  roiBboxThresh: 0.5, // config.py: TRAIN.BBOX_THRESH = 0.5
  roiBoxWeights: [10, 10, 5, 5], // config.py: MODEL.BBOX_REG_WEIGHTS = (10., 10., 5., 5.)
  roiBoxLossBeta: 1, // fast_rcnn_heads.py: SmoothL1Loss without beta (op default 1.0)
  testScoreThresh: 0.05, // config.py: TEST.SCORE_THRESH = 0.05
  testNmsThresh: 0.3, // config.py: TEST.NMS = 0.3
  testDetectionsPerImage: 100, // config.py: TEST.DETECTIONS_PER_IM = 100
};
