// SGD (sgd.ts) against a two-step update computed by hand with torch.optim.SGD's rules
// (momentum 0.9, Nesterov, weight decay on the "conv" tensor only), its state round trip, and
// which tensors of a ResNet-50 get weight decay.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@mgta/nn';
import { ResNet50 } from '@mgta/resnet';
import { trainableParams } from './adam.ts';
import { createOptimizer, decayedTensors } from './optimizer.ts';
import { Sgd } from './sgd.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 2, log: false });
});

/** θ (a conv weight, decayed) and φ (a BN weight, not decayed), with their gradients per step. */
function setup() {
  const theta = tf.variable(tf.tensor1d([1, -2]));
  const phi = tf.variable(tf.tensor1d([0.5]));
  const params = new Map([['conv.weight', theta], ['bn.weight', phi]]);
  const grads = [
    { [theta.name]: tf.tensor1d([0.2, 0.4]), [phi.name]: tf.tensor1d([1]) },
    { [theta.name]: tf.tensor1d([-0.1, 0.3]), [phi.name]: tf.tensor1d([2]) },
  ];
  const dispose = () => tf.dispose([theta, phi, ...grads.flatMap((g) => Object.values(g))]);
  return { theta, phi, params, grads, dispose };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('SGD (torch.optim.SGD semantics)', () => {
  it('matches a hand-computed two-step update with Nesterov momentum and weight decay on conv weights only', () => {
    const { theta, phi, params, grads, dispose } = setup();
    const sgd = new Sgd(params, { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1, decays: (name) => name === 'conv.weight' });
    expect([...sgd.decayedParameters]).toEqual(['conv.weight']);
    sgd.apply(grads[0], 0.1);
    // Step 1, θ: d = g + λθ = [0.2 + 0.1, 0.4 − 0.2] = [0.3, 0.2]; b = d; u = d + μb = [0.57, 0.38];
    //   θ = θ − 0.1·u = [0.943, −2.038].  φ (no decay): d = 1, b = 1, u = 1.9, φ = 0.5 − 0.19 = 0.31.
    expect(values(theta)[0]).toBeCloseTo(0.943, 6);
    expect(values(theta)[1]).toBeCloseTo(-2.038, 6);
    expect(values(phi)[0]).toBeCloseTo(0.31, 6);
    sgd.apply(grads[1], 0.05);
    // Step 2 (lr 0.05), θ: d = [−0.1 + 0.0943, 0.3 − 0.2038] = [−0.0057, 0.0962];
    //   b = 0.9·[0.3, 0.2] + d = [0.2643, 0.2762]; u = d + 0.9·b = [0.23217, 0.34478];
    //   θ = [0.943 − 0.0116085, −2.038 − 0.017239] = [0.9313915, −2.055239].
    //   φ: d = 2, b = 0.9 + 2 = 2.9, u = 2 + 2.61 = 4.61, φ = 0.31 − 0.2305 = 0.0795.
    expect(values(theta)[0]).toBeCloseTo(0.9313915, 6);
    expect(values(theta)[1]).toBeCloseTo(-2.055239, 6);
    expect(values(phi)[0]).toBeCloseTo(0.0795, 6);
    expect(sgd.step).toBe(2);
    sgd.dispose();
    dispose();
  });

  it('classical momentum: the step is the buffer; no momentum: plain gradient descent', () => {
    const a = setup();
    const classical = new Sgd(a.params, { learningRate: 0.1, momentum: 0.9 });
    classical.apply(a.grads[0]);
    classical.apply(a.grads[1]);
    // φ: b1 = 1, φ1 = 0.5 − 0.1 = 0.4; b2 = 0.9 + 2 = 2.9, φ2 = 0.4 − 0.29 = 0.11.
    expect(values(a.phi)[0]).toBeCloseTo(0.11, 6);
    classical.dispose();
    a.dispose();
    const b = setup();
    const plain = new Sgd(b.params, { learningRate: 0.1 });
    plain.apply(b.grads[0]);
    expect(values(b.theta)).toEqual([expect.closeTo(0.98, 6), expect.closeTo(-2.04, 6)]);
    expect(plain.exportState().moments.size).toBe(0);
    plain.dispose();
    b.dispose();
  });

  it('refuses Nesterov without momentum, as PyTorch does', () => {
    const { params, dispose } = setup();
    expect(() => new Sgd(params, { learningRate: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum > 0/);
    dispose();
  });

  it('exports and imports its whole state: step 2 after a restore equals step 2 uninterrupted', () => {
    const whole = setup();
    const sgd = new Sgd(whole.params, { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    sgd.apply(whole.grads[0]);
    const state = sgd.exportState();
    expect([...state.moments.keys()]).toEqual(['conv.weight.momentum_buffer', 'bn.weight.momentum_buffer']);
    expect(state.step).toBe(1);
    const thetaAfter1 = values(whole.theta);
    const phiAfter1 = values(whole.phi);
    sgd.apply(whole.grads[1]);

    const resumed = setup();
    resumed.theta.assign(tf.tensor1d(thetaAfter1));
    resumed.phi.assign(tf.tensor1d(phiAfter1));
    const again = new Sgd(resumed.params, { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    again.importState(state);
    again.apply(resumed.grads[1]);
    expect(values(resumed.theta)).toEqual(values(whole.theta));
    expect(values(resumed.phi)).toEqual(values(whole.phi));
    expect(again.step).toBe(2);
    for (const o of [sgd, again]) o.dispose();
    whole.dispose();
    resumed.dispose();
  });

  it('leaves tf.memory().numTensors unchanged across steps and frees its buffers on dispose', () => {
    const { params, grads, dispose } = setup();
    const before = tf.memory().numTensors;
    const sgd = new Sgd(params, { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    sgd.apply(grads[0]);
    const during = tf.memory().numTensors;
    sgd.apply(grads[1]);
    sgd.apply(grads[0]);
    expect(tf.memory().numTensors).toBe(during);
    sgd.dispose();
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });
});

describe('weight decay on a ResNet-50', () => {
  it('applies to conv, transposed-conv and fc weights, never to BN γ/β or biases', () => {
    const model = ResNet50.random({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 3, width: 0.125 }, 1);
    try {
      const decayed = decayedTensors(model);
      for (const name of ['conv1.weight', 'layer1.0.conv1.weight', 'layer1.0.downsample.0.weight', 'fc.weight']) expect(decayed.has(name)).toBe(true);
      for (const name of ['bn1.weight', 'bn1.bias', 'layer1.0.bn1.weight', 'layer1.0.downsample.1.bias', 'fc.bias']) expect(decayed.has(name)).toBe(false);
      const decoder = [...model.namedVariables().keys()].filter((name) => name.startsWith('decoder.'));
      expect(decoder.some((name) => decayed.has(name))).toBe(true);
      expect(decoder.filter((name) => name.endsWith('.bias')).some((name) => decayed.has(name))).toBe(false);
      const sgd = createOptimizer({ name: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, model, trainableParams(model.namedVariables()), 0.1) as Sgd;
      expect([...sgd.decayedParameters].every((name) => decayed.has(name))).toBe(true);
      sgd.dispose();
    } finally {
      model.dispose();
    }
  });
});
