import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { runKey, trainDetector, type TrainEntry } from './trainer.ts';

/** Two synthetic 64x80 images (4x5 res4 maps) whose maps carry a bump in the cells the object covers. */
function syntheticEntries(): TrainEntry[] {
  const random = new Random(1);
  const [h, w, c] = [4, 5, 1024];
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
  const set = new BodyFeatureSet(maps, float32ToFloat16Array(data));
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
    const protocol = tinyProtocol({ schedules: { '07': { iterations: 120, steps: [100] }, '07+12': { iterations: 120, steps: [100] } } });
    const entries = syntheticEntries();
    const schedule = protocol.schedules['07'];
    const out = await trainDetector({ protocol, schedule, entries, pretrained, workDir: join(dir, 'curve') }, runKey({ protocol, schedule, entries: 2 }));
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
  }, 300_000);

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
    for (const [name, t] of a) expect(b.get(name)!.data, name).toEqual(t.data);
    const losses = (d: string) => readFileSync(join(dir, d, 'loss.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss);
    expect(losses('b')).toEqual(losses('a'));
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
    disposeHeadWeights(out.weights);
  }, 120_000);
});
