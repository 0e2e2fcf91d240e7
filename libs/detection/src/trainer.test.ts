import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { initialWeights, type NamedWeights } from '@mgta/resnet';
import { BodyFeatureSet, type BodyMapInfo } from './body-cache.ts';
import { parseDetectionPreset, type DetectorProtocol } from './detector-protocol.ts';
import { float32ToFloat16Array } from './float16.ts';
import { readVariables } from './head-io.ts';
import { iouMatrix } from './boxes.ts';
import { disposeHeadWeights } from './heads.ts';
import { detectImage } from './infer.ts';
import { momentumUpdate, runKey, trainDetector, type TrainEntry } from './trainer.ts';

/**
 * Two synthetic 64x80 images (4x5 res4 maps, 1024·width channels) whose maps carry a bump in the
 * cells the object covers.
 */
function syntheticEntries(width = 1): TrainEntry[] {
  const random = new Random(1);
  const [h, w, c] = [4, 5, 1024 * width];
  const maps: BodyMapInfo[] = [];
  const data = new Float32Array(2 * h * w * c);
  // Boxes on the 16-pixel cell grid, so that the bump says exactly where they are.
  const gts = [new Float32Array([16, 16, 47, 47]), new Float32Array([32, 16, 79, 63])];
  for (let i = 0; i < 2; i++) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) {
      const inside = x * 16 + 8 >= gts[i][0] && x * 16 + 8 <= gts[i][2] && y * 16 + 8 >= gts[i][1] && y * 16 + 8 <= gts[i][3];
      data[((i * h + y) * w + x) * c + k] = Math.max(0, random.normal() * 0.5 + (inside && k % 7 === i ? 2 : 0));
    }
    maps.push({ id: `img${i}`, flipped: false, imageWidth: 80, imageHeight: 64, inputWidth: 80, inputHeight: 64, scale: 1, height: h, width: w, offset: i * h * w * c });
  }
  const set = new BodyFeatureSet(maps, float32ToFloat16Array(data), c);
  return [0, 1].map((index) => ({ set, index, gtBoxes: gts[index], gtClasses: new Int32Array([index + 1]) }));
}

function tinyProtocol(overrides: Record<string, unknown> = {}): DetectorProtocol {
  return parseDetectionPreset({
    reduced: true, scale: 64, maxSize: 96, anchorSizes: [32, 64], rpnChannels: 8, rpnBatchSizePerImage: 32,
    rpnTrainProposals: { preNmsTopN: 50, postNmsTopN: 10, nmsThresh: 0.7, minSize: 0 }, roiPooledSize: 4, res5Stride: 2,
    roiBatchSizePerImage: 4, imagesPerIteration: 2, baseLr: 0.01, warmupIterations: 2, checkpointEvery: 2,
    schedules: { '07': { iterations: 4, steps: [3] }, '07+12': { iterations: 4, steps: [3] } }, ...overrides,
  }, 'test', 3);
}

describe('trainDetector', () => {
  let pretrained: NamedWeights;
  let dir: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', log: false });
    pretrained = initialWeights({ name: 'resnet50', decoder: false }, 2);
    dir = mkdtempSync(join(tmpdir(), 'mgta-det-train-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('learns to detect and writes the loss curve: after training on two images, its best detection on each is the right class at IoU >= 0.5', async () => {
    // An end-to-end check of targets, sampling, losses and decoding together: the heads
    // must fit their own training data (the reduced presets are too short to show it).
    // At width 1/2: at width 1 it took ~170 s on 2 quiet cores, the longest test of the suite (the
    // width-1 head is trained by the tests below). At width 1/4 the second image's best box
    // stopped at IoU 0.42 after 120 and after 200 iterations.
    const protocol = tinyProtocol({ schedules: { '07': { iterations: 120, steps: [100] }, '07+12': { iterations: 120, steps: [100] } } });
    const entries = syntheticEntries(0.5);
    const schedule = protocol.schedules['07'];
    const half = initialWeights({ name: 'resnet50', decoder: false, width: 0.5 }, 2);
    const out = await trainDetector({ protocol, schedule, entries, pretrained: half, workDir: join(dir, 'curve') }, runKey({ protocol, schedule, entries: 2 }));
    expect(out.status).toBe('ok');
    const rows = readFileSync(join(dir, 'curve', 'loss.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rows).toHaveLength(120);
    expect(Object.keys(rows[0]).sort()).toEqual(['iteration', 'loss', 'lr', 'roiBox', 'roiCls', 'rpnBox', 'rpnCls', 'seconds'].sort());
    const mean = (rs: Array<{ loss: number }>) => rs.reduce((sum, r) => sum + r.loss, 0) / rs.length;
    expect(mean(rows.slice(-10))).toBeLessThan(mean(rows.slice(0, 10)) / 2);
    for (const entry of entries) {
      const info = entry.set.maps[entry.index];
      const found = detectImage(out.weights, protocol, entry.set.featureMap(entry.index), info);
      expect(found.labels.length, info.id).toBeGreaterThan(0);
      expect(found.labels[0], info.id).toBe(entry.gtClasses[0]);
      expect(iouMatrix(found.boxes.subarray(0, 4), entry.gtBoxes)[0], info.id).toBeGreaterThanOrEqual(0.5);
    }
    disposeHeadWeights(out.weights);
  }, 600_000);

  it('resuming from a checkpoint gives the same weights as an uninterrupted run', async () => {
    const protocol = tinyProtocol();
    const entries = syntheticEntries();
    const schedule = protocol.schedules['07'];
    const key = runKey({ protocol, schedule, entries: 2 });
    const straight = await trainDetector({ protocol, schedule, entries, pretrained, workDir: join(dir, 'a') }, key);
    const first = await trainDetector({ protocol, schedule, entries, pretrained, workDir: join(dir, 'b'), stopAfter: 2 }, key);
    expect(first.status).toBe('stopped');
    disposeHeadWeights(first.weights);
    const resumed = await trainDetector({ protocol, schedule, entries, pretrained, workDir: join(dir, 'b') }, key);
    expect(resumed.status).toBe('ok');
    expect(resumed.resumedFrom).toBe(2);
    const a = readVariables(straight.weights.trainable);
    const b = readVariables(resumed.weights.trainable);
    // Element by element in a loop: expect().toEqual on the res5 head's millions of floats takes minutes.
    for (const [name, t] of a) {
      const other = b.get(name)!.data;
      let differ = other.length === t.data.length ? 0 : -1;
      for (let i = 0; i < t.data.length && differ >= 0; i++) if (!Object.is(other[i], t.data[i])) differ++;
      expect(differ, name).toBe(0);
    }
    const losses = (d: string) => readFileSync(join(dir, d, 'loss.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
    expect(losses('b')).toEqual(losses('a'));
    // The resumed run reports the whole run's head-feature scale and the first call's time too.
    for (const name of ['res5HeadInput', 'res5Pooled'] as const) {
      expect(resumed.features[name].count).toBe(straight.features[name].count);
      expect(resumed.features[name].maxAbs).toBe(straight.features[name].maxAbs);
      expect(resumed.features[name].rms).toBeCloseTo(straight.features[name].rms, 10);
    }
    expect(resumed.seconds).toBeGreaterThan(first.seconds);
    // A finished run read back from its work dir trains nothing and still reports what it measured.
    const again = await trainDetector({ protocol, schedule, entries, pretrained, workDir: join(dir, 'a') }, key);
    expect(again.resumedFrom).toBe(schedule.iterations);
    expect(again.features).toEqual(straight.features);
    expect(again.seconds).toBeGreaterThanOrEqual(straight.seconds * 0.9);
    disposeHeadWeights(again.weights);
    disposeHeadWeights(straight.weights);
    disposeHeadWeights(resumed.weights);
  }, 120_000);

  it('reports a NaN/inf loss as diverged with its iteration instead of crashing', async () => {
    const protocol = tinyProtocol({ baseLr: 1e12, warmupIterations: 0, schedules: { '07': { iterations: 6, steps: [] }, '07+12': { iterations: 6, steps: [] } } });
    const schedule = protocol.schedules['07'];
    const out = await trainDetector({ protocol, schedule, entries: syntheticEntries(), pretrained }, 'diverge');
    expect(out.status).toBe('diverged');
    expect(out.iteration).toBeGreaterThan(1);
    expect(out.iteration).toBeLessThanOrEqual(6);
    // Its cause as measured: the iteration, which loss terms were not finite, the feature scale.
    const d = out.divergence!;
    expect(d.iteration).toBe(out.iteration);
    expect(d.lr).toBe(1e12);
    expect(Object.keys(d.nonFiniteLosses).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(d.nonFiniteLosses)) {
      expect(['NaN', 'Infinity', '-Infinity']).toContain(value);
      if (name !== 'total') expect(Number.isFinite(d.losses[name as keyof typeof d.losses])).toBe(false);
    }
    expect(d.features.res5HeadInput.count).toBeGreaterThan(0);
    expect(d.features.res5HeadInput.rms).toBeGreaterThan(0);
    expect(out.features.res5HeadInput.count).toBeGreaterThanOrEqual(d.features.res5HeadInput.count);
    disposeHeadWeights(out.weights);
  }, 120_000);

  it('without the new settings the numbers are those from before them (losses and weights of a 4-iteration run)', async () => {
    // Golden values from the trainer before biasRule / warmupFraction / lrReference existed.
    const protocol = tinyProtocol();
    const schedule = protocol.schedules['07'];
    const losses: number[] = [];
    const out = await trainDetector({ protocol, schedule, entries: syntheticEntries(), pretrained, onIteration: (row) => losses.push(row.loss) }, 'golden');
    expect(losses).toHaveLength(GOLDEN.losses.length);
    losses.forEach((loss, i) => expect(loss, `iteration ${i + 1}`).toBeCloseTo(GOLDEN.losses[i], 5));
    const sum = (name: string) => readVariables(out.weights.trainable).get(name)!.data.reduce((a, b) => a + b, 0);
    expect(sum('rpn.conv.weight')).toBeCloseTo(GOLDEN.rpnConvWeightSum, 4);
    expect(sum('layer4.2.conv3.weight')).toBeCloseTo(GOLDEN.res5Conv3WeightSum, 3);
    expect(runKey({ protocol, schedule, entries: 2 })).toBe(GOLDEN.runKey);
    disposeHeadWeights(out.weights);
  }, 120_000);

  it('biasRule: one SGD step from the same start moves biases twice as far (their decay is off), weights as without it', async () => {
    const schedule = { iterations: 1, steps: [] };
    const run = async (biasRule: boolean) => {
      const protocol = tinyProtocol({ biasRule, warmupIterations: 0 });
      const out = await trainDetector({ protocol, schedule, entries: syntheticEntries(), pretrained }, `bias-${biasRule}`);
      const weights = readVariables(out.weights.trainable);
      disposeHeadWeights(out.weights);
      return weights;
    };
    const plain = await run(false), rule = await run(true);
    for (const [name, t] of plain) {
      const other = rule.get(name)!.data;
      if (name.endsWith('.bias')) {
        // Biases start at 0, so after one step they are -lr g (plain) and -2 lr g (rule).
        expect(t.data.some((v) => v !== 0), name).toBe(true);
        t.data.forEach((v, i) => expect(other[i], `${name}[${i}]`).toBe(2 * v));
      } else {
        // Element by element in a loop: expect().toEqual on millions of floats takes minutes.
        let differ = 0;
        for (let i = 0; i < t.data.length; i++) if (other[i] !== t.data[i]) differ++;
        expect(differ, name).toBe(0);
      }
    }
  }, 120_000);
});

describe('momentumUpdate (one Caffe2 MomentumSGDUpdate)', () => {
  it('hand-computed: v = m v + lr (g + wd w); with biasRule a bias gets v = m v + 2 lr g', () => {
    const w = tf.tensor1d([1, 2]), g = tf.tensor1d([0.5, -1]), m = tf.tensor1d([0.1, 0.2]);
    const protocol = { momentum: 0.9, weightDecay: 0.01 };
    const close = (t: tf.Tensor, expected: number[]) => (t.dataSync() as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    // 0.9 * 0.1 + 0.1 * (0.5 + 0.01 * 1) = 0.141; 0.9 * 0.2 + 0.1 * (-1 + 0.01 * 2) = 0.082
    close(momentumUpdate('rpn.conv.weight', w, g, m, 0.1, protocol), [0.141, 0.082]);
    close(momentumUpdate('rpn.conv.bias', w, g, m, 0.1, protocol), [0.141, 0.082]);
    close(momentumUpdate('rpn.conv.weight', w, g, m, 0.1, { ...protocol, biasRule: true }), [0.141, 0.082]);
    // 0.9 * 0.1 + 2 * 0.1 * 0.5 = 0.19; 0.9 * 0.2 + 2 * 0.1 * -1 = -0.02 (no decay)
    close(momentumUpdate('rpn.conv.bias', w, g, m, 0.1, { ...protocol, biasRule: true }), [0.19, -0.02]);
    close(momentumUpdate('cls_score.bias', w, g, m, 0.1, { ...protocol, biasRule: true }), [0.19, -0.02]);
    tf.dispose([w, g, m]);
  });
});

/** tinyProtocol(), 4 iterations, computed with the trainer of commit 0a966c0 (before the new settings). */
const GOLDEN = {
  losses: [2.435041666030884, 2.3942108154296875, 2.3348331451416016, 3.075284004211426],
  rpnConvWeightSum: -3.002152428731165,
  res5Conv3WeightSum: 31.21012273554419,
  runKey: '487d3547139e0c88',
};

