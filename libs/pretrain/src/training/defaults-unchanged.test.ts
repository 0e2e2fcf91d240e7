// A preset without the issue-11 fields (optimizer, schedule, per-model overrides, flip,
// tripletFeature, keepOptimizerState, iaeLong, no holdout.txt) trains exactly as before they
// existed: the weights sha256 of a tiny ci-like run (Adam lr 1e-3 constant, decoder from res4,
// clustering on res5) are pinned to the values computed with the code before the change.
// Width 1/8 and 16x16 inputs keep the three runs to seconds.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Random } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { parsePretrainPreset } from './pretrain-preset.ts';
import { runPretrain, type PretrainRequest } from './run-pretrain.ts';

/** The weights sha256 before the issue-11 change (tfjs-wasm, 2 threads). */
const BEFORE = {
  iae: '0673ea97ce4da8acbe1a45cabbbaba09d3a9ecb12b721b0818929a77c5072b3d',
  mgta: '3143efff0d21ab67563ef6f98938e2ec7a66e70e8f760534a0ab7d2c561f3f26',
  supervised: 'd2a15f03a0b4e60c1ce0e389b7236ffe8dec69dab710ba0afcd98c011f330f40',
  iaeFullWidth: '011385b87285437b58a9dec0dd83612d2fa7456a80b3ac3b862a18eaaff74dff',
};

const ciLike = parsePretrainPreset({
  comment: 'ci-like', seed: 0, images: null, inputSize: 16, batchSize: 4, learningRate: 0.001, decoderFrom: 'res4', width: 0.125,
  checkpointEverySteps: 50, featureBatchSize: 8, iae: { epochs: 1 }, supervised: { epochs: 1 },
  mgta: { T: 1, E: 1, P: 2, K: 2, k: [2, 3], kCandidates: [2, 3], clusterFeature: 'res5', kmeansRestarts: 2, kmeansMaxIterations: 20 },
}, 'ci-like');

let root: string;
let images: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 2, log: false });
  root = mkdtempSync(join(tmpdir(), 'mgta-defaults-'));
  images = join(root, 'images');
  const random = new Random(7);
  for (const [c, name] of ['bag', 'coat', 'shoe'].entries()) {
    mkdirSync(join(images, name), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const pixels = Buffer.from(Array.from({ length: 16 * 16 * 3 }, () => (c * 80 + random.int(120)) % 256));
      await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(join(images, name, `${i}.png`));
    }
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const request = (model: PretrainRequest['model'], extra: Partial<PretrainRequest> = {}): PretrainRequest => ({
  model, presetName: 'ci-like', preset: ciLike, images, out: join(root, model), seed: ciLike.seed, ...extra,
});

describe('a preset without the new fields', () => {
  it('trains IAE, MGTA and supervised to the same weights as before', async () => {
    const shas: Record<string, string> = {};
    for (const model of ['iae', 'mgta', 'supervised'] as const) {
      const outcome = await runPretrain(request(model, model === 'mgta' ? { k: 2, iaeDir: join(root, 'iae') } : {}));
      if (outcome.status === 'stopped') throw new Error('stopped');
      shas[model] = outcome.weightsSha256;
    }
    // The full-width IAE (no width field, as in the ci preset).
    const { width, ...fullWidth } = ciLike;
    void width;
    const full = await runPretrain(request('iae', { preset: fullWidth, out: join(root, 'iae-full') }));
    if (full.status === 'stopped') throw new Error('stopped');
    shas.iaeFullWidth = full.weightsSha256;
    console.log(JSON.stringify(shas));
    expect(shas).toEqual(BEFORE);
  }, 300_000);
});
