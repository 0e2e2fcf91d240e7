import { describe, expect, it } from 'vitest';
import { sha256 } from '@mgta/core';
import { initialWeights } from './init.ts';
import { tensorSpecs } from './architecture.ts';

function std(data: Float32Array): number {
  let sum = 0;
  let squares = 0;
  for (const v of data) { sum += v; squares += v * v; }
  const mean = sum / data.length;
  return Math.sqrt(squares / data.length - mean * mean);
}

describe('initialWeights (torchvision ResNet init)', { timeout: 120_000 }, () => {
  const weights = initialWeights({ name: 'resnet50', decoder: true, headClasses: 10 }, 7);

  it('draws convs from N(0, 2 / (out * kh * kw)) (kaiming_normal_, fan_out, relu)', () => {
    const conv1 = weights.get('conv1.weight')!.data; // 9408 values
    expect(std(conv1)).toBeCloseTo(Math.sqrt(2 / (64 * 49)), 2);
    const big = weights.get('layer4.0.conv2.weight')!.data; // 2.4M values: tight
    expect(std(big) / Math.sqrt(2 / (512 * 9))).toBeCloseTo(1, 2);
    const transposed = weights.get('decoder.layer4.0.conv2.weight')!.data;
    expect(std(transposed) / Math.sqrt(2 / (512 * 9))).toBeCloseTo(1, 2);
    const fc = weights.get('fc.weight')!.data;
    expect(Math.max(...fc.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(2048));
  });

  it('sets BN weight 1, bias 0, running mean 0, running var 1, and the decoder bias 0', () => {
    expect(weights.get('layer2.3.bn2.weight')!.data.every((v) => v === 1)).toBe(true);
    expect(weights.get('layer2.3.bn2.bias')!.data.every((v) => v === 0)).toBe(true);
    expect(weights.get('layer2.3.bn2.running_mean')!.data.every((v) => v === 0)).toBe(true);
    expect(weights.get('layer2.3.bn2.running_var')!.data.every((v) => v === 1)).toBe(true);
    expect(weights.get('decoder.conv1.bias')!.data.every((v) => v === 0)).toBe(true);
  });

  it('is pinned across runs and versions: seed 0 conv1.weight bytes (changing init changes the "Random" baseline)', () => {
    const conv1 = initialWeights({ name: 'resnet50', decoder: false }, 0).get('conv1.weight')!.data;
    expect(sha256(new Uint8Array(conv1.buffer, conv1.byteOffset, conv1.byteLength))).toBe('86dff210703865f2849a9cce3885fdc1ccbe82d1fa34cb236cd6f4d195a6ec84');
  });

  it('follows the checkpoint tensor order', () => {
    expect([...weights.keys()]).toEqual(tensorSpecs({ name: 'resnet50', decoder: true, headClasses: 10 }).map((s) => s.name));
  });

  it('gives every tensor its own stream: the encoder does not change when the decoder is added; seeds differ', () => {
    const encoderOnly = initialWeights({ name: 'resnet50', decoder: false }, 7);
    for (const name of ['conv1.weight', 'layer3.4.conv2.weight', 'layer4.2.conv3.weight']) {
      expect(Buffer.from(encoderOnly.get(name)!.data.buffer).equals(Buffer.from(weights.get(name)!.data.buffer)), name).toBe(true);
    }
    expect(weights.get('layer1.0.conv1.weight')!.data[0]).not.toBe(weights.get('layer1.1.conv1.weight')!.data[0]);
    const otherSeed = initialWeights({ name: 'resnet50', decoder: false }, 8);
    expect(otherSeed.get('conv1.weight')!.data[0]).not.toBe(encoderOnly.get('conv1.weight')!.data[0]);
  });
});
