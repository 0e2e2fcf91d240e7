import { InputError } from '@mgta/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportEncoderOnnx } from './export-encoder.ts';
import { checkModelStructure } from './graph-check.ts';
import { importResnetOnnx } from './import-resnet.ts';
import { decodeModel } from './onnx-proto.ts';
import { randomResnet50Weights } from './random-weights.ts';
import { allConvs, type NamedWeights } from './resnet50-layout.ts';
import { randomImage, relativeError, runModel } from './test-support/features.ts';
import { buildTorchvisionLikeResnet, type TorchvisionLikeOptions } from './test-support/torchvision-like.ts';

const dims = [2, 3, 64, 64];
let weights: NamedWeights;
let image: Float32Array;
/** Features of our own export of the original weights: the reference for every import. */
const expected: Record<string, Float32Array> = {};

beforeAll(async () => {
  weights = randomResnet50Weights(11);
  image = randomImage(12, dims);
  for (const layer of ['res4', 'res5'] as const) {
    expected[layer] = (await runModel(exportEncoderOnnx(weights, { layer }), image, dims)).data;
  }
}, 60_000);

function importVariant(options: TorchvisionLikeOptions) {
  return importResnetOnnx(buildTorchvisionLikeResnet(weights, options), 'resnet50.onnx');
}

describe('importResnetOnnx', () => {
  it('cuts a BN-folded torchvision-style model (numbered names, fc head) at res4 and res5', async () => {
    const imported = importVariant({ foldBn: true });
    expect(imported.bnFolded).toBe(true);
    expect(imported.originalInputName).toBe('input.1');
    expect(imported.deepestLayer).toBe('res5');
    for (const layer of ['res4', 'res5'] as const) {
      const cut = imported.cut(layer);
      expect(checkModelStructure(cut)).toEqual([]);
      const graph = decodeModel(cut).graph;
      expect(graph.input.map((i) => i.name)).toEqual(['image']);
      expect(graph.output.map((o) => o.name)).toEqual([layer]);
      expect(graph.node.some((n) => n.op_type === 'Gemm' || n.op_type === 'GlobalAveragePool')).toBe(false);
      // Declared 1x3x224x224 in the source; the cut model takes any N, H, W.
      const out = await runModel(cut, image, dims);
      expect(out.dims).toEqual(layer === 'res4' ? [2, 1024, 4, 4] : [2, 2048, 2, 2]);
      expect(relativeError(out.data, expected[layer]), layer).toBeLessThan(1e-5);
    }
  }, 60_000);

  it('reads folded weights as identity BN carrying the conv bias; re-export gives identical features', async () => {
    const imported = importVariant({ foldBn: true });
    expect([...imported.weights.keys()].length).toBe(allConvs('res5').length * 5);
    const bn = (k: string) => imported.weights.get(`layer3.5.bn3.${k}`)!.data;
    expect(bn('weight').every((v) => v === 1)).toBe(true);
    expect(bn('running_mean').every((v) => v === 0)).toBe(true);
    expect(bn('running_var').every((v) => Math.fround(v + 1e-5) === 1)).toBe(true);
    const reexported = exportEncoderOnnx(imported.weights, { layer: 'res4' });
    const a = (await runModel(reexported, image, dims)).data;
    const b = (await runModel(imported.cut('res4'), image, dims)).data;
    expect(relativeError(a, b)).toBe(0);
  }, 60_000);

  it('round trip export → import → export gives identical features', async () => {
    const first = exportEncoderOnnx(weights, { layer: 'res4' });
    const imported = importResnetOnnx(first, 'res4.onnx');
    expect(imported.deepestLayer).toBe('res4');
    expect(imported.originalInputName).toBe('image');
    const second = exportEncoderOnnx(imported.weights, { layer: 'res4' });
    const a = (await runModel(first, image, dims)).data;
    const b = (await runModel(second, image, dims)).data;
    expect(relativeError(b, a)).toBe(0);
    expect(() => imported.cut('res5')).toThrow(/no node produces res5/);
  }, 60_000);

  it('reads unfolded BatchNormalization (ε = 1e-3) and Constant-node weights at opset 11, IR 6', async () => {
    const imported = importVariant({ foldBn: false, epsilon: 1e-3, constantNodes: true, opset: 11, irVersion: 6 });
    expect(imported.bnFolded).toBe(false);
    expect(imported.opset).toBe(11);
    const original = weights.get('layer2.1.bn2.running_var')!.data;
    const read = imported.weights.get('layer2.1.bn2.running_var')!.data;
    expect(relativeError(read, original)).toBeLessThan(1e-6);
    for (const layer of ['res4', 'res5'] as const) {
      const out = await runModel(imported.cut(layer), image, dims);
      expect(relativeError(out.data, expected[layer]), layer).toBeLessThan(1e-5);
    }
    const reexported = await runModel(exportEncoderOnnx(imported.weights, { layer: 'res4' }), image, dims);
    expect(relativeError(reexported.data, expected.res4)).toBeLessThan(1e-5);
  }, 60_000);

  it('says why a model is not a ResNet-50', () => {
    const error = (options: TorchvisionLikeOptions): string => {
      try {
        importVariant(options);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(error({ stageBlocks: [3, 4, 5, 3] })).toMatch(/resnet50\.onnx: not a ResNet-50: residual stages have 3,4,5,3 blocks, expected 3,4,6,3/);
    expect(error({ stageBlocks: [3, 4] })).toMatch(/no node produces layer3 output/);
    expect(error({ insertAfterStem: 'Sigmoid' })).toMatch(/the stem maxpool: expected one MaxPool after .*, found Sigmoid/);
    expect(error({ computedStemWeight: true })).toMatch(/missing initializer for conv1 .*weight/);
    expect(() => importResnetOnnx(Uint8Array.from([1, 2, 3, 4]), 'junk.onnx')).toThrow(/junk\.onnx: not an ONNX model/);
  }, 60_000);
});
