/**
 * ResNet v1 (Detectron's RESNETS.STRIDE_1X1: each stage's stride on layerN.0.conv1) through the
 * ONNX export and import, checked against libs/resnet's tfjs forward of the same variant.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '@mgta/core';
import { ResNet50 } from '@mgta/resnet';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportEncoderOnnx } from './export-encoder.ts';
import { importResnetOnnx } from './import-resnet.ts';
import { decodeModel, encodeModel } from './onnx-proto.ts';
import { randomResnet50Weights } from './random-weights.ts';
import { resnet50Blocks, type EncoderLayer, type NamedWeights } from './resnet50-layout.ts';
import { randomImage, relativeError, runModel } from './test-support/features.ts';
import { tfjsEncoder } from './test-support/tfjs-encoder.ts';

const WIDTH = 1 / 16; // res4 64 channels, res5 128
const dims = [2, 3, 64, 80];
let weights: NamedWeights;
let image: Float32Array;

beforeAll(async () => {
  weights = randomResnet50Weights(31, 'res5', WIDTH);
  image = randomImage(32, dims);
  await tfjsEncoder(weights, 'conv1', new Float32Array(3 * 8 * 8), [1, 3, 8, 8]); // selects the wasm backend
}, 60_000);

/** A layer of libs/resnet's tfjs ResNet50 of the given variant (NCHW in, NCHW out). */
function tfjsLayer(variant: { stride1x1?: true }, layer: 'res4' | 'res5'): { data: Float32Array; dims: number[] } {
  const model = ResNet50.fromNamedWeights(weights, variant);
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(image, dims as [number, number, number, number]).transpose([0, 2, 3, 1]) as tf.Tensor4D;
      const out = model.forward(x, { outputs: [layer] })[layer].transpose([0, 3, 1, 2]);
      return { data: out.dataSync() as Float32Array, dims: out.shape };
    });
  } finally {
    model.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('the layout', () => {
  it('puts each stage stride on conv1 for v1 and on conv2 for v1.5; the projection strides in both', () => {
    const strides = (stride1x1: boolean) => resnet50Blocks(WIDTH, { stride1x1 }).filter((b) => b.index === 0)
      .map((b) => `${b.name}: ${b.main.map((c) => c.stride).join(' ')} / ${b.downsample!.stride}`);
    expect(strides(true)).toEqual(['layer1.0: 1 1 1 / 1', 'layer2.0: 2 1 1 / 2', 'layer3.0: 2 1 1 / 2', 'layer4.0: 2 1 1 / 2']);
    expect(strides(false)).toEqual(['layer1.0: 1 1 1 / 1', 'layer2.0: 1 2 1 / 2', 'layer3.0: 1 2 1 / 2', 'layer4.0: 1 2 1 / 2']);
  });
});

describe('ResNet v1 export (width 1/16) vs libs/resnet tfjs', () => {
  it.each(['res4', 'res5'] as const)('%s through onnxruntime-node equals the tfjs v1 forward, and differs from v1.5', async (layer) => {
    const v1 = await runModel(exportEncoderOnnx(weights, { layer, stride1x1: true }), image, dims);
    const v15 = await runModel(exportEncoderOnnx(weights, { layer }), image, dims);
    const reference = tfjsLayer({ stride1x1: true }, layer);
    expect(v1.dims).toEqual(reference.dims);
    const error = relativeError(v1.data, reference.data);
    console.log(`${layer} v1, ORT (BN folded) vs libs/resnet (${tf.getBackend()}): relative ${error.toExponential(2)}, max abs diff ${maxAbsDiff(v1.data, reference.data).toExponential(2)}`);
    expect(error).toBeLessThan(1e-4);
    expect(v15.dims).toEqual(v1.dims);
    expect(relativeError(v15.data, v1.data)).toBeGreaterThan(0.1);
    expect(relativeError(v15.data, tfjsLayer({}, layer).data)).toBeLessThan(1e-4);
  }, 60_000);

  it('says so in the doc string; v1.5 keeps its own', () => {
    expect(decodeModel(exportEncoderOnnx(weights, { layer: 'res4', stride1x1: true })).doc_string).toBe('ResNet-50 x1/16 v1 (stride on 1x1) with torchvision names encoder up to res4, BN folded (mgta)');
    expect(decodeModel(exportEncoderOnnx(weights, { layer: 'res4' })).doc_string).toBe('torchvision-structured ResNet-50 x1/16 encoder up to res4, BN folded (mgta)');
  });
});

describe('importing a v1 graph', () => {
  it.each(['res4', 'res5'] as const)('made by our exporter up to %s: sets stride1x1 and round-trips to identical features', async (layer) => {
    const exported = exportEncoderOnnx(weights, { layer, stride1x1: true });
    const imported = importResnetOnnx(exported, 'v1.onnx');
    expect(imported.stride1x1).toBe(true);
    expect(imported.width).toBe(WIDTH);
    expect(imported.deepestLayer).toBe(layer);
    const original = await runModel(exported, image, dims);
    expect(relativeError((await runModel(imported.cut(layer), image, dims)).data, original.data)).toBe(0);
    // Re-exported as v1 from the imported weights: the same function.
    const reexported = await runModel(exportEncoderOnnx(imported.weights, { layer, stride1x1: imported.stride1x1 }), image, dims);
    expect(relativeError(reexported.data, original.data)).toBeLessThan(1e-6);
  }, 60_000);

  it('reads a v1.5 graph as v1.5', () => {
    expect(importResnetOnnx(exportEncoderOnnx(weights, { layer: 'res5' }), 'v15.onnx').stride1x1).toBe(false);
  });

  it('refuses a graph whose stages put the stride in different places, naming them', () => {
    const model = decodeModel(exportEncoderOnnx(weights, { layer: 'res5', stride1x1: true }));
    // layer3.0 back to v1.5: stride 1 on conv1, 2 on conv2.
    for (const [conv, stride] of [['conv1', 1], ['conv2', 2]] as const) {
      const node = model.graph.node.find((n) => n.name === `/layer3/layer3.0/${conv}/Conv`)!;
      node.attribute!.find((a) => a.name === 'strides')!.ints = [stride, stride];
    }
    const mixed = encodeModel(model);
    let error: unknown;
    try {
      importResnetOnnx(mixed, 'mixed.onnx');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/mixed\.onnx: not a ResNet-50: the stage strides are on the 1x1 conv1 in layer2\.0, layer4\.0 .* but on the 3x3 conv2 in layer3\.0/);
  });

  it('names the conv when a v1 stage has its stride where neither variant has it', () => {
    const model = decodeModel(exportEncoderOnnx(weights, { layer: 'res4' as EncoderLayer, stride1x1: true }));
    model.graph.node.find((n) => n.name === '/layer3/layer3.0/conv2/Conv')!.attribute!.find((a) => a.name === 'strides')!.ints = [2, 2];
    expect(() => importResnetOnnx(encodeModel(model), 'both.onnx')).toThrow(/both\.onnx: not a ResNet-50: layer3\.0\.conv2 .*strides \[2,2\], expected \[1, 1\].*v1 \(stride on 1x1\)/);
  });
});
