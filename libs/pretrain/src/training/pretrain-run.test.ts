// End-to-end checks of the trainers on a tiny synthetic image folder (8 images of 16x16, two
// class subfolders): determinism, resume after a "kill" equals an uninterrupted run, skip of a
// finished model, constant tensor count across steps. ResNet-50 at width 1/8 (as in
// training-options-runs.test.ts): nothing here depends on the width, and full width made this file
// one of the two longest of the suite (~3 min of MGTA runs on 2 quiet cores).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { ResNet50 } from '@mgta/resnet';
import { loadPreset, presetFile } from '@mgta/presets';
import { Adam, trainableParams } from './adam.ts';
import { listImageSet } from './image-set.ts';
import { parsePretrainPreset, pretrainPreset, type PretrainPreset } from './pretrain-preset.ts';
import { runPretrain, type PretrainRequest } from './run-pretrain.ts';
import { autoEncoderStep, supervisedStep } from './train-steps.ts';

let root: string;
let images: string;
const tiny: PretrainPreset = parsePretrainPreset({
  comment: 'test', seed: 3, images: null, inputSize: 16, batchSize: 4, learningRate: 0.001, decoderFrom: 'res4', width: 0.125,
  checkpointEverySteps: 100, featureBatchSize: 8, iae: { epochs: 1 }, supervised: { epochs: 1 },
  mgta: { T: 1, E: 1, P: 2, K: 2, k: [2, 3], kCandidates: [2, 3], clusterFeature: 'res5', kmeansRestarts: 2, kmeansMaxIterations: 20 },
}, 'test');

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 2, log: false });
  root = mkdtempSync(join(tmpdir(), 'mgta-pretrain-'));
  images = join(root, 'images');
  const random = new Random(1);
  for (const [c, name] of ['coat', 'shoe'].entries()) {
    mkdirSync(join(images, name), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const pixels = Buffer.from(Array.from({ length: 20 * 20 * 3 }, () => (c * 120 + random.int(100)) % 256));
      await sharp(pixels, { raw: { width: 20, height: 20, channels: 3 } }).png().toFile(join(images, name, `${i}.png`));
    }
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const request = (model: PretrainRequest['model'], out: string, extra: Partial<PretrainRequest> = {}): PretrainRequest => ({
  model, presetName: 'tiny', preset: tiny, images, out: join(root, out), seed: tiny.seed, ...extra,
});
const metricsWithoutTimes = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
  const { imagesPerSecond, elapsedSeconds, ...rest } = JSON.parse(line);
  void imagesPerSecond; void elapsedSeconds;
  return rest;
});

describe('presets', () => {
  it('every repository preset has a valid pretrain section', () => {
    for (const name of ['ci', 'embedded', 'paper']) expect(pretrainPreset(loadPreset(name), presetFile(name)).mgta.k).toHaveLength(2);
  });
  it('rejects an input size the decoder cannot come back to', () => {
    expect(() => parsePretrainPreset({ ...JSON.parse(JSON.stringify(tiny)), inputSize: 24 }, 'x.json')).toThrow(/divisible by 16/);
  });
});

describe('image set', () => {
  it('reads class subfolders as hidden labels, in sorted order', () => {
    const set = listImageSet(images);
    expect(set.files).toHaveLength(8);
    expect(set.classNames).toEqual(['coat', 'shoe']);
    expect(Array.from(set.labels!)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe('training steps', () => {
  it('an optimiser frees everything it allocated', () => {
    const model = ResNet50.random({ name: 'resnet50', decoder: false, width: 0.125 }, 1);
    const before = tf.memory().numTensors;
    new Adam(trainableParams(model.namedVariables()), { learningRate: 1e-3 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('leave tf.memory().numTensors unchanged across steps (AE + triplet, supervised)', () => {
    const ae = ResNet50.random({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.125 }, 1);
    const params = trainableParams(ae.namedVariables());
    const adam = new Adam(params, { learningRate: 1e-3 });
    const x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const labels = Int32Array.from([0, 0, 1, 1]);
    autoEncoderStep(ae, adam, [...params.values()], x, { labels, lambda: 0.5 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) autoEncoderStep(ae, adam, [...params.values()], x, { labels, lambda: 0.5 });
    expect(tf.memory().numTensors).toBe(before);
    adam.dispose();
    ae.dispose();

    const classifier = ResNet50.random({ name: 'resnet50', decoder: false, headClasses: 2, width: 0.125 }, 1);
    const cparams = trainableParams(classifier.namedVariables());
    const cadam = new Adam(cparams, { learningRate: 1e-3 });
    supervisedStep(classifier, cadam, [...cparams.values()], x, labels, 2);
    const cbefore = tf.memory().numTensors;
    supervisedStep(classifier, cadam, [...cparams.values()], x, labels, 2);
    expect(tf.memory().numTensors).toBe(cbefore);
    cadam.dispose();
    classifier.dispose();
    x.dispose();
  });
});

describe('runPretrain', () => {
  it('IAE: a run stopped after 1 step and resumed ends with the same weights and metrics as an uninterrupted one', async () => {
    const whole = await runPretrain(request('iae', 'a/iae'));
    expect(whole.status).toBe('finished');
    const stopped = await runPretrain(request('iae', 'b/iae', { stopAfterSteps: 1 }));
    expect(stopped.status).toBe('stopped');
    expect(existsSync(join(root, 'b/iae/state/bundle.json'))).toBe(true);
    const resumed = await runPretrain(request('iae', 'b/iae'));
    expect(resumed.status).toBe('finished');
    if (whole.status === 'stopped' || resumed.status === 'stopped') throw new Error('unreachable');
    expect(resumed.weightsSha256).toBe(whole.weightsSha256);
    expect(metricsWithoutTimes(join(root, 'b/iae'))).toEqual(metricsWithoutTimes(join(root, 'a/iae')));
    expect(existsSync(join(root, 'b/iae/state'))).toBe(false);
    // A finished model is skipped.
    expect((await runPretrain(request('iae', 'a/iae'))).status).toBe('skipped');
  });

  it('MGTA: resuming in the middle of the plan gives the same final weights; same seed, same weights', async () => {
    const whole = await runPretrain(request('mgta', 'a/mgta-k2', { k: 2, iaeDir: join(root, 'a/iae') }));
    const stopped = await runPretrain(request('mgta', 'b/mgta-k2', { k: 2, iaeDir: join(root, 'a/iae'), stopAfterSteps: 2 }));
    expect(stopped).toMatchObject({ status: 'stopped', step: 2 });
    const resumed = await runPretrain(request('mgta', 'b/mgta-k2', { k: 2, iaeDir: join(root, 'a/iae') }));
    if (whole.status === 'stopped' || resumed.status === 'stopped') throw new Error('not finished');
    expect(resumed.weightsSha256).toBe(whole.weightsSha256);
    const lines = metricsWithoutTimes(join(root, 'b/mgta-k2'));
    expect(lines).toEqual(metricsWithoutTimes(join(root, 'a/mgta-k2')));
    expect(lines.filter((l) => l.phase.endsWith('/cluster'))).toHaveLength(3); // D2, D1, all
    expect(lines.every((l) => l.k === 2)).toBe(true);
  }, 600_000); // three full MGTA runs (ResNet-50 x1/8): a minute or more on 2 busy cores

  it('supervised: trains on the hidden labels and keeps the fc head', async () => {
    const outcome = await runPretrain(request('supervised', 'a/supervised'));
    expect(outcome.status).toBe('finished');
    const manifest = JSON.parse(readFileSync(join(root, 'a/supervised/manifest.json'), 'utf8'));
    expect(manifest.architecture).toMatchObject({ decoder: false, headClasses: 2 });
    const training = JSON.parse(readFileSync(join(root, 'a/supervised/training.json'), 'utf8'));
    expect(training).toMatchObject({ status: 'finished', seed: 3, data: { images: 8, classes: 2 } });
  });

  it('--force retrains over a finished model without deleting files the run did not write', async () => {
    const dir = join(root, 'a/supervised');
    writeFileSync(join(dir, 'notes.txt'), 'keep me\n');
    writeFileSync(join(dir, 'model.onnx'), 'exported');
    const lines = metricsWithoutTimes(dir);
    expect((await runPretrain(request('supervised', 'a/supervised', { force: true }))).status).toBe('finished');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(dir, 'model.onnx'), 'utf8')).toBe('exported');
    // A fresh run's metrics, not the old ones with the new appended.
    expect(metricsWithoutTimes(dir)).toEqual(lines);
  });
});
