/**
 * The whole Faster R-CNN C4 detector as ONE ONNX model (opset 17), run with onnxruntime-node.
 *
 * Inputs, as Detectron's blobs: `image` [1,3,H,W] (resized by detectionTransform and normalised
 * as the checkpoint says) and `im_info` [1,3] = (H, W, scale). Outputs: `boxes` [K,4] (x1,y1,x2,y2,
 * 0-based inclusive, ORIGINAL-image pixels), `scores` [K], `labels` [K] int64 (1..C-1), best first.
 *
 * Inside: body conv1..res4 (BN folded) -> RPN (3x3 conv + ReLU, objectness Sigmoid, deltas) ->
 * anchors (an initializer for the largest map, Slice'd to the map size; (y,x,a) order as
 * shiftedAnchors) -> TopK(pre-NMS) -> box decoding -> Clip to (H-1, W-1) -> min-size/centre filter
 * (Compress) -> NonMaxSuppression (post-NMS top N) -> MaxRoiPool (Caffe2 RoIPool semantics, see
 * detector-onnx.test.ts) -> res5 head (frozen BN affine folded into the convs) -> GlobalAveragePool
 * -> cls Softmax + class-specific deltas -> RoIs / scale, decode with BBOX_REG_WEIGHTS, clip to the
 * original size round(H/scale) x round(W/scale) -> per-class NonMaxSuppression (classes on the
 * batch axis, score > TEST.SCORE_THRESH) -> TopK(DETECTIONS_PER_IM).
 *
 * Detectron's +1 pixel convention in NMS: ONNX NonMaxSuppression computes IoU of boxes without it,
 * so x2 + 1, y2 + 1 is fed to it, which gives exactly Detectron's IoU.
 * Known departures from the JS reference (libs/detection), all on exact ties only: ONNX NMS
 * suppresses at IoU > thresh (Detectron >=); TopK keeps exactly DETECTIONS_PER_IM where Detectron
 * keeps every detection tied with the last score; the original image size is recovered as
 * round(H / scale) (exact whenever the resize rounding error times 1/scale is < 0.5 px).
 *
 * Execution providers (onnxruntime-node 1.30). The CPU EP runs every node (the tests and the
 * benches use it). Reading the WebGPU EP's kernel registry (onnxruntime
 * core/providers/webgpu/webgpu_execution_provider.cc), it has Conv, Relu, Add, MaxPool,
 * GlobalAveragePool, Gemm, Softmax, Sigmoid, Exp, Clip, Sub/Mul/Div, Less/GreaterOrEqual, Shape,
 * Reshape, Transpose, Slice, Split, Concat, Gather, Unsqueeze, Flatten, but no kernel for
 * NonMaxSuppression, TopK, MaxRoiPool, Compress, Round, ConstantOfShape, Min or And: ORT assigns
 * those nodes (the proposal stage, RoI pooling and the final per-class NMS / top-100) to the CPU EP
 * and inserts the copies, so with `--device webgpu` the body, RPN convs and res5 head run on the
 * GPU and the box logic on the CPU. The CUDA EP (opt-in install) was not available here to check;
 * any node it lacks is partitioned onto the CPU EP the same way.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder, foldConvBn, resnet50Blocks, stemSpec, widthOfWeights, type NamedWeights } from '@mgta/onnx';
import { bottleneckStrides } from '@mgta/resnet';
import { decodeImage, detectionTransform, normalize, type Normalization, type RgbImage } from '@mgta/imaging';
import { generateBaseAnchors, shiftedAnchors } from './anchors.ts';
import { headConfigOf, type DetectorProtocol } from './detector-protocol.ts';
import { res5Convs } from './heads.ts';
import type { ImageDetections } from './infer.ts';

export const DETECTOR_OPSET = 17;

type Arrays = Map<string, { shape: number[]; data: Float32Array }>;

export interface DetectorOnnxInputs {
  /** The pretrained model's weights (torchvision names): conv1..res4 become the body (ResNet v1 when protocol.stride1x1). */
  body: NamedWeights;
  /** Trained heads in tfjs layouts (HeadWeights read back to arrays). */
  heads: { trainable: Arrays; frozen: Arrays };
  protocol: DetectorProtocol;
}

/** Largest res4 map side the anchors initializer covers: the long side is at most maxSize. */
export function maxMapSide(protocol: DetectorProtocol): number {
  return Math.ceil(Math.max(protocol.maxSize, protocol.scale) / protocol.detectron.featureStride) + 2;
}

/** [side, side, A, 4] anchors in (y, x, a) order: the initializer the graph slices. */
export function anchorTable(protocol: DetectorProtocol): { side: number; anchors: Float32Array } {
  const d = protocol.detectron;
  const side = maxMapSide(protocol);
  return { side, anchors: shiftedAnchors(generateBaseAnchors(d.featureStride, d.anchorSizes, d.anchorAspectRatios), side, side, d.featureStride) };
}

class Graph {
  private count = 0;
  constructor(readonly g: GraphBuilder) {}
  op(type: string, inputs: string[], attrs: Parameters<GraphBuilder['addNode']>[3] = {}, outputs = 1): string[] {
    const id = this.count++;
    const names = Array.from({ length: outputs }, (_, k) => `${type.toLowerCase()}_${id}_${k}`);
    return this.g.addNode(type, inputs, names, attrs, `${type}_${id}`);
  }
  one(type: string, inputs: string[], attrs: Parameters<GraphBuilder['addNode']>[3] = {}): string {
    return this.op(type, inputs, attrs)[0];
  }
  f32(values: number[] | Float32Array, shape: number[] = [values.length]): string {
    return this.g.addInitializer(`const_${this.count++}`, shape, values instanceof Float32Array ? values : Float32Array.from(values));
  }
  i64(values: number[], shape: number[] = [values.length]): string {
    return this.g.addInitializer(`const_${this.count++}`, shape, BigInt64Array.from(values.map(BigInt)));
  }
  scalarF(value: number): string { return this.f32([value], []); }
  scalarI(value: number): string { return this.i64([value], []); }
}

/** HWIO (tfjs) -> OIHW (ONNX) with each output channel scaled, e.g. by a frozen BN affine. */
function hwioToOihw(t: { shape: number[]; data: Float32Array }, scale?: Float32Array): { shape: number[]; data: Float32Array } {
  const [kh, kw, ci, co] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[((o * ci + i) * kh + y) * kw + x] = t.data[((y * kw + x) * ci + i) * co + o] * (scale ? scale[o] : 1);
  }
  return { shape: [co, ci, kh, kw], data: out };
}

/** Exports the detector; returns the model bytes. */
export function exportDetectorOnnx(inputs: DetectorOnnxInputs): Uint8Array {
  const { protocol, heads } = inputs;
  const d = protocol.detectron;
  const config = headConfigOf(protocol);
  const A = config.numAnchors, C = config.numClasses, P = d.roiPooledSize;
  const builder = new GraphBuilder('faster_rcnn_r50_c4');
  const G = new Graph(builder);
  builder.addInput('image', 'float32', [1, 3, 'H', 'W']);
  builder.addInput('im_info', 'float32', [1, 3]);
  const T = (name: string) => { const t = heads.trainable.get(name); if (!t) throw new Error(`heads lack ${name}`); return t; };

  const conv = (x: string, w: { shape: number[]; data: Float32Array }, b: Float32Array, stride: number, pad: number): string => {
    const wn = G.f32(w.data, w.shape);
    const bn = G.f32(b, [w.shape[0]]);
    return G.one('Conv', [x, wn, bn], { kernel_shape: [w.shape[2], w.shape[3]], strides: [stride, stride], pads: [pad, pad, pad, pad], dilations: [1, 1], group: 1 });
  };

  // ---- body: conv1..res4, BN folded (as exportEncoderOnnx), at the body's width (conv1 out-channels / 64)
  // and stride placement (protocol.stride1x1: ResNet v1).
  const width = widthOfWeights(inputs.body);
  const stride1x1 = protocol.stride1x1 === true;
  let x = G.one('Relu', [conv('image', ...foldedArgs(inputs.body, stemSpec(width)))]);
  x = G.one('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  for (const block of resnet50Blocks(width, { stride1x1 }).filter((b) => b.stage <= 3)) {
    let y = x;
    block.main.forEach((spec, k) => {
      y = conv(y, ...foldedArgs(inputs.body, spec));
      if (k < 2) y = G.one('Relu', [y]);
    });
    const shortcut = block.downsample ? conv(x, ...foldedArgs(inputs.body, block.downsample)) : x;
    x = G.one('Relu', [G.one('Add', [y, shortcut])]);
  }
  const feat = x;

  // ---- im_info scalars.
  const info = G.one('Reshape', ['im_info', G.i64([3])]);
  const imH = G.one('Gather', [info, G.scalarI(0)], { axis: 0 });
  const imW = G.one('Gather', [info, G.scalarI(1)], { axis: 0 });
  const imScale = G.one('Gather', [info, G.scalarI(2)], { axis: 0 });

  // ---- RPN.
  const hidden = G.one('Relu', [conv(feat, hwioToOihw(T('rpn.conv.weight')), T('rpn.conv.bias').data, 1, 1)]);
  const objectness = G.one('Sigmoid', [conv(hidden, hwioToOihw(T('rpn.cls.weight')), T('rpn.cls.bias').data, 1, 0)]);
  const rpnDeltas = conv(hidden, hwioToOihw(T('rpn.bbox.weight')), T('rpn.bbox.bias').data, 1, 0);
  const scoresAll = G.one('Reshape', [G.one('Transpose', [objectness], { perm: [0, 2, 3, 1] }), G.i64([-1])]);
  const deltasAll = G.one('Reshape', [G.one('Transpose', [rpnDeltas], { perm: [0, 2, 3, 1] }), G.i64([-1, 4])]);
  const anchors = anchorNodes(G, feat, protocol);
  const n = G.one('Shape', [scoresAll]);
  const preK = G.one('Min', [n, G.i64([d.rpnTestProposals.preNmsTopN > 0 ? d.rpnTestProposals.preNmsTopN : 2 ** 31])]);
  const [topScores, topIdx] = G.op('TopK', [scoresAll, preK], { axis: 0, largest: 1, sorted: 1 }, 2);
  const decoded = decode(G, G.one('Gather', [anchors, topIdx], { axis: 0 }), G.one('Gather', [deltasAll, topIdx], { axis: 0 }), d.rpnBoxWeights, d.bboxXformClip, 1);
  const clipped = clip(G, decoded, imH, imW, 1);
  // _filter_boxes: sides in original pixels >= max(min size, 1), centre inside the image.
  const [cx1, cy1, cx2, cy2] = G.op('Split', [clipped, G.i64([1, 1, 1, 1])], { axis: 1 }, 4);
  const minSide = G.scalarF(Math.max(d.rpnTestProposals.minSize, 1));
  const one = G.scalarF(1), half = G.scalarF(0.5);
  const ws = G.one('Add', [G.one('Div', [G.one('Sub', [cx2, cx1]), imScale]), one]);
  const hs = G.one('Add', [G.one('Div', [G.one('Sub', [cy2, cy1]), imScale]), one]);
  const xc = G.one('Add', [cx1, G.one('Mul', [G.one('Add', [G.one('Sub', [cx2, cx1]), one]), half])]);
  const yc = G.one('Add', [cy1, G.one('Mul', [G.one('Add', [G.one('Sub', [cy2, cy1]), one]), half])]);
  const keep = G.one('Reshape', [G.one('And', [
    G.one('And', [G.one('GreaterOrEqual', [ws, minSide]), G.one('GreaterOrEqual', [hs, minSide])]),
    G.one('And', [G.one('Less', [xc, imW]), G.one('Less', [yc, imH])]),
  ]), G.i64([-1])]);
  const propBoxes = G.one('Compress', [clipped, keep], { axis: 0 });
  const propScores = G.one('Compress', [topScores, keep], { axis: 0 });
  const plusOne = G.f32([0, 0, 1, 1], [4]);
  const nmsIdx = G.one('NonMaxSuppression', [
    G.one('Unsqueeze', [G.one('Add', [propBoxes, plusOne]), G.i64([0])]),
    G.one('Unsqueeze', [propScores, G.i64([0, 1])]),
    G.i64([d.rpnTestProposals.postNmsTopN > 0 ? d.rpnTestProposals.postNmsTopN : 2 ** 31]),
    G.f32([d.rpnTestProposals.nmsThresh]),
  ]);
  const roiIdx = G.one('Gather', [nmsIdx, G.scalarI(2)], { axis: 1 });
  const rois = G.one('Gather', [propBoxes, roiIdx], { axis: 0 });

  // ---- RoIPool + res5 head.
  const batchCol = G.one('ConstantOfShape', [G.one('Concat', [G.one('Shape', [roiIdx]), G.i64([1])], { axis: 0 })], { value: { tensor: { shape: [1], data: new Float32Array([0]) } } });
  const pooled = G.one('MaxRoiPool', [feat, G.one('Concat', [batchCol, rois], { axis: 1 })], { pooled_shape: [P, P], spatial_scale: { float: d.roiSpatialScale } });
  let r = pooled;
  for (let b = 0; b < 3; b++) {
    const strides = bottleneckStrides(b === 0 ? config.res5Stride : 1, config.stride1x1 === true);
    const affine = (convName: string, bn: string, input: string, s: number, pad: number): string => {
      const scale = heads.frozen.get(`${bn}.scale`)!.data, shift = heads.frozen.get(`${bn}.shift`)!.data;
      return conv(input, hwioToOihw(T(`${convName}.weight`), scale), shift, s, pad);
    };
    let y = G.one('Relu', [affine(`layer4.${b}.conv1`, `layer4.${b}.bn1`, r, strides.conv1, 0)]);
    y = G.one('Relu', [affine(`layer4.${b}.conv2`, `layer4.${b}.bn2`, y, strides.conv2, 1)]);
    y = affine(`layer4.${b}.conv3`, `layer4.${b}.bn3`, y, 1, 0);
    const shortcut = b === 0 ? affine('layer4.0.downsample.0', 'layer4.0.downsample.1', r, strides.downsample, 0) : r;
    r = G.one('Relu', [G.one('Add', [y, shortcut])]);
  }
  void res5Convs;
  const pool = G.one('Flatten', [G.one('GlobalAveragePool', [r])], { axis: 1 });
  const clsW = T('cls_score.weight'), boxW = T('bbox_pred.weight');
  const probs = G.one('Softmax', [G.one('Gemm', [pool, G.f32(clsW.data, clsW.shape), G.f32(T('cls_score.bias').data)])], { axis: 1 });
  const boxDeltas = G.one('Gemm', [pool, G.f32(boxW.data, boxW.shape), G.f32(T('bbox_pred.bias').data)]);

  // ---- boxes in original pixels: RoIs / scale, class-specific decode, clip to round(H/scale) x round(W/scale).
  const roisOrig = G.one('Unsqueeze', [G.one('Div', [rois, imScale]), G.i64([1])]); // [R,1,4]
  const deltas3 = G.one('Reshape', [boxDeltas, G.i64([0, C, 4])]); // [R,C,4]
  const classBoxes = decode(G, roisOrig, deltas3, d.roiBoxWeights, d.bboxXformClip, 2);
  const origH = G.one('Round', [G.one('Div', [imH, imScale])]);
  const origW = G.one('Round', [G.one('Div', [imW, imScale])]);
  const boxesClipped = clip(G, classBoxes, origH, origW, 2);

  // ---- per-class NMS (classes 1..C-1 on the batch axis) and the per-image limit.
  const fgBoxes = G.one('Transpose', [G.one('Slice', [boxesClipped, G.i64([1]), G.i64([C]), G.i64([1])])], { perm: [1, 0, 2] }); // [C-1,R,4]
  const fgScores = G.one('Transpose', [G.one('Slice', [probs, G.i64([1]), G.i64([C]), G.i64([1])])], { perm: [1, 0] }); // [C-1,R]
  const selected = G.one('NonMaxSuppression', [
    G.one('Add', [fgBoxes, plusOne]),
    G.one('Unsqueeze', [fgScores, G.i64([1])]),
    G.i64([2 ** 31]),
    G.f32([d.testNmsThresh]),
    G.f32([d.testScoreThresh]),
  ]);
  const selClass = G.one('Gather', [selected, G.scalarI(0)], { axis: 1 });
  const selRoi = G.one('Gather', [selected, G.scalarI(2)], { axis: 1 });
  const numRois = G.one('Gather', [G.one('Shape', [rois]), G.scalarI(0)], { axis: 0 });
  const flat = G.one('Add', [G.one('Mul', [selClass, numRois]), selRoi]);
  const selScores = G.one('Gather', [G.one('Reshape', [fgScores, G.i64([-1])]), flat], { axis: 0 });
  const selBoxes = G.one('Gather', [G.one('Reshape', [fgBoxes, G.i64([-1, 4])]), flat], { axis: 0 });
  const limit = G.one('Min', [G.one('Shape', [selScores]), G.i64([d.testDetectionsPerImage > 0 ? d.testDetectionsPerImage : 2 ** 31])]);
  const [finalScores, order] = G.op('TopK', [selScores, limit], { axis: 0, largest: 1, sorted: 1 }, 2);
  builder.addNode('Identity', [finalScores], ['scores'], {}, 'out_scores');
  builder.addNode('Gather', [selBoxes, order], ['boxes'], { axis: 0 }, 'out_boxes');
  builder.addNode('Add', [G.one('Gather', [selClass, order], { axis: 0 }), G.i64([1])], ['labels'], {}, 'out_labels');
  builder.addOutput('boxes', 'float32', ['K', 4]);
  builder.addOutput('scores', 'float32', ['K']);
  builder.addOutput('labels', 'int64', ['K']);
  return builder.toModelBytes({ opset: DETECTOR_OPSET, docString: `Faster R-CNN R-50-C4, frozen body (mgta); protocol ${JSON.stringify({ reduced: protocol.reduced, scale: protocol.scale, maxSize: protocol.maxSize, ...(stride1x1 ? { stride1x1 } : {}) })}` });
}

/** Anchors of the map `feat` ([1,C,h,w]): the [side,side,A,4] initializer sliced to [h,w] and flattened to [h*w*A,4]. */
function anchorNodes(G: Graph, feat: string, protocol: DetectorProtocol): string {
  const table = anchorTable(protocol);
  const A = table.anchors.length / (4 * table.side * table.side);
  const hw = G.one('Slice', [G.one('Shape', [feat]), G.i64([2]), G.i64([4]), G.i64([0])]);
  return G.one('Reshape', [G.one('Slice', [G.f32(table.anchors, [table.side, table.side, A, 4]), G.i64([0, 0]), hw, G.i64([0, 1])]), G.i64([-1, 4])]);
}

/** The detector's anchor subgraph alone (input `features` [1,C,h,w], output `anchors`), for tests. */
export function anchorsOnnxModel(protocol: DetectorProtocol): Uint8Array {
  const builder = new GraphBuilder('anchors');
  builder.addInput('features', 'float32', [1, 'C', 'h', 'w']);
  const G = new Graph(builder);
  builder.addNode('Identity', [anchorNodes(G, 'features', protocol)], ['anchors'], {}, 'out');
  builder.addOutput('anchors', 'float32', ['N', 4]);
  return builder.toModelBytes({ opset: DETECTOR_OPSET });
}

/** A MaxRoiPool model (inputs `features` [1,C,H,W], `rois` [R,5]), for checking ORT's semantics against roiPool. */
export function maxRoiPoolOnnxModel(pooledSize: number, spatialScale: number): Uint8Array {
  const builder = new GraphBuilder('max_roi_pool');
  builder.addInput('features', 'float32', [1, 'C', 'H', 'W']);
  builder.addInput('rois', 'float32', ['R', 5]);
  builder.addNode('MaxRoiPool', ['features', 'rois'], ['pooled'], { pooled_shape: [pooledSize, pooledSize], spatial_scale: { float: spatialScale } }, 'pool');
  builder.addOutput('pooled', 'float32', ['R', 'C', pooledSize, pooledSize]);
  return builder.toModelBytes({ opset: DETECTOR_OPSET });
}

function foldedArgs(weights: NamedWeights, spec: { conv: string; bn: string; inChannels: number; outChannels: number; kernel: number; stride: number; pad: number }): [{ shape: number[]; data: Float32Array }, Float32Array, number, number] {
  const folded = foldConvBn(weights, spec);
  return [{ shape: folded.shape, data: folded.weight }, folded.bias, spec.stride, spec.pad];
}

/** bbox_transform on [..., 4] boxes (split along `axis`, the last), deltas broadcastable. */
function decode(G: Graph, boxes: string, deltas: string, weights: readonly number[], clipValue: number, axis: number): string {
  const [x1, y1, x2, y2] = G.op('Split', [boxes, G.i64([1, 1, 1, 1])], { axis }, 4);
  const [dx, dy, dw, dh] = G.op('Split', [deltas, G.i64([1, 1, 1, 1])], { axis }, 4);
  const one = G.scalarF(1), half = G.scalarF(0.5);
  const w = G.one('Add', [G.one('Sub', [x2, x1]), one]);
  const h = G.one('Add', [G.one('Sub', [y2, y1]), one]);
  const cx = G.one('Add', [x1, G.one('Mul', [half, w])]);
  const cy = G.one('Add', [y1, G.one('Mul', [half, h])]);
  const pcx = G.one('Add', [G.one('Mul', [G.one('Div', [dx, G.scalarF(weights[0])]), w]), cx]);
  const pcy = G.one('Add', [G.one('Mul', [G.one('Div', [dy, G.scalarF(weights[1])]), h]), cy]);
  const pw = G.one('Mul', [G.one('Exp', [G.one('Min', [G.one('Div', [dw, G.scalarF(weights[2])]), G.scalarF(clipValue)])]), w]);
  const ph = G.one('Mul', [G.one('Exp', [G.one('Min', [G.one('Div', [dh, G.scalarF(weights[3])]), G.scalarF(clipValue)])]), h]);
  const hw = G.one('Mul', [half, pw]), hh = G.one('Mul', [half, ph]);
  return G.one('Concat', [
    G.one('Sub', [pcx, hw]), G.one('Sub', [pcy, hh]),
    G.one('Sub', [G.one('Add', [pcx, hw]), one]), G.one('Sub', [G.one('Add', [pcy, hh]), one]),
  ], { axis });
}

/** clip_tiled_boxes: x into [0, W-1], y into [0, H-1]. */
function clip(G: Graph, boxes: string, height: string, width: string, axis: number): string {
  const [x1, y1, x2, y2] = G.op('Split', [boxes, G.i64([1, 1, 1, 1])], { axis }, 4);
  const zero = G.scalarF(0), one = G.scalarF(1);
  const wMax = G.one('Sub', [width, one]), hMax = G.one('Sub', [height, one]);
  return G.one('Concat', [
    G.one('Clip', [x1, zero, wMax]), G.one('Clip', [y1, zero, hMax]), G.one('Clip', [x2, zero, wMax]), G.one('Clip', [y2, zero, hMax]),
  ], { axis });
}

/** Prepares one image as the model's inputs (detectionTransform + normalize), as Detectron's _get_image_blob. */
export function detectorInputs(image: RgbImage, protocol: Pick<DetectorProtocol, 'scale' | 'maxSize'>, normalization: Normalization): { feeds: Record<string, ort.Tensor>; scale: number } {
  const { image: resized, scale } = detectionTransform(image, protocol.scale, protocol.maxSize);
  const data = normalize(resized, normalization);
  return {
    scale,
    feeds: {
      image: new ort.Tensor('float32', data, [1, 3, resized.height, resized.width]),
      im_info: new ort.Tensor('float32', Float32Array.from([resized.height, resized.width, scale]), [1, 3]),
    },
  };
}

/** Runs the exported detector on one image (path or decoded). */
export async function onnxDetect(session: ort.InferenceSession, image: string | RgbImage, protocol: Pick<DetectorProtocol, 'scale' | 'maxSize'>, normalization: Normalization): Promise<ImageDetections> {
  const rgb = typeof image === 'string' ? await decodeImage(image) : image;
  const { feeds } = detectorInputs(rgb, protocol, normalization);
  const out = await session.run(feeds);
  const labels = out.labels.data as BigInt64Array;
  return {
    boxes: Float32Array.from(out.boxes.data as Float32Array),
    scores: Float32Array.from(out.scores.data as Float32Array),
    labels: Int32Array.from(labels, (v) => Number(v)),
  };
}
