import { beforeAll, describe, expect, it } from 'vitest';
import { exportEncoderOnnx } from './export-encoder.ts';
import { foldConvBn } from './fold-batch-norm.ts';
import { checkModelStructure } from './graph-check.ts';
import { decodeModel, toNumber } from './onnx-proto.ts';
import { randomResnet50Weights } from './random-weights.ts';
import { ENCODER_LAYERS, LAYER_CHANNELS, LAYER_STRIDE, type NamedWeights } from './resnet50-layout.ts';
import { randomImage, relativeError, runModel } from './test-support/features.ts';
import { tfjsEncoder } from './test-support/tfjs-encoder.ts';

let weights: NamedWeights;
beforeAll(() => {
  weights = randomResnet50Weights(1);
}, 30_000);

describe('foldConvBn', () => {
  it('matches the BN formula on a hand case', () => {
    const w: NamedWeights = new Map([
      ['c.weight', { shape: [2, 1, 1, 1], data: Float32Array.from([2, -1]) }],
      ['b.weight', { shape: [2], data: Float32Array.from([3, 1]) }],
      ['b.bias', { shape: [2], data: Float32Array.from([1, 0]) }],
      ['b.running_mean', { shape: [2], data: Float32Array.from([0.5, -2]) }],
      ['b.running_var', { shape: [2], data: Float32Array.from([4 - 1e-5, 0.25 - 1e-5]) }],
    ]);
    const folded = foldConvBn(w, { conv: 'c', bn: 'b', inChannels: 1, outChannels: 2, kernel: 1, stride: 1, pad: 0 });
    // s = γ/√(var+ε) = [3/2, 1/0.5] = [1.5, 2]; w' = [3, -2]; b' = β − μ·s = [1 − 0.75, 0 + 4].
    expect([...folded.weight]).toEqual([3, -2].map(Math.fround));
    expect(folded.bias[0]).toBeCloseTo(0.25, 6);
    expect(folded.bias[1]).toBeCloseTo(4, 6);
  });

  it('names missing or misshapen weights', () => {
    const w = new Map(weights);
    w.delete('layer2.0.bn2.running_var');
    expect(() => exportEncoderOnnx(w, { layer: 'res3' })).toThrow(/missing weight layer2\.0\.bn2\.running_var/);
    w.set('layer2.0.bn2.running_var', { shape: [3], data: new Float32Array(3) });
    expect(() => exportEncoderOnnx(w, { layer: 'res3' })).toThrow(/layer2\.0\.bn2\.running_var has shape \[3\], expected \[128\]/);
  });
});

describe('exportEncoderOnnx', () => {
  it.each(ENCODER_LAYERS)('%s: well-formed, opset 17 / IR 8, dynamic N/H/W, right output shape in ORT', async (layer) => {
    const bytes = exportEncoderOnnx(weights, { layer });
    expect(checkModelStructure(bytes)).toEqual([]);
    const model = decodeModel(bytes);
    expect(toNumber(model.ir_version)).toBe(8);
    expect(toNumber(model.opset_import[0].version)).toBe(17);
    expect(model.graph.input.map((i) => i.name)).toEqual(['image']);
    expect(model.graph.output.map((o) => o.name)).toEqual([layer]);
    expect(new Set(model.graph.node.map((n) => n.op_type))).toEqual(
      new Set(layer === 'conv1' ? ['Conv', 'Relu'] : ['Conv', 'Relu', 'MaxPool', 'Add']),
    );
    const out = await runModel(bytes, randomImage(2, [2, 3, 64, 96]), [2, 3, 64, 96]);
    const s = LAYER_STRIDE[layer];
    expect(out.dims).toEqual([2, LAYER_CHANNELS[layer], 64 / s, 96 / s]);
  }, 30_000);

  it('matches an unfolded tfjs implementation at 64x64 for every layer (‖a−b‖/‖b‖ < 1e-4)', async () => {
    const dims = [1, 3, 64, 64];
    const image = randomImage(3, dims);
    for (const layer of ENCODER_LAYERS) {
      const ort = await runModel(exportEncoderOnnx(weights, { layer }), image, dims);
      const reference = await tfjsEncoder(weights, layer, image, dims);
      expect(relativeError(ort.data, reference), layer).toBeLessThan(1e-4);
    }
  }, 60_000);

  it('matches tfjs on res4 at 224x224 (‖a−b‖/‖b‖ < 1e-4)', async () => {
    const dims = [1, 3, 224, 224];
    const image = randomImage(4, dims);
    const ort = await runModel(exportEncoderOnnx(weights, { layer: 'res4' }), image, dims);
    const reference = await tfjsEncoder(weights, 'res4', image, dims);
    expect(ort.dims).toEqual([1, 1024, 14, 14]);
    const error = relativeError(ort.data, reference);
    console.log(`res4 224x224 ORT vs tfjs: relative error ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-4);
  }, 60_000);
});
