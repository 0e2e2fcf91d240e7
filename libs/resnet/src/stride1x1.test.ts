/**
 * ResNet v1 (Detectron's RESNETS.STRIDE_1X1: the stage stride on layerN.0.conv1) beside
 * torchvision's v1.5: the architecture flag, its forward pass against a float64 reference with
 * the stride placed by hand, and its record in checkpoint manifests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, Random } from '@mgta/core';
import { describeArchitecture, stride1x1Of, type ResNet50Architecture } from './architecture.ts';
import { loadCheckpoint, readCheckpointManifest, saveCheckpoint } from './checkpoint.ts';
import { initialWeights } from './init.ts';
import { ResNet50 } from './model.ts';
import type { NamedWeights } from './named-weights.ts';
import { useBackend } from './test-backends.ts';
import { res4F64, type TensorF64 } from './testing/encoder-f64.ts';

const WIDTH = 1 / 32; // stem 2 channels, res4 32: small enough for the float64 loops
const encoder: ResNet50Architecture = { name: 'resnet50', decoder: false, width: WIDTH };

/** torchvision's init with BN statistics and affines drawn at random, so that BN is not the identity. */
function randomWeights(seed: number): NamedWeights {
  const weights = initialWeights(encoder, seed);
  const random = new Random(seed + 1000);
  for (const [name, tensor] of weights) {
    if (name.endsWith('.running_var')) tensor.data = tensor.data.map(() => random.uniform(0.5, 2));
    else if (name.endsWith('.running_mean') || name.endsWith('.bn1.bias') || name.endsWith('.bn2.bias')) tensor.data = tensor.data.map(() => random.uniform(-0.2, 0.2));
    else if (/bn\d\.weight$|downsample\.1\.weight$|^bn1\.weight$/.test(name)) tensor.data = tensor.data.map(() => random.uniform(0.5, 1.5));
  }
  return weights;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

beforeAll(() => useBackend('cpu')); // the float32 reference backend

describe('the stride1x1 architecture flag', () => {
  it('is false when absent, true when true, and refuses anything else', () => {
    expect(stride1x1Of(encoder)).toBe(false);
    expect(stride1x1Of({ ...encoder, stride1x1: true })).toBe(true);
    expect(() => stride1x1Of({ ...encoder, stride1x1: false as unknown as true })).toThrow(/architecture.stride1x1 must be true or absent/);
  });

  it('shows in descriptions as v1 (stride on 1x1); v1.5 text unchanged', () => {
    expect(describeArchitecture({ name: 'resnet50', decoder: false })).toBe('resnet50');
    expect(describeArchitecture({ name: 'resnet50', decoder: false, stride1x1: true })).toBe('resnet50 v1 (stride on 1x1)');
    expect(describeArchitecture({ ...encoder, headClasses: 10, stride1x1: true })).toBe('resnet50 x1/32 v1 (stride on 1x1), fc 10 classes');
  });

  it('survives the model: fromNamedWeights with the variant, and v1.5 by default', () => {
    const weights = initialWeights(encoder, 1);
    const v1 = ResNet50.fromNamedWeights(weights, { stride1x1: true });
    const v15 = ResNet50.fromNamedWeights(weights);
    try {
      expect(v1.architecture).toEqual({ ...encoder, stride1x1: true });
      expect(v1.stride1x1).toBe(true);
      expect(v15.architecture).toEqual(encoder);
      expect('stride1x1' in v15.architecture).toBe(false);
    } finally {
      v1.dispose();
      v15.dispose();
    }
  });
});

describe('ResNet v1 forward (width 1/32, 2 x 40x48 images)', { timeout: 120_000 }, () => {
  const [n, h, w] = [2, 40, 48];
  let weights: NamedWeights;
  let image: Float32Array;
  const res4 = {} as Record<'v1' | 'v15', Float32Array>;
  let shape: number[];

  beforeAll(() => {
    weights = randomWeights(7);
    const random = new Random(8);
    image = Float32Array.from({ length: n * h * w * 3 }, () => random.normal());
    for (const [key, variant] of [['v1', { stride1x1: true }], ['v15', {}]] as const) {
      const model = ResNet50.fromNamedWeights(weights, variant);
      try {
        const out = model.forward(tf.tensor4d(image, [n, h, w, 3]), { outputs: ['res4'] }).res4;
        shape = out.shape;
        res4[key] = out.dataSync() as Float32Array;
        out.dispose();
      } finally {
        model.dispose();
      }
    }
  });

  it('differs from v1.5 for the same weights (same shape)', () => {
    expect(shape).toEqual([n, 3, 3, 32]);
    const diff = maxAbsDiff(res4.v1, res4.v15);
    console.log(`res4 v1 vs v1.5, same weights: max abs diff ${diff.toExponential(2)} (max |res4| ${maxAbs(res4.v15).toFixed(3)})`);
    expect(diff).toBeGreaterThan(0.1 * maxAbs(res4.v15));
  });

  it('matches a float64 reference with the stride placed on conv1 by hand (and v1.5 the one on conv2)', () => {
    const input: TensorF64 = { shape: [n, h, w, 3], data: Float64Array.from(image) };
    for (const [key, strideOn] of [['v1', 'conv1'], ['v15', 'conv2']] as const) {
      const reference = res4F64(weights, input, strideOn);
      expect(reference.shape).toEqual(shape);
      const diff = maxAbsDiff(res4[key], reference.data);
      console.log(`res4 ${key} tfjs (cpu, float32) vs float64 reference (stride on ${strideOn}): max abs diff ${diff.toExponential(2)} at max |res4| ${maxAbs(reference.data).toFixed(3)}`);
      expect(diff).toBeLessThan(1e-4 * Math.max(1, maxAbs(reference.data)));
    }
    // The other placement is far off: the reference tells the variants apart.
    expect(maxAbsDiff(res4.v1, res4F64(weights, input, 'conv2').data)).toBeGreaterThan(0.1 * maxAbs(res4.v1));
  });
});

describe('checkpoint manifests', { timeout: 60_000 }, () => {
  let root: string;
  let weights: NamedWeights;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mgta-stride1x1-'));
    weights = initialWeights(encoder, 3);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('record stride1x1 for v1 and read it back', async () => {
    const dir = join(root, 'v1');
    const manifest = await saveCheckpoint(dir, weights, { createdBy: 'test', stride1x1: true });
    expect(manifest.architecture).toEqual({ ...encoder, stride1x1: true });
    expect(readCheckpointManifest(dir).architecture.stride1x1).toBe(true);
    const loaded = await loadCheckpoint(dir);
    const model = ResNet50.fromNamedWeights(loaded.weights, loaded.manifest.architecture);
    expect(model.stride1x1).toBe(true);
    model.dispose();
  });

  it('write nothing for v1.5, byte for byte as before, and read a manifest without it as v1.5', async () => {
    const [plain, explicit] = [join(root, 'plain'), join(root, 'explicit')];
    await saveCheckpoint(plain, weights, { createdBy: 'test' });
    await saveCheckpoint(explicit, weights, { createdBy: 'test', stride1x1: false });
    const text = readFileSync(join(plain, 'manifest.json'), 'utf8');
    expect(text).not.toContain('stride1x1');
    expect(readFileSync(join(explicit, 'manifest.json'), 'utf8')).toBe(text);
    expect(stride1x1Of(readCheckpointManifest(plain).architecture)).toBe(false);
  });

  it('refuse a stride1x1 that is not true, naming the file and field', async () => {
    const dir = join(root, 'bad');
    await saveCheckpoint(dir, weights, { createdBy: 'test' });
    const path = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...manifest, architecture: { ...manifest.architecture, stride1x1: 'yes' } }));
    let error: unknown;
    try {
      readCheckpointManifest(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/architecture.stride1x1 must be true .* or absent .*, got "yes"/);
  });
});
