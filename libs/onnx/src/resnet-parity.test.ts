import * as tf from '@tensorflow/tfjs';
import { ResNet50 } from '@mgta/resnet';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportEncoderOnnx } from './export-encoder.ts';
import { importResnetOnnx } from './import-resnet.ts';
import { randomResnet50Weights } from './random-weights.ts';
import type { NamedWeights } from './resnet50-layout.ts';
import { randomImage, relativeError, runModel } from './test-support/features.ts';
import { tfjsEncoder } from './test-support/tfjs-encoder.ts';
import { buildTorchvisionLikeResnet } from './test-support/torchvision-like.ts';

/** res4 of libs/resnet's tfjs ResNet50 (NHWC in, NHWC out) as NCHW. */
function resnetRes4(weights: NamedWeights, nchw: Float32Array, dims: number[]): Float32Array {
  const model = ResNet50.fromNamedWeights(weights);
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(nchw, dims as [number, number, number, number]).transpose([0, 2, 3, 1]) as tf.Tensor4D;
      const { res4 } = model.forward(x, { outputs: ['res4'] });
      return res4.transpose([0, 3, 1, 2]).dataSync() as Float32Array;
    });
  } finally {
    model.dispose();
  }
}

let weights: NamedWeights;
beforeAll(async () => {
  weights = randomResnet50Weights(21);
  await tfjsEncoder(weights, 'conv1', new Float32Array(3 * 8 * 8), [1, 3, 8, 8]); // selects the wasm backend
}, 60_000);

describe('parity with libs/resnet (tfjs)', () => {
  it('same weights give the same res4 in tfjs and ORT at 224x224 (‖a−b‖/‖b‖ < 1e-4)', async () => {
    const dims = [1, 3, 224, 224];
    const image = randomImage(22, dims);
    const ort = await runModel(exportEncoderOnnx(weights, { layer: 'res4' }), image, dims);
    const reference = resnetRes4(weights, image, dims);
    const error = relativeError(ort.data, reference);
    console.log(`res4 224x224, ORT (BN folded) vs libs/resnet ResNet50 (${tf.getBackend()}): ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-4);
  }, 60_000);

  it('weights imported from a BN-folded ONNX load into ResNet50 and give the ONNX features', async () => {
    const dims = [1, 3, 64, 64];
    const image = randomImage(23, dims);
    const imported = importResnetOnnx(buildTorchvisionLikeResnet(weights, { foldBn: true }), 'resnet50.onnx');
    const ort = await runModel(imported.cut('res4'), image, dims);
    const reference = resnetRes4(imported.weights, image, dims);
    expect(relativeError(ort.data, reference)).toBeLessThan(1e-4);
  }, 60_000);
});
