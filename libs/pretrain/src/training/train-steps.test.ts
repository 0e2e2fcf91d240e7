// The triplet term's layer (pretrain.mgta.tripletFeature): on GAP-res4 its gradient reaches
// layer3 but nothing reaches layer4 when the decoder reads res4; on GAP-res5 (the default) it
// reaches layer4. Plus PK batch counting (the MGTA schedule's horizon). Width 1/8 for speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@mgta/nn';
import { ResNet50 } from '@mgta/resnet';
import { pkBatchCount, pkBatches } from '../pk-sampler.ts';
import { trainableParams } from './adam.ts';
import { autoEncoderObjective, type TripletTerm } from './train-steps.ts';

let model: ResNet50;
let x: tf.Tensor4D;
const labels = Int32Array.from([0, 0, 1, 1]);

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', threads: 2, log: false });
  model = ResNet50.random({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.125 }, 1);
  x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
});
afterAll(() => {
  model.dispose();
  x.dispose();
});

/** Gradients of the objective by torchvision name (names without a gradient are absent), and L_htri. */
function gradients(triplet?: TripletTerm): { grads: Map<string, Float32Array>; tripletLoss?: number } {
  const params = trainableParams(model.namedVariables());
  const byVariable = new Map([...params].map(([name, variable]) => [variable.name, name]));
  const kept: tf.Scalar[] = [];
  const { value, grads } = tf.variableGrads(() => autoEncoderObjective(model, x, triplet, (t) => { kept.push(tf.keep(t)); }), [...params.values()]);
  const out = new Map<string, Float32Array>();
  for (const [variableName, grad] of Object.entries(grads)) out.set(byVariable.get(variableName)!, Float32Array.from(grad.dataSync() as Float32Array));
  const tripletLoss = kept.length > 1 ? kept[1].dataSync()[0] : undefined;
  tf.dispose([value, ...kept, ...Object.values(grads)]);
  return { grads: out, tripletLoss };
}

const maxAbsDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('triplet term layer', () => {
  it('res4: the gradient reaches layer3 but no loss reaches layer4 (decoder on res4)', () => {
    const withTriplet = gradients({ labels, lambda: 1, feature: 'res4' });
    expect(withTriplet.tripletLoss).toBeGreaterThan(0);
    const names = [...withTriplet.grads.keys()];
    expect(names.filter((name) => name.startsWith('layer4.'))).toEqual([]);
    expect(names.some((name) => name.startsWith('layer3.'))).toBe(true);
    // The triplet term itself reaches layer3: its gradient there differs from the reconstruction's alone.
    const reconstructionOnly = gradients();
    const name = 'layer3.0.conv1.weight';
    expect(maxAbsDifference(withTriplet.grads.get(name)!, reconstructionOnly.grads.get(name)!)).toBeGreaterThan(0);
  });

  it('res5 (default): the triplet term reaches layer4', () => {
    const { grads } = gradients({ labels, lambda: 1 });
    expect(grads.has('layer4.0.conv1.weight')).toBe(true);
    expect(gradients({ labels, lambda: 1, feature: 'res5' }).grads.has('layer4.2.conv3.weight')).toBe(true);
  });

  it('frees every tensor it makes', () => {
    gradients({ labels, lambda: 1, feature: 'res4' });
    const before = tf.memory().numTensors;
    gradients({ labels, lambda: 1, feature: 'res4' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('pkBatchCount', () => {
  it('counts what pkBatches draws', () => {
    for (const [images, clusters, p, k] of [[200, 8, 4, 4], [400, 8, 4, 4], [7, 2, 2, 2], [1000, 30, 5, 6], [1000, 10, 5, 6], [13, 3, 2, 3]]) {
      const labels = Int32Array.from({ length: images }, (_, i) => i % clusters);
      expect(pkBatchCount(images, { p, k, clusters }), `${images} ${clusters} ${p} ${k}`).toBe(pkBatches(labels, { p, k, seed: 1 }).length);
    }
  });
});
