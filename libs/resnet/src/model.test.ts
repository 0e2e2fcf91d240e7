import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ResNet50 } from './model.ts';
import { reconstructionLoss } from './loss.ts';
import { useBackend } from './test-backends.ts';

function input(batch: number, height: number, width = height, seed = 1): tf.Tensor4D {
  return tf.randomNormal([batch, height, width, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
}

// Whole-model tests: seconds each when the machine is idle, much more when it is shared.
const slow = { timeout: 300_000 };

describe('ResNet50 forward (wasm backend)', slow, () => {
  let model: ResNet50;
  beforeAll(async () => {
    await useBackend('wasm');
    model = ResNet50.random({ name: 'resnet50', decoder: true }, 3);
  }, slow.timeout);
  afterAll(() => model.dispose());

  it('has torchvision parameter counts', () => {
    // 23,508,032 = torchvision resnet50 without fc; 23,502,851 = the decoder (architecture.test.ts).
    expect(model.parameterCount()).toBe(23_508_032 + 23_502_851);
  });

  it('gives res4 [N,14,14,1024] and res5 [N,7,7,2048] at 224', () => {
    const x = input(1, 224);
    const started = performance.now();
    const out = model.forward(x, { outputs: ['res4', 'res5', 'pool'] });
    const ms = performance.now() - started;
    expect(out.res4.shape).toEqual([1, 14, 14, 1024]);
    expect(out.res5.shape).toEqual([1, 7, 7, 2048]);
    expect(out.pool.shape).toEqual([1, 2048]);
    console.log(`resnet50 forward 224x224 batch 1 (${tf.getBackend()}): ${ms.toFixed(0)} ms`);
    tf.dispose([x, out.res4, out.res5, out.pool]);
  });

  it('gives pool4 = GAP of res4', () => {
    const x = input(2, 32);
    const out = model.forward(x, { outputs: ['res4', 'pool4'] });
    expect(out.pool4.shape).toEqual([2, 1024]);
    const expected = tf.mean(out.res4, [1, 2]);
    expect(tf.max(tf.abs(tf.sub(expected, out.pool4))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, out.res4, out.pool4, expected]);
  });

  it('gives every stage at 64 (res4 4x4) and PyTorch sizes at odd 225', () => {
    const x = input(2, 64);
    const out = model.forward(x, { outputs: ['res2', 'res3', 'res4', 'res5'] });
    expect([out.res2.shape, out.res3.shape, out.res4.shape, out.res5.shape]).toEqual([
      [2, 16, 16, 256], [2, 8, 8, 512], [2, 4, 4, 1024], [2, 2, 2, 2048],
    ]);
    tf.dispose([x, ...Object.values(out)]);
    // PyTorch: conv1 floor((225+6-7)/2)+1 = 113, pool 57, then 29, 15, 8.
    const odd = input(1, 225);
    const oddOut = model.forward(odd, { outputs: ['res2', 'res3', 'res4', 'res5'] });
    expect([oddOut.res2.shape, oddOut.res3.shape, oddOut.res4.shape, oddOut.res5.shape]).toEqual([
      [1, 57, 57, 256], [1, 29, 29, 512], [1, 15, 15, 1024], [1, 8, 8, 2048],
    ]);
    tf.dispose([odd, ...Object.values(oddOut)]);
  });

  it("stops at res4 when only res4 is asked for (layer4 never runs)", () => {
    const layer4 = model.variable('layer4.0.conv1.weight');
    const saved = tf.clone(layer4);
    layer4.assign(tf.fill(layer4.shape, NaN));
    const x = input(1, 64);
    const out = model.forward(x, { outputs: ['res4'] });
    expect(Object.keys(out)).toEqual(['res4']);
    expect(tf.all(tf.isFinite(out.res4)).dataSync()[0]).toBe(1);
    layer4.assign(saved);
    tf.dispose([saved, x, out.res4]);
  });

  it('decoder output has the input size at 64 and 96', () => {
    for (const size of [64, 96]) {
      const x = input(1, size);
      const { reconstruction } = model.forward(x, { outputs: ['reconstruction'] });
      expect(reconstruction.shape).toEqual([1, size, size, 3]);
      tf.dispose([x, reconstruction]);
    }
  });

  it('refuses a reconstruction that could not come back at the input size', () => {
    const x = input(1, 65);
    expect(() => model.forward(x, { outputs: ['reconstruction'] })).toThrow(/divisible by 32/);
    x.dispose();
  });

  it('three forward passes leave tf.memory().numTensors unchanged, in eval and train mode', () => {
    const x = input(2, 64);
    for (const batchNorm of ['eval', 'train'] as const) {
      const run = () => tf.dispose(Object.values(model.forward(x, { outputs: ['res4', 'pool', 'reconstruction'], batchNorm })));
      run(); // first call may allocate backend-side caches
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) run();
      expect(tf.memory().numTensors).toBe(before);
    }
    x.dispose();
  });

  it('train mode updates BN running statistics; eval mode leaves them alone', () => {
    const runningMean = model.variable('bn1.running_mean');
    const before = Array.from(runningMean.dataSync());
    const x = input(2, 32);
    tf.dispose(Object.values(model.forward(x, { outputs: ['res2'], batchNorm: 'eval' })));
    expect(Array.from(runningMean.dataSync())).toEqual(before);
    tf.dispose(Object.values(model.forward(x, { outputs: ['res2'], batchNorm: 'train' })));
    expect(Array.from(runningMean.dataSync())).not.toEqual(before);
    x.dispose();
  });
});

describe('ResNet50 weights and parameters', slow, () => {
  let model: ResNet50;
  beforeAll(async () => {
    await useBackend('wasm');
    model = ResNet50.random({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 10 }, 5);
  }, slow.timeout);
  afterAll(() => model.dispose());

  it('keeps filters in tfjs layout and gives them back in PyTorch layout', () => {
    const weights = model.toNamedWeights();
    // Conv2d [out,in,kh,kw] <-> HWIO [kh,kw,in,out].
    const conv = weights.get('conv1.weight')!;
    const convTf = model.variable('conv1.weight').arraySync() as number[][][][];
    const [o, i, a, b] = [5, 2, 6, 1];
    expect(convTf[a][b][i][o]).toBe(conv.data[((o * 3 + i) * 7 + a) * 7 + b]);
    // ConvTranspose2d [in,out,kh,kw] <-> [kh,kw,out,in].
    const convT = weights.get('decoder.conv1.weight')!;
    const convTTf = model.variable('decoder.conv1.weight').arraySync() as number[][][][];
    const [ti, to, ta, tb] = [40, 2, 7, 3];
    expect(convTTf[ta][tb][to][ti]).toBe(convT.data[((ti * 3 + to) * 8 + ta) * 8 + tb]);
    expect(weights.get('fc.weight')!.shape).toEqual([10, 2048]);
  });

  it('round-trips named weights exactly, gives identical outputs, and dispose() frees every variable', () => {
    const weights = model.toNamedWeights();
    const copy = ResNet50.fromNamedWeights(weights);
    expect(copy.architecture).toEqual(model.architecture);
    const again = copy.toNamedWeights();
    expect([...again.keys()]).toEqual([...weights.keys()]);
    for (const [name, tensor] of weights) {
      expect(again.get(name)!.shape, name).toEqual(tensor.shape);
      expect(Buffer.from(again.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer)), name).toBe(true);
    }
    const x = input(1, 32);
    const a = model.forward(x, { outputs: ['logits', 'reconstruction'] });
    const b = copy.forward(x, { outputs: ['logits', 'reconstruction'] });
    expect(a.logits.shape).toEqual([1, 10]);
    expect(Array.from(b.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
    expect(Array.from(b.reconstruction.dataSync())).toEqual(Array.from(a.reconstruction.dataSync()));
    tf.dispose([x, ...Object.values(a), ...Object.values(b)]);
    const before = tf.memory().numTensors;
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before - copy.namedVariables().size);
    expect(() => copy.forward(x)).toThrow(/after dispose/);
  });

  it('decodes from res4 back to the input size (48, divisible by 16)', () => {
    const x = input(1, 48);
    const { reconstruction } = model.forward(x, { outputs: ['reconstruction'] });
    expect(reconstruction.shape).toEqual([1, 48, 48, 3]);
    tf.dispose([x, reconstruction]);
  });

  it('loadNamedWeights names the offending tensor', () => {
    const weights = model.toNamedWeights();
    weights.set('layer3.2.conv2.weight', { shape: [256, 256, 1, 1], data: new Float32Array(256 * 256) });
    expect(() => model.loadNamedWeights(weights)).toThrow(/layer3\.2\.conv2\.weight has shape \[256,256,1,1\], resnet50 expects \[256,256,3,3\]/);
  });

  it('freezes and unfreezes parameter groups; running statistics are never trainable', () => {
    const all = model.trainableVariables().length;
    expect(all).toBe([...model.namedVariables().keys()].filter((n) => !/running_(mean|var)$/.test(n)).length);
    model.setTrainable(['stem', 'layer1'], false);
    // stem: conv1 + bn1's 2 = 3 tensors; layer1: 3 blocks x 3 x (conv + 2 BN params) + downsample 3 = 30.
    expect(model.trainableVariables().length).toBe(all - 3 - 30);
    model.setTrainable('all', true);
    expect(model.trainableVariables().length).toBe(all);
  });
});

describe('ResNet50 gradients (cpu backend)', slow, () => {
  beforeAll(() => useBackend('cpu'));

  it('backpropagates the reconstruction loss through decoder and encoder to the stem, without leaking', () => {
    // tfjs-cpu's Conv2DBackpropFilter is a naive loop (22 s for layer1-3 at 32x32), so gradients are
    // taken for the layers at both ends only; the path between them is still differentiated.
    const model = ResNet50.random({ name: 'resnet50', decoder: true }, 9);
    const ends = [...model.namedVariables()]
      .filter(([name, v]) => v.trainable && /^(conv1|bn1|layer1\.0|decoder\.layer1\.2|decoder\.conv1)\./.test(name));
    const x = input(2, 32);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const { reconstruction } = model.forward(x, { outputs: ['reconstruction'], batchNorm: 'train' });
      return reconstructionLoss(reconstruction, x);
    }, ends.map(([, v]) => v));
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [name, variable] of ends) {
      const grad = grads[variable.name];
      expect(grad.shape, name).toEqual(variable.shape);
      const [nonZero, finite] = tf.tidy(() => [tf.any(tf.notEqual(grad, 0)).dataSync()[0], tf.all(tf.isFinite(grad)).dataSync()[0]]);
      expect(nonZero, `${name} gets a non-zero gradient`).toBe(1);
      expect(finite, name).toBe(1);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
