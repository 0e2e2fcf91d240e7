// End-to-end checks of the issue-11 training options on tiny runs (width 1/8, 16x16 images):
// SGD + warm-up/cosine resumes exactly (IAE; MGTA with per-net optimiser state), the LR logged
// is the schedule's, tripletFeature res4 leaves layer4 alone and is recorded as a deviation,
// held-out images never reach a trainer and their diagnostics are recorded, iae-long starts
// from the IAE's weights and trains as many image-steps as MGTA's N2.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { ResNet50, initialWeights, loadCheckpoint, readCheckpointManifest, saveCheckpoint, type NamedWeights } from '@mgta/resnet';
import { heldOutAccuracy, heldOutNmi, holdoutData } from './diagnostics.ts';
import { splitHoldout } from './holdout.ts';
import { ImageLoader } from './image-loader.ts';
import { listImageSet } from './image-set.ts';
import { learningRateAt } from './lr-schedule.ts';
import { parsePretrainPreset, type PretrainPreset } from './pretrain-preset.ts';
import { recordRandomDiagnostics } from './random-diagnostics.ts';
import { readBundle, writeBundle } from './tensor-bundle.ts';
import { runPretrain, type PretrainRequest } from './run-pretrain.ts';
import { iaeLongBudget } from './train-iae-long.ts';

const section = {
  comment: 'test', seed: 3, images: null, inputSize: 16, batchSize: 4, learningRate: 0.05, decoderFrom: 'res4', width: 0.125,
  checkpointEverySteps: 100, featureBatchSize: 8, iae: { epochs: 2 }, supervised: { epochs: 2 },
  optimizer: { name: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  schedule: { shape: 'cosine', warmupSteps: 2 },
  mgta: { T: 1, E: 1, P: 2, K: 2, k: [2, 3], kCandidates: [2, 3], clusterFeature: 'res5', kmeansRestarts: 2, kmeansMaxIterations: 20 },
};
const sgdCosine = parsePretrainPreset(section, 'test');

let root: string;
/** 3 classes × 4 images in class subfolders, no hold-out. */
let plain: string;
/** Fashion-VOC layout (images/ + labels.txt), 3 classes × 6 images, 2 of each held out. */
let heldOutData: string;
const heldOutNames: string[] = [];

async function writeImage(file: string, c: number, random: Random): Promise<void> {
  const pixels = Buffer.from(Array.from({ length: 16 * 16 * 3 }, () => (c * 80 + random.int(120)) % 256));
  await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(file);
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 2, log: false });
  root = mkdtempSync(join(tmpdir(), 'mgta-options-'));
  const random = new Random(11);
  plain = join(root, 'plain');
  for (const [c, name] of ['bag', 'coat', 'shoe'].entries()) {
    mkdirSync(join(plain, name), { recursive: true });
    for (let i = 0; i < 4; i++) await writeImage(join(plain, name, `${i}.png`), c, random);
  }
  heldOutData = join(root, 'fashion', 'pretrain');
  mkdirSync(join(heldOutData, 'images'), { recursive: true });
  const labels: string[] = [];
  for (let i = 0; i < 18; i++) {
    const c = i % 3;
    const name = `images/${String(i).padStart(5, '0')}.png`;
    await writeImage(join(heldOutData, name), c, random);
    labels.push(`${name} ${['bag', 'coat', 'shoe'][c]}`);
    if (i < 6) heldOutNames.push(name); // two of each class
  }
  writeFileSync(join(heldOutData, 'labels.txt'), `${labels.join('\n')}\n`);
  heldOutNames.sort();
  writeFileSync(join(heldOutData, 'holdout.txt'), `${heldOutNames.join('\n')}\n`);
});
afterAll(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

const request = (model: PretrainRequest['model'], out: string, extra: Partial<PretrainRequest> = {}): PretrainRequest => ({
  model, presetName: 'options', preset: sgdCosine, images: plain, out: join(root, out), seed: sgdCosine.seed, ...extra,
});
const finished = async (req: PretrainRequest): Promise<string> => {
  const outcome = await runPretrain(req);
  if (outcome.status === 'stopped') throw new Error(`${req.out} stopped`);
  return outcome.weightsSha256;
};
const metricsOf = (dir: string) => readFileSync(join(root, dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const withoutTimes = (dir: string) => metricsOf(dir).map(({ imagesPerSecond, elapsedSeconds, ...rest }) => { void imagesPerSecond; void elapsedSeconds; return rest; });
const trainingOf = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'training.json'), 'utf8'));
const weightsOf = async (dir: string): Promise<NamedWeights> => (await loadCheckpoint(join(root, dir))).weights;
const same = (a: NamedWeights, b: NamedWeights, name: string) => Buffer.from(a.get(name)!.data.buffer).equals(Buffer.from(b.get(name)!.data.buffer));
const presetWith = (patch: Record<string, unknown>, mgta: Record<string, unknown> = {}): PretrainPreset =>
  parsePretrainPreset({ ...section, ...patch, mgta: { ...section.mgta, ...mgta } }, 'test');

describe('SGD with warm-up and cosine', () => {
  it('IAE: stopped after 2 steps and resumed ends as an uninterrupted run; logs the schedule\'s LR', async () => {
    const whole = await finished(request('iae', 'sgd/iae'));
    const stopped = await runPretrain(request('iae', 'sgd-resumed/iae', { stopAfterSteps: 2 }));
    expect(stopped).toMatchObject({ status: 'stopped', step: 2 });
    expect(await finished(request('iae', 'sgd-resumed/iae'))).toBe(whole);
    const lines = withoutTimes('sgd/iae');
    expect(withoutTimes('sgd-resumed/iae')).toEqual(lines);
    // 12 images, batch 4, 2 epochs: 6 steps; line.step counts steps done, so the step's index is step − 1.
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line.lr).toBe(learningRateAt(line.step - 1, 6, 0.05, { shape: 'cosine', warmupSteps: 2 }));
    expect(lines[0].lr).toBeCloseTo(0.05 / 3, 12);
    expect(lines[2].lr).toBe(0.05);
    expect(trainingOf('sgd/iae').summary).not.toHaveProperty('diagnostics'); // no holdout.txt here
  });

  it('MGTA, one optimiser per net kept across stages: resumed mid-plan ends as an uninterrupted run', async () => {
    const keep = presetWith({}, { keepOptimizerState: true });
    const iaeDir = join(root, 'sgd/iae');
    const whole = await finished(request('mgta', 'sgd/mgta-keep', { preset: keep, k: 2, iaeDir }));
    // Plan on 12 images (P = K = 2, 2 clusters): N2 on D2 2 steps, N1 on D1 2 steps, N2 on all 3 steps.
    // Stopped after step 3: inside N1's stage, with N2's optimiser kept in the state too.
    const stopped = await runPretrain(request('mgta', 'sgd-resumed/mgta-keep', { preset: keep, k: 2, iaeDir, stopAfterSteps: 3 }));
    expect(stopped).toMatchObject({ status: 'stopped', step: 3 });
    const state = JSON.parse(readFileSync(join(root, 'sgd-resumed/mgta-keep/state/bundle.json'), 'utf8'));
    const names: string[] = state.entries.map((entry: { name: string }) => entry.name);
    for (const net of ['N1', 'N2']) expect(names).toContain(`optimizer/${net}/layer1.0.conv1.weight.momentum_buffer`);
    expect(state.document.extra.optimizers).toEqual({ N2: { name: 'sgd', step: 2 }, N1: { name: 'sgd', step: 1 } });
    expect(await finished(request('mgta', 'sgd-resumed/mgta-keep', { preset: keep, k: 2, iaeDir }))).toBe(whole);
    expect(withoutTimes('sgd-resumed/mgta-keep')).toEqual(withoutTimes('sgd/mgta-keep'));
    const summary = trainingOf('sgd/mgta-keep').summary;
    expect(summary).toMatchObject({ steps: 7, plannedSteps: 7, n2ImageSteps: (2 + 3) * 4 });
    // The default (a fresh optimiser per stage) trains to other weights.
    const fresh = await finished(request('mgta', 'sgd/mgta-fresh', { k: 2, iaeDir }));
    expect(fresh).not.toBe(whole);
    expect(await finished(request('mgta', 'sgd-resumed/mgta-fresh', { k: 2, iaeDir, stopAfterSteps: 3 })).catch(() => 'stopped')).toBe('stopped');
    expect(await finished(request('mgta', 'sgd-resumed/mgta-fresh', { k: 2, iaeDir }))).toBe(fresh);
  }, 300_000);

  it('MGTA with tripletFeature res4: layer4 stays the IAE\'s, layer3 trains, the deviation is recorded', async () => {
    const res4 = presetWith({}, { clusterFeature: 'res4', tripletFeature: 'res4' });
    await finished(request('mgta', 'sgd/mgta-res4', { preset: res4, k: 2, iaeDir: join(root, 'sgd/iae') }));
    const iae = await weightsOf('sgd/iae');
    const mgta = await weightsOf('sgd/mgta-res4');
    for (const name of ['layer4.0.conv1.weight', 'layer4.2.conv3.weight', 'layer4.0.bn1.weight', 'layer4.1.bn2.running_mean']) expect(same(iae, mgta, name), name).toBe(true);
    expect(same(iae, mgta, 'layer3.0.conv1.weight')).toBe(false);
    const summary = trainingOf('sgd/mgta-res4').summary;
    expect(summary.tripletFeature).toBe('res4');
    expect(summary.deviations).toEqual([expect.stringMatching(/^triplet loss and clustering on GAP-res4, not the paper's GAP-res5/)]);
    expect(trainingOf('sgd/mgta-keep').summary).not.toHaveProperty('deviations');
  }, 300_000);
});

describe('resuming a state written before issue 11', () => {
  it('reads its one Adam (adam/<tensor> arrays, extra.adamNet / adamStep) and ends as an uninterrupted run', async () => {
    const { optimizer, schedule, ...rest } = section;
    void optimizer; void schedule;
    const adam = parsePretrainPreset({ ...rest, learningRate: 0.001 }, 'test');
    const whole = await finished(request('iae', 'legacy-whole/iae', { preset: adam }));
    expect(await runPretrain(request('iae', 'legacy/iae', { preset: adam, stopAfterSteps: 2 }))).toMatchObject({ status: 'stopped' });
    // Rewrite the state in the old layout.
    const stateDir = join(root, 'legacy/iae/state');
    const bundle = readBundle(stateDir)!;
    const document = bundle.document as { extra: Record<string, unknown> };
    const { optimizers, ...extra } = document.extra as { optimizers: Record<string, { step: number }> };
    const arrays = new Map([...bundle.arrays].map(([key, value]) => [key.replace(/^optimizer\/iae\//, 'adam/'), value]));
    writeBundle(stateDir, arrays, { ...document, extra: { ...extra, adamNet: 'iae', adamStep: optimizers.iae.step } });
    expect([...arrays.keys()].some((key) => key.startsWith('adam/layer1.0.conv1.weight.adam_m'))).toBe(true);
    expect(await finished(request('iae', 'legacy/iae', { preset: adam }))).toBe(whole);
  });
});

describe('iae-long', () => {
  it('starts from the IAE\'s weights and trains as many image-steps as MGTA\'s N2, at MGTA\'s settings', async () => {
    await expect(runPretrain(request('iae-long', 'none/iae-long', { iaeDir: join(root, 'none/iae') }))).rejects.toThrow(/iae-long starts from the IAE: no finished IAE checkpoint/);
    // A learning rate far below float32 resolution of the weights: any conv weight that moved
    // would show a start other than the IAE's.
    const still = presetWith({}, { learningRate: 1e-30, optimizer: { name: 'sgd' } });
    await finished(request('iae-long', 'sgd/iae-long', { preset: still, iaeDir: join(root, 'sgd/iae') }));
    const iae = await weightsOf('sgd/iae');
    const long = await weightsOf('sgd/iae-long');
    const random = ResNet50.random({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.125 }, sgdCosine.seed);
    const initial = random.toNamedWeights();
    random.dispose();
    for (const name of ['conv1.weight', 'layer1.0.conv1.weight', 'layer3.5.conv3.weight']) {
      expect(same(iae, long, name), name).toBe(true);
      expect(same(initial, long, name), name).toBe(false);
    }
    const summary = trainingOf('sgd/iae-long').summary;
    const n2ImageSteps = trainingOf('sgd/mgta-keep').summary.n2ImageSteps;
    expect(summary).toMatchObject({ startsFrom: 'iae', controlFor: 'mgta-k2', lambda: 0, batchSize: 4, steps: 5, imageSteps: n2ImageSteps, n2ImageSteps });
    expect(iaeLongBudget(sgdCosine, 12, sgdCosine.seed)).toEqual({ k: 2, steps: 5, imageSteps: 20 });
    const lines = metricsOf('sgd/iae-long');
    expect(lines.map((line) => line.phase)).toEqual(Array(5).fill('iae-long'));
    expect(lines.every((line) => line.tripletLoss === undefined && line.lr === learningRateAt(line.step - 1, 5, 1e-30, sgdCosine.schedule))).toBe(true);
  }, 300_000);
});

describe('hold-out', () => {
  it('splits holdout.txt off the set; refuses names that are not pretraining images', () => {
    const split = splitHoldout(listImageSet(heldOutData));
    expect(split.train.files).toHaveLength(12);
    expect(split.holdout!.files.map((file) => file.slice(heldOutData.length + 1))).toEqual(heldOutNames);
    expect(split.holdout!.classNames).toEqual(split.train.classNames);
    expect(split.train.fingerprint).not.toBe(listImageSet(heldOutData).fingerprint);
    expect(splitHoldout(listImageSet(plain)).holdout).toBeNull();
    const bad = join(root, 'bad');
    mkdirSync(join(bad, 'coat'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(bad, 'coat', `${i}.png`), readFileSync(join(plain, 'coat', `${i % 4}.png`)));
    writeFileSync(join(bad, 'holdout.txt'), 'coat/0.png\ncoat/9.png\n');
    expect(() => splitHoldout(listImageSet(bad))).toThrow(/holdout\.txt: line 2: names coat\/9\.png, which is not one of the 5 pretraining images/);
  });

  it('no trainer reads a held-out image; every model records its held-out diagnostics', async () => {
    const held = new Set(heldOutNames.map((name) => resolve(heldOutData, name)));
    const reads: Array<{ file: string; loaderHoldsOnlyHeldOut: boolean }> = [];
    const original = ImageLoader.prototype.pixels;
    const spy = vi.spyOn(ImageLoader.prototype, 'pixels').mockImplementation(function (this: ImageLoader, i: number) {
      const files = (this as unknown as { set: { files: string[] } }).set.files;
      reads.push({ file: resolve(files[i]), loaderHoldsOnlyHeldOut: files.every((file) => held.has(resolve(file))) });
      return original.call(this, i);
    });
    const adam = presetWith({ optimizer: { name: 'adam' }, learningRate: 0.001 });
    const on = (model: PretrainRequest['model'], extra: Partial<PretrainRequest> = {}) =>
      request(model, `held/${model}`, { images: heldOutData, preset: adam, ...extra });
    try {
      await finished(on('iae'));
      await finished(on('mgta', { k: 3, iaeDir: join(root, 'held/iae') }));
      await finished(on('supervised'));
      await finished(on('iae-long', { iaeDir: join(root, 'held/iae') }));
    } finally {
      spy.mockRestore();
    }
    const heldOutReads = reads.filter((read) => held.has(read.file));
    expect(heldOutReads.length).toBeGreaterThan(0); // the diagnostics read them ...
    expect(heldOutReads.every((read) => read.loaderHoldsOnlyHeldOut)).toBe(true); // ... through the hold-out's own loader only
    expect(reads.filter((read) => !read.loaderHoldsOnlyHeldOut).length).toBeGreaterThan(0);

    for (const model of ['iae', 'mgta', 'supervised', 'iae-long']) {
      const training = trainingOf(`held/${model}`);
      expect(training.data).toMatchObject({ images: 12, heldOut: { images: 6 } });
      const { diagnostics } = training.summary;
      expect(diagnostics).toMatchObject({ feature: 'res5', heldOutImages: 6 });
      expect(diagnostics.heldOutNmi).toBeGreaterThanOrEqual(0);
      expect(diagnostics.heldOutNmi).toBeLessThanOrEqual(1);
      expect(diagnostics.pixelNmi).toBeGreaterThanOrEqual(0);
      const lines = metricsOf(`held/${model}`);
      expect(lines.filter((line) => line.phase === 'holdout/nmi').map((line) => line.heldOutNmi)).toEqual([diagnostics.heldOutNmi]);
      expect(lines.filter((line) => line.phase === 'holdout/pixels').map((line) => line.pixelNmi)).toEqual([diagnostics.pixelNmi]);
    }
    // One pixel NMI per data set, shared by the models.
    expect(new Set(['iae', 'mgta', 'supervised'].map((model) => trainingOf(`held/${model}`).summary.diagnostics.pixelNmi)).size).toBe(1);
    expect(existsSync(join(root, 'held/holdout-pixel-nmi.json'))).toBe(true);
    // The supervised model: held-out accuracy after each of its 2 epochs, the last in the summary.
    const accuracy = metricsOf('held/supervised').filter((line) => line.phase === 'holdout/accuracy');
    expect(accuracy.map((line) => line.epoch)).toEqual([0, 1]);
    expect(trainingOf('held/supervised').summary.diagnostics.heldOutAccuracy).toBe(accuracy[1].heldOutAccuracy);
  }, 600_000);

  it('supervised with a hold-out: stopped after the first epoch\'s evaluation and resumed, same weights and metrics', async () => {
    const adam = presetWith({ optimizer: { name: 'adam' }, learningRate: 0.001 });
    const at = (out: string, extra: Partial<PretrainRequest> = {}) => request('supervised', out, { images: heldOutData, preset: adam, ...extra });
    const stopped = await runPretrain(at('held-resumed/supervised', { stopAfterSteps: 4 })); // 3 steps per epoch
    expect(stopped).toMatchObject({ status: 'stopped', step: 4 });
    const whole = readCheckpointManifest(join(root, 'held/supervised')).weightsSha256;
    expect(await finished(at('held-resumed/supervised'))).toBe(whole);
    expect(withoutTimes('held-resumed/supervised')).toEqual(withoutTimes('held/supervised'));
  }, 300_000);

  it('the random model: its held-out diagnostics in a training.json beside its checkpoint', async () => {
    const dir = join(root, 'held/random');
    const architecture = { name: 'resnet50' as const, decoder: false, width: 0.125 };
    await saveCheckpoint(dir, initialWeights(architecture, 0), { createdBy: 'test', seed: 0 });
    const request_ = { dir, images: heldOutData, preset: sgdCosine, presetName: 'options', seed: 0 };
    const diagnostics = await recordRandomDiagnostics(request_);
    expect(diagnostics).toMatchObject({ feature: 'res5', heldOutImages: 6, pixelNmi: trainingOf('held/iae').summary.diagnostics.pixelNmi });
    expect(trainingOf('held/random')).toMatchObject({ status: 'finished', model: 'random', summary: { diagnostics } });
    expect(metricsOf('held/random').map((line) => line.phase)).toEqual(['holdout/pixels', 'holdout/nmi']);
    expect(await recordRandomDiagnostics({ ...request_, dir: join(root, 'plain-random'), images: plain })).toBeNull(); // no holdout.txt: nothing
  });

  it('diagnostics free every tensor they make', async () => {
    const holdout = holdoutData(splitHoldout(listImageSet(heldOutData)).holdout, 16)!;
    const model = (await loadCheckpoint(join(root, 'held/supervised'))).weights;
    const net = ResNet50.fromNamedWeights(model);
    const settings = { seed: 0, restarts: 1, maxIterations: 10 };
    await heldOutAccuracy(net, holdout, 4);
    await heldOutNmi(net, holdout, 'res4', 4, settings);
    const before = tf.memory().numTensors;
    const accuracy = await heldOutAccuracy(net, holdout, 4);
    await heldOutNmi(net, holdout, 'res4', 4, settings);
    expect(tf.memory().numTensors).toBe(before);
    expect(accuracy).toBe(trainingOf('held/supervised').summary.diagnostics.heldOutAccuracy);
    net.dispose();
  });
});
