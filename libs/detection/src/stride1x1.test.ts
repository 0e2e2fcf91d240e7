/**
 * A ResNet v1 body (Detectron's RESNETS.STRIDE_1X1: each stage's stride on layerN.0.conv1): the
 * protocol carries it per model, the res5 head and the exported detector honour it, and the body
 * cache keeps its maps apart from v1.5's while v1.5 keys stay as they were.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { createSession, exportEncoderOnnx } from '@mgta/onnx';
import { initialWeights, pixelNormalizationDefault, type NamedWeights } from '@mgta/resnet';
import { BODY_CACHE_KIND, bodyFeatures, computeBodyMap } from './body-cache.ts';
import { exportDetectorOnnx, onnxDetect } from './detector-onnx.ts';
import { headConfigOf, parseDetectionPreset, protocolForModel } from './detector-protocol.ts';
import { readVariables } from './head-io.ts';
import { disposeHeadWeights, initHeadWeights, roiHeadForward } from './heads.ts';
import { detectImage } from './infer.ts';
import { runKey } from './trainer.ts';

const WIDTH = 1 / 16; // res4 64 channels, res5 128
const preset = parseDetectionPreset({
  reduced: true, scale: 64, maxSize: 96, anchorSizes: [32, 64], rpnChannels: 16,
  rpnTestProposals: { preNmsTopN: 60, postNmsTopN: 8, nmsThresh: 0.7, minSize: 0 }, roiPooledSize: 7, res5Stride: 2,
  schedules: { '07': { iterations: 1, steps: [] }, '07+12': { iterations: 1, steps: [] } },
}, 'test', 4);
const v1 = protocolForModel(preset, { stride1x1: true });
const v15 = protocolForModel(preset, {});

let weights: NamedWeights;
let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: false });
  weights = initialWeights({ name: 'resnet50', decoder: false, width: WIDTH }, 11);
  dir = mkdtempSync(join(tmpdir(), 'mgta-det-v1-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeImage(w: number, h: number, seed: number): Promise<string> {
  const random = new Random(seed);
  const pixels = Uint8Array.from({ length: w * h * 3 }, (_, i) => (((i % (w * 3)) * 3 + Math.floor(i / (w * 3)) * 5) % 256) ^ random.int(32));
  const path = join(dir, `${w}x${h}-${seed}.png`);
  await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 3 } }).png().toFile(path);
  return path;
}

describe('the per-model protocol', () => {
  it('adds stride1x1 for a v1 model only: a v1.5 run keeps the preset protocol and its run key', () => {
    expect(v1.stride1x1).toBe(true);
    expect(v15).toEqual(preset);
    expect('stride1x1' in v15).toBe(false);
    expect(protocolForModel(v1, {})).toEqual(preset); // a v1 protocol handed a v1.5 model drops the flag
    expect(headConfigOf(v1, 64).stride1x1).toBe(true);
    expect(headConfigOf(v15, 64).stride1x1).toBeUndefined();
    const key = (protocol: typeof preset) => runKey({ protocol, schedule: protocol.schedules['07'], entries: 10, pretrainedSha256: 'same weights' });
    expect(key(v15)).toBe(key(preset));
    expect(key(v1)).not.toBe(key(v15));
  });
});

describe('the res5 head of a v1 model', () => {
  it('strides layer4.0.conv1 in tfjs: same weights and RoIs, other outputs than v1.5', () => {
    const heads = initHeadWeights(headConfigOf(v1, 64 * 1), weights, 5);
    try {
      const [a, b] = tf.tidy(() => {
        const pooled = tf.randomNormal([3, 7, 7, 64], 0, 1, 'float32', 3) as tf.Tensor4D;
        const pool = (protocol: typeof preset) => roiHeadForward(heads, headConfigOf(protocol, 64), pooled).features.dataSync() as Float32Array;
        return [pool(v1), pool(v15)];
      });
      let diff = 0, scale = 0;
      for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
      expect(diff).toBeGreaterThan(0.05 * scale);
    } finally {
      disposeHeadWeights(heads);
    }
  });

  it('gives the tfjs detections in the exported ONNX detector (body and res5 head both v1)', async () => {
    const heads = initHeadWeights(headConfigOf(v1, 64), weights, 5);
    const exported = exportDetectorOnnx({ body: weights, heads: { trainable: readVariables(heads.trainable), frozen: readVariables(heads.frozen) }, protocol: v1 });
    const detector = await createSession(exported, { device: 'cpu', threads: 2 });
    const body = await createSession(exportEncoderOnnx(weights, { layer: 'res4', stride1x1: true }), { device: 'cpu', threads: 2 });
    const normalization = { ...pixelNormalizationDefault };
    let compared = 0, scoreDiff = 0, boxDiff = 0;
    try {
      for (const [w, h] of [[80, 64], [60, 75]]) {
        const path = await writeImage(w, h, 7);
        const { map, info } = await computeBodyMap({ session: body.session, normalization }, { id: 'x', path, flipped: false }, v1);
        const reference = detectImage(heads, v1, map, info);
        const fromOnnx = await onnxDetect(detector.session, path, v1, normalization);
        expect(reference.scores.length).toBeGreaterThan(0);
        expect(fromOnnx.scores.length).toBe(reference.scores.length);
        expect(Array.from(fromOnnx.labels)).toEqual(Array.from(reference.labels));
        for (let k = 0; k < reference.scores.length; k++) scoreDiff = Math.max(scoreDiff, Math.abs(fromOnnx.scores[k] - reference.scores[k]));
        for (let k = 0; k < reference.boxes.length; k++) boxDiff = Math.max(boxDiff, Math.abs(fromOnnx.boxes[k] - reference.boxes[k]));
        compared += reference.scores.length;
      }
      console.log(`v1 detector, tfjs vs ONNX: ${compared} detections, max abs diff scores ${scoreDiff.toExponential(2)}, boxes ${boxDiff.toExponential(2)} px`);
      expect(compared).toBeGreaterThan(2);
      expect(scoreDiff).toBeLessThan(1e-4);
      expect(boxDiff).toBeLessThan(1e-2);
      // The same detector exported as v1.5 scores differently: the export does read the flag.
      const asV15 = await createSession(exportDetectorOnnx({ body: weights, heads: { trainable: readVariables(heads.trainable), frozen: readVariables(heads.frozen) }, protocol: v15 }), { device: 'cpu', threads: 2 });
      const path = await writeImage(80, 64, 7);
      const [a, b] = [await onnxDetect(detector.session, path, v1, normalization), await onnxDetect(asV15.session, path, v15, normalization)];
      expect(Array.from(a.scores)).not.toEqual(Array.from(b.scores));
      await asV15.session.release();
    } finally {
      disposeHeadWeights(heads);
      await detector.session.release();
      await body.session.release();
    }
  }, 120_000);
});

describe('the body cache', () => {
  it('keeps v1 and v1.5 maps of the same weights apart; a v1.5 key has no stride1x1 input', { timeout: 60_000 }, async () => {
    const root = join(dir, 'cache');
    const path = await writeImage(40, 30, 9);
    const images = [{ id: 'a', path, flipped: false }];
    const sessions = {
      v15: await createSession(exportEncoderOnnx(weights, { layer: 'res4' }), { device: 'cpu', threads: 1, log: () => undefined }),
      v1: await createSession(exportEncoderOnnx(weights, { layer: 'res4', stride1x1: true }), { device: 'cpu', threads: 1, log: () => undefined }),
    };
    try {
      const run = (variant: 'v1' | 'v15') => bodyFeatures(images, {
        body: { session: sessions[variant].session, normalization: { ...pixelNormalizationDefault }, channels: 64, stride1x1: variant === 'v1' },
        geometry: { scale: 64, maxSize: 96 }, modelSha256: 'same weights', cacheRoot: root,
      });
      const first15 = await run('v15');
      const first1 = await run('v1');
      expect([first15.cached, first1.cached]).toEqual([false, false]);
      expect(Array.from(first1.set.data)).not.toEqual(Array.from(first15.set.data));
      const [again15, again1] = [await run('v15'), await run('v1')];
      expect([again15.cached, again1.cached]).toEqual([true, true]);
      expect(Array.from(again1.set.data)).toEqual(Array.from(first1.set.data));
      expect(Array.from(again15.set.data)).toEqual(Array.from(first15.set.data));
      const entries = readdirSync(join(root, BODY_CACHE_KIND)).map((key) => JSON.parse(readFileSync(join(root, BODY_CACHE_KIND, key, 'entry.json'), 'utf8')).inputs);
      expect(entries).toHaveLength(2);
      expect(entries.filter((inputs) => 'stride1x1' in inputs).map((inputs) => inputs.stride1x1)).toEqual([true]);
    } finally {
      await sessions.v15.session.release();
      await sessions.v1.session.release();
    }
  });
});
