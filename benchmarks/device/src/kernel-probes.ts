/**
 * The training kernels the ResNet-50 auto-encoder leans on, each differentiated alone on small
 * seeded tensors: when a whole training step disagrees between back ends, these say which kernel.
 * (Found while writing this check: tfjs-cpu 4.22's ResizeNearestNeighborGrad reads dy with the
 * image's batch stride, so its gradient is wrong for a batch above 1; wasm's and webgpu's kernels
 * are separate code.)
 *
 * Each probe gives checksums of its gradients, not the values: the sum of squares and a seeded
 * random projection Σ gᵢ·rᵢ, which moves with any element's change.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { conv2d, convTranspose2d, maxPool2d, upsampleNearest } from '@mgta/resnet';
import { normalValues } from './synthetic.ts';

type Probe = (seed: number) => tf.Tensor[];

const t4 = (seed: number, shape: [number, number, number, number], scale = 1) =>
  tf.tensor4d(normalValues(seed, shape.reduce((a, b) => a * b, 1)).map((v) => v * scale), shape);

/** d/d(inputs) of Σ f(inputs)·r for a fixed random r: every element of the output gets a gradient. */
function gradsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], seed: number): tf.Tensor[] {
  return tf.tidy(() => {
    const shape = f(...inputs).shape;
    const r = tf.tensor(normalValues(seed, shape.reduce((a, b) => a * b, 1)), shape);
    return tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
  });
}

/** The model's own ops (libs/resnet conv-ops.ts: PyTorch semantics), at the shapes they take there. */
export const PROBES: Record<string, Probe> = {
  // the decoder's "interpolate scale factor=2"
  'upsample-nearest-x2': (s) => gradsOf((x) => upsampleNearest(x as tf.Tensor4D, 2), [t4(s, [2, 16, 16, 8])], s + 1),
  // the decoder's last layer: ConvT 8x8, stride 2, padding 3
  'conv-transpose-8x8-s2': (s) => gradsOf((x, w) => convTranspose2d(x as tf.Tensor4D, w as tf.Tensor4D, { stride: 2, padding: 3, outputPadding: 0 }),
    [t4(s, [2, 16, 16, 16]), t4(s + 2, [8, 8, 3, 16], 0.1)], s + 3),
  // a decoder block's upsampling 3x3 ConvT: stride 2, padding 1, output padding 1
  'conv-transpose-3x3-s2': (s) => gradsOf((x, w) => convTranspose2d(x as tf.Tensor4D, w as tf.Tensor4D, { stride: 2, padding: 1, outputPadding: 1 }),
    [t4(s, [2, 8, 8, 16]), t4(s + 2, [3, 3, 8, 16], 0.1)], s + 3),
  // the stem: conv 7x7 stride 2 padding 3, max pool 3x3 stride 2 padding 1
  'conv-7x7-s2': (s) => gradsOf((x, w) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 3), [t4(s, [2, 32, 32, 3]), t4(s + 2, [7, 7, 3, 16], 0.1)], s + 3),
  'max-pool-3x3-s2': (s) => gradsOf((x) => maxPool2d(x as tf.Tensor4D, 3, 2, 1), [t4(s, [2, 16, 16, 8])], s + 1),
  // the first block of a stage: 3x3 conv, stride 2
  'conv-3x3-s2': (s) => gradsOf((x, w) => conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 1), [t4(s, [2, 16, 16, 16]), t4(s + 2, [3, 3, 16, 16], 0.1)], s + 3),
};

export interface ProbeChecksum {
  sumSquares: number;
  projection: number;
}

export async function runProbes(seed: number): Promise<Record<string, ProbeChecksum | { error: string }>> {
  const out: Record<string, ProbeChecksum | { error: string }> = {};
  for (const [name, probe] of Object.entries(PROBES)) {
    try {
      const grads = probe(seed);
      const random = new Random(seed + 99);
      let sumSquares = 0, projection = 0;
      // awaited reads: tfjs-webgpu cannot read synchronously in Node (head-step.ts)
      for (const g of grads) for (const v of await g.data()) { sumSquares += v * v; projection += v * random.normal(); }
      tf.dispose(grads);
      out[name] = { sumSquares, projection };
    } catch (error) {
      out[name] = { error: (error instanceof Error ? error.message : String(error)).slice(0, 200) };
    }
  }
  return out;
}
