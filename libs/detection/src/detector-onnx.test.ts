import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { createSession, exportEncoderOnnx } from '@mgta/onnx';
import { initialWeights, pixelNormalizationDefault } from '@mgta/resnet';
import { generateBaseAnchors, shiftedAnchors } from './anchors.ts';
import { computeBodyMap } from './body-cache.ts';
import { anchorsOnnxModel, exportDetectorOnnx, maxRoiPoolOnnxModel, onnxDetect } from './detector-onnx.ts';
import { parseDetectionPreset } from './detector-protocol.ts';
import { readVariables } from './head-io.ts';
import { disposeHeadWeights, initHeadWeights } from './heads.ts';
import { detectImage } from './infer.ts';
import { roiPool } from './roi-pool.ts';
import { headConfigOf } from './detector-protocol.ts';

const protocol = parseDetectionPreset({
  reduced: true, scale: 64, maxSize: 96, anchorSizes: [32, 64], rpnChannels: 16,
  rpnTestProposals: { preNmsTopN: 60, postNmsTopN: 8, nmsThresh: 0.7, minSize: 0 }, roiPooledSize: 7, res5Stride: 2,
  schedules: { '07': { iterations: 1, steps: [] }, '07+12': { iterations: 1, steps: [] } },
}, 'test', 4);

describe('anchors in the graph', () => {
  it('equal shiftedAnchors for several map sizes', async () => {
    const { session } = await createSession(anchorsOnnxModel(protocol), { device: 'cpu', threads: 1 });
    const d = protocol.detectron;
    for (const [h, w] of [[1, 1], [4, 6], [7, 3]]) {
      const out = await session.run({ features: new ort.Tensor('float32', new Float32Array(2 * h * w), [1, 2, h, w]) });
      const expected = shiftedAnchors(generateBaseAnchors(d.featureStride, d.anchorSizes, d.anchorAspectRatios), h, w, d.featureStride);
      expect(Array.from(out.anchors.data as Float32Array)).toEqual(Array.from(expected));
    }
  });
});

describe('ORT MaxRoiPool', () => {
  it('matches roiPool (Caffe2 RoIPool semantics) on fractional, border and degenerate RoIs', async () => {
    const random = new Random(3);
    const [C, H, W, P, scale] = [5, 9, 11, 7, 1 / 16];
    const hwc = Float32Array.from({ length: H * W * C }, () => random.normal());
    const nchw = new Float32Array(hwc.length);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) nchw[(c * H + y) * W + x] = hwc[(y * W + x) * C + c];
    const rois: number[] = [0, 0, 175, 143, 8.4, 7.5, 40.2, 100.7, 100, 20, 100, 20, 150, 120, 175, 143, 23.5, 24.49, 24.51, 200, -10, -5, 60, 30];
    for (let k = 0; k < 20; k++) {
      const x1 = random.uniform(0, 170), y1 = random.uniform(0, 140);
      rois.push(x1, y1, x1 + random.uniform(0, 120), y1 + random.uniform(0, 100));
    }
    const boxes = Float32Array.from(rois);
    const n = boxes.length / 4;
    const withBatch = new Float32Array(n * 5);
    for (let r = 0; r < n; r++) withBatch.set([0, ...boxes.subarray(r * 4, r * 4 + 4)], r * 5);
    const { session } = await createSession(maxRoiPoolOnnxModel(P, scale), { device: 'cpu', threads: 1 });
    const out = (await session.run({ features: new ort.Tensor('float32', nchw, [1, C, H, W]), rois: new ort.Tensor('float32', withBatch, [n, 5]) })).pooled.data as Float32Array;
    const expected = roiPool({ data: hwc, height: H, width: W, channels: C }, boxes, P, scale); // [R,P,P,C]
    let mismatches = 0;
    for (let r = 0; r < n; r++) for (let c = 0; c < C; c++) for (let i = 0; i < P * P; i++) {
      if (out[(r * C + c) * P * P + i] !== expected[(r * P * P + i) * C + c]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('head width', () => {
  it('refuses a body whose channels do not match the pretrained layer4', () => {
    const weights = initialWeights({ name: 'resnet50', decoder: false, width: 0.125 }, 1);
    expect(() => initHeadWeights(headConfigOf(protocol), weights, 5)).toThrow(/the body gives 1024 channels but the pretrained layer4 \(res5 head\) takes 128/);
  });
});

describe('tfjs detector vs exported ONNX detector', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', log: false });
    dir = mkdtempSync(join(tmpdir(), 'mgta-det-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Width 1/8 (res4 128 channels, res5 256): the body, RPN input and res5 head follow the width.
  it.each([1, 0.125])('give the same detections on the same images (ResNet-50 width %s)', async (width) => {
    const weights = initialWeights({ name: 'resnet50', decoder: false, width }, 11);
    const heads = initHeadWeights(headConfigOf(protocol, 1024 * width), weights, 5);
    expect(heads.trainable.get('rpn.conv.weight')!.shape).toEqual([3, 3, 1024 * width, 16]);
    expect(heads.trainable.get('cls_score.weight')!.shape).toEqual([2048 * width, 4]);
    const bytes = exportDetectorOnnx({ body: weights, heads: { trainable: readVariables(heads.trainable), frozen: readVariables(heads.frozen) }, protocol });
    const detector = await createSession(bytes, { device: 'cpu', threads: 2 });
    const body = await createSession(exportEncoderOnnx(weights, { layer: 'res4' }), { device: 'cpu', threads: 2 });
    const normalization = { ...pixelNormalizationDefault };
    const random = new Random(7);
    let compared = 0;
    for (const [w, h] of [[80, 64], [60, 75]]) {
      const pixels = Uint8Array.from({ length: w * h * 3 }, (_, i) => (((i % (w * 3)) * 3 + Math.floor(i / (w * 3)) * 5) % 256) ^ random.int(32));
      const path = join(dir, `${w}x${h}.png`);
      await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 3 } }).png().toFile(path);
      const { map, info } = await computeBodyMap({ session: body.session, normalization }, { id: 'x', path, flipped: false }, protocol);
      expect(map.channels).toBe(1024 * width);
      const reference = detectImage(heads, protocol, map, info);
      const exported = await onnxDetect(detector.session, path, protocol, normalization);
      expect(reference.scores.length).toBeGreaterThan(0);
      expect(exported.scores.length).toBe(reference.scores.length);
      expect(Array.from(exported.labels)).toEqual(Array.from(reference.labels));
      for (let k = 0; k < reference.scores.length; k++) expect(Math.abs(exported.scores[k] - reference.scores[k])).toBeLessThan(1e-4);
      for (let k = 0; k < reference.boxes.length; k++) expect(Math.abs(exported.boxes[k] - reference.boxes[k])).toBeLessThan(1e-2);
      compared += reference.scores.length;
    }
    expect(compared).toBeGreaterThan(2);
    disposeHeadWeights(heads);
    await detector.session.release();
    await body.session.release();
  }, 120_000);
});
