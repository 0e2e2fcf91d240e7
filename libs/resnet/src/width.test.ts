import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeArchitecture, inferArchitecture, shapeProblems, tensorSpecs } from './architecture.ts';
import { loadCheckpoint, readCheckpointManifest, saveCheckpoint } from './checkpoint.ts';
import { initialWeights } from './init.ts';
import { ResNet50 } from './model.ts';
import type { NamedWeights } from './named-weights.ts';
import { useBackend } from './test-backends.ts';
import { assertWeightsMatch } from './weights-check.ts';
import { checkWidth, formatWidth, parseWidth } from './width.ts';

const quarter = { name: 'resnet50', decoder: false, width: 0.25 } as const;

function shapesOf(weights: NamedWeights): Map<string, number[]> {
  return new Map([...weights].map(([name, tensor]) => [name, tensor.shape]));
}

describe('width multiplier', () => {
  it('accepts widths whose channel counts are whole and refuses others clearly', () => {
    for (const w of [1, 0.5, 0.25, 0.125, 2, 3 / 64]) expect(checkWidth(w)).toBe(w);
    expect(() => checkWidth(0.3)).toThrow(/width 0\.3 gives the stem 19\.2 channels; .*64 × width must be an integer/);
    expect(() => checkWidth(1 / 3)).toThrow(/must be an integer/);
    expect(() => checkWidth(0)).toThrow(/must be a positive number/);
    expect(() => checkWidth(-0.5)).toThrow(/must be a positive number/);
    expect(() => checkWidth(Number.NaN)).toThrow(/must be a positive number/);
    expect(parseWidth('1/4')).toBe(0.25);
    expect(parseWidth('0.125')).toBe(0.125);
    expect(() => parseWidth('quarter', '--width')).toThrow(/--width must be a number such as/);
    expect(() => parseWidth('0.1', '--width')).toThrow(/--width 0\.1 gives the stem 6\.4 channels/);
    expect([1, 0.5, 0.25, 0.125, 2, 1.5, 3 / 64].map(formatWidth)).toEqual(['1', '1/2', '1/4', '1/8', '2', '3/2', '3/64']);
  });

  it('scales every conv/BN channel count; names, depth and kernels stay torchvision\'s', () => {
    const full = tensorSpecs({ name: 'resnet50', decoder: true, headClasses: 10 });
    const specs = tensorSpecs({ ...quarter, decoder: true, headClasses: 10 });
    expect(specs.map((s) => s.name)).toEqual(full.map((s) => s.name));
    const shapes = new Map(specs.map((spec) => [spec.name, spec.shape]));
    expect(shapes.get('conv1.weight')).toEqual([16, 3, 7, 7]);
    expect(shapes.get('layer1.0.conv1.weight')).toEqual([16, 16, 1, 1]);
    expect(shapes.get('layer1.0.downsample.0.weight')).toEqual([64, 16, 1, 1]);
    expect(shapes.get('layer3.5.bn3.weight')).toEqual([256]); // res4: 1024w
    expect(shapes.get('layer4.2.conv3.weight')).toEqual([512, 128, 1, 1]); // res5: 2048w
    expect(shapes.get('fc.weight')).toEqual([10, 512]);
    expect(shapes.get('decoder.layer4.0.conv1.weight')).toEqual([512, 128, 1, 1]);
    expect(shapes.get('decoder.layer1.2.shortcut.0.weight')).toEqual([64, 16, 1, 1]);
    expect(shapes.get('decoder.conv1.weight')).toEqual([16, 3, 8, 8]);
    expect(describeArchitecture({ ...quarter, decoder: true })).toBe('resnet50 x1/4, decoder from res5');
    expect(describeArchitecture({ name: 'resnet50', decoder: false, width: 1 })).toBe('resnet50');
    expect(() => tensorSpecs({ name: 'resnet50', decoder: false, width: 0.3 })).toThrow(/architecture\.width 0\.3 gives the stem 19\.2 channels/);
  });

  it('is read back from the weight shapes (conv1 out-channels / 64); width 1 stays implicit', () => {
    const shapes = (architecture: Parameters<typeof tensorSpecs>[0]) => new Map(tensorSpecs(architecture).map((s) => [s.name, s.shape]));
    const eighth = shapes({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.125 });
    expect(inferArchitecture(eighth.keys(), (name) => eighth.get(name))).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.125 });
    const one = shapes({ name: 'resnet50', decoder: false });
    expect(inferArchitecture(one.keys(), (name) => one.get(name))).toEqual({ name: 'resnet50', decoder: false });
  });

  it('says which width it checked when shapes fit no single width', () => {
    const weights = initialWeights({ name: 'resnet50', decoder: false }, 1);
    // conv1 (and bn1) at width 1/4, everything else at width 1.
    weights.set('conv1.weight', { shape: [16, 3, 7, 7], data: new Float32Array(16 * 3 * 49) });
    for (const k of ['weight', 'bias', 'running_mean', 'running_var']) weights.set(`bn1.${k}`, { shape: [16], data: new Float32Array(16) });
    const architecture = inferArchitecture(weights.keys(), (name) => weights.get(name)?.shape);
    expect(architecture.width).toBe(0.25);
    const problems = shapeProblems(architecture, shapesOf(weights));
    expect(problems[0]).toBe('tensor layer1.0.conv1.weight has shape [64,64,1,1], resnet50 x1/4 (width 1/4: conv1 has 16 output channels) expects [16,16,1,1]');
    expect(() => ResNet50.fromNamedWeights(weights)).toThrow(/weights do not match resnet50 x1\/4: tensor layer1\.0\.conv1\.weight has shape \[64,64,1,1\]/);
    expect(() => assertWeightsMatch(architecture, weights)).toThrow(/and \d+ more/);
  });
});

describe('a width-1/4 model', { timeout: 300_000 }, () => {
  let root: string;
  let weights: NamedWeights;
  beforeAll(async () => {
    await useBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'mgta-resnet-width-'));
    weights = initialWeights({ ...quarter, decoder: true, decoderFrom: 'res4', headClasses: 5 }, 3);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('round-trips through checkpoint save/load with the width in the manifest', async () => {
    const dir = join(root, 'quarter');
    const manifest = await saveCheckpoint(dir, weights, { createdBy: 'test', seed: 3 });
    expect(manifest.architecture).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 5, width: 0.25 });
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).architecture.width).toBe(0.25);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.manifest).toEqual(manifest);
    for (const [name, tensor] of weights) {
      expect(loaded.weights.get(name)!.shape, name).toEqual(tensor.shape);
      expect(Buffer.from(loaded.weights.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer)), name).toBe(true);
    }
  });

  it('refuses a manifest whose width is invalid or disagrees with the tensors', async () => {
    const dir = join(root, 'edited');
    await saveCheckpoint(dir, weights, { createdBy: 'test' });
    const path = join(dir, 'manifest.json');
    const original = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...original, architecture: { ...original.architecture, width: 0.3 } }));
    expect(() => readCheckpointManifest(dir)).toThrow(/architecture\.width 0\.3 is not a ResNet-50 width/);
    writeFileSync(path, JSON.stringify({ ...original, architecture: { ...original.architecture, width: undefined } }));
    expect(() => readCheckpointManifest(dir)).toThrow(/tensor conv1\.weight has shape \[16,3,7,7\], resnet50 expects \[64,3,7,7\]/);
  });

  it('runs forward in tfjs: res4 has 1024w channels, pool 2048w, the decoder reconstructs at the input size', () => {
    const model = ResNet50.fromNamedWeights(weights);
    try {
      expect(model.architecture).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 5, width: 0.25 });
      expect(model.width).toBe(0.25);
      const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const out = model.forward(x, { outputs: ['res4', 'pool', 'logits', 'reconstruction'] });
      expect(out.res4.shape).toEqual([2, 2, 2, 256]);
      expect(out.pool.shape).toEqual([2, 512]);
      expect(out.logits.shape).toEqual([2, 5]);
      expect(out.reconstruction.shape).toEqual([2, 32, 32, 3]);
      expect(Number.isFinite(out.reconstruction.sum().dataSync()[0])).toBe(true);
      tf.dispose([x, out.res4, out.pool, out.logits, out.reconstruction]);
    } finally {
      model.dispose();
    }
  });

  it('ResNet50.random refuses an invalid width', () => {
    expect(() => ResNet50.random({ name: 'resnet50', decoder: false, width: 0.2 }, 1)).toThrow(/architecture\.width 0\.2 gives the stem 12\.8 channels/);
  });
});
