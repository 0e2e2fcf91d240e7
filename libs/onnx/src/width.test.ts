import * as tf from '@tensorflow/tfjs';
import { InputError } from '@mgta/core';
import { ResNet50 } from '@mgta/resnet';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportEncoderOnnx } from './export-encoder.ts';
import { checkModelStructure } from './graph-check.ts';
import { importResnetOnnx } from './import-resnet.ts';
import { decodeModel, encodeModel, toNumber } from './onnx-proto.ts';
import { tensorProto } from './graph-builder.ts';
import { randomResnet50Weights } from './random-weights.ts';
import { ENCODER_LAYERS, LAYER_STRIDE, layerChannels, widthOfWeights, type NamedWeights } from './resnet50-layout.ts';
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

const dims = [2, 3, 32, 32];
let weights: NamedWeights;
let image: Float32Array;
beforeAll(async () => {
  weights = randomResnet50Weights(41, 'res5', 0.25);
  image = randomImage(42, dims);
  await tfjsEncoder(weights, 'conv1', new Float32Array(3 * 8 * 8), [1, 3, 8, 8]); // selects the wasm backend
}, 60_000);

describe('ResNet-50 at width 1/4 in ONNX', () => {
  it('has 1/4 of every channel count, read back from the weights', () => {
    expect(widthOfWeights(weights)).toBe(0.25);
    expect(weights.get('conv1.weight')!.shape).toEqual([16, 3, 7, 7]);
    expect(weights.get('layer3.5.bn3.running_var')!.shape).toEqual([256]);
    expect(weights.get('layer4.2.conv3.weight')!.shape).toEqual([512, 128, 1, 1]);
    expect(ENCODER_LAYERS.map((layer) => layerChannels(layer, 0.25))).toEqual([16, 64, 128, 256, 512]);
    expect(() => layerChannels('res4', 0.3)).toThrow(/width 0\.3 is not a ResNet-50 width: 64 × width must be a positive integer/);
    expect(() => randomResnet50Weights(1, 'res4', 1 / 3)).toThrow(/is not a ResNet-50 width/);
  });

  it('exports every layer with the scaled channels, matching an unfolded tfjs encoder', async () => {
    for (const layer of ENCODER_LAYERS) {
      const bytes = exportEncoderOnnx(weights, { layer });
      expect(checkModelStructure(bytes)).toEqual([]);
      expect(toNumber(decodeModel(bytes).graph.output[0].type?.tensor_type?.shape?.dim?.[1]?.dim_value)).toBe(layerChannels(layer, 0.25));
      const out = await runModel(bytes, image, dims);
      const s = LAYER_STRIDE[layer];
      expect(out.dims).toEqual([2, layerChannels(layer, 0.25), Math.ceil(32 / s), Math.ceil(32 / s)]);
      expect(relativeError(out.data, await tfjsEncoder(weights, layer, image, dims)), layer).toBeLessThan(1e-4);
    }
  }, 60_000);

  it('tfjs (libs/resnet) and ORT give the same res4 at width 1/4 (‖a−b‖/‖b‖ < 1e-4)', async () => {
    const ort = await runModel(exportEncoderOnnx(weights, { layer: 'res4' }), image, dims);
    const reference = resnetRes4(weights, image, dims);
    const error = relativeError(ort.data, reference);
    console.log(`res4 32x32 width 1/4, ORT (BN folded) vs libs/resnet ResNet50 (${tf.getBackend()}): ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-4);
  }, 60_000);

  it('imports a torchvision-structured width-1/4 ResNet-50 (folded or not) exactly as a full-width one', async () => {
    const expected = (await runModel(exportEncoderOnnx(weights, { layer: 'res4' }), image, dims)).data;
    for (const foldBn of [true, false]) {
      const imported = importResnetOnnx(buildTorchvisionLikeResnet(weights, { foldBn, epsilon: 1e-3 }), 'resnet50-quarter.onnx');
      expect(imported.width).toBe(0.25);
      expect(imported.bnFolded).toBe(foldBn);
      expect(imported.deepestLayer).toBe('res5');
      const cut = imported.cut('res4');
      expect(toNumber(decodeModel(cut).graph.output[0].type?.tensor_type?.shape?.dim?.[1]?.dim_value)).toBe(256);
      const out = await runModel(cut, image, dims);
      expect(out.dims).toEqual([2, 256, 2, 2]);
      expect(relativeError(out.data, expected), `foldBn ${foldBn}`).toBeLessThan(1e-5);
      // The imported weights re-export and load into the tfjs model at the same width.
      const reexported = await runModel(exportEncoderOnnx(imported.weights, { layer: 'res4' }), image, dims);
      expect(relativeError(reexported.data, out.data)).toBeLessThan(1e-5);
      expect(relativeError(resnetRes4(imported.weights, image, dims), out.data)).toBeLessThan(1e-4);
    }
    const resnet5 = importResnetOnnx(buildTorchvisionLikeResnet(weights), 'resnet50-quarter.onnx');
    expect((await runModel(resnet5.cut('res5'), image, dims)).dims).toEqual([2, 512, 1, 1]);
  }, 60_000);

  it('round trip export → import → export at width 1/4 is exact', async () => {
    const first = exportEncoderOnnx(weights, { layer: 'res4' });
    const imported = importResnetOnnx(first, 'res4.onnx');
    expect(imported.width).toBe(0.25);
    const second = exportEncoderOnnx(imported.weights, { layer: 'res4' });
    const a = (await runModel(first, image, dims)).data;
    const b = (await runModel(second, image, dims)).data;
    expect(relativeError(b, a)).toBe(0);
  }, 60_000);

  it('says which width it expected when the shapes fit none', () => {
    // conv1/bn1 at width 1/8, the rest at 1/4.
    const mixed = new Map(weights);
    for (const [name, tensor] of randomResnet50Weights(43, 'conv1', 0.125)) mixed.set(name, tensor);
    expect(widthOfWeights(mixed)).toBe(0.125);
    expect(() => exportEncoderOnnx(mixed, { layer: 'res4' })).toThrow(
      /weight layer1\.0\.conv1\.weight has shape \[16, 16, 1, 1\], expected \[8, 8, 1, 1\]: a ResNet-50 at width 1\/8 \(conv1 has 8 output channels\) needs every weight at that width/,
    );
    // An ONNX model whose stem conv has 8 output channels (width 1/8) but whose blocks are at 1/4.
    const decoded = decodeModel(buildTorchvisionLikeResnet(weights));
    const stemConv = decoded.graph.node.find((node) => node.op_type === 'Conv')!;
    const stemWeight = decoded.graph.initializer.findIndex((t) => t.name === stemConv.input[1]);
    decoded.graph.initializer[stemWeight] = tensorProto(stemConv.input[1], [8, 3, 7, 7], new Float32Array(8 * 3 * 49));
    const stemBias = decoded.graph.initializer.findIndex((t) => t.name === stemConv.input[2]);
    decoded.graph.initializer[stemBias] = tensorProto(stemConv.input[2], [8], new Float32Array(8));
    try {
      importResnetOnnx(encodeModel(decoded), 'mixed.onnx');
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/mixed\.onnx: not a ResNet-50: layer1\.0\.conv1 \(Conv .*\) weight has shape \[16, 16, 1, 1\], expected \[8, 8, 1, 1\] at width 1\/8 \(conv1 has 8 output channels\)/);
    }
  }, 60_000);
});
