// The Goyal pooling appended to the ONNX graph (what extraction runs) against this library's
// JavaScript pooling of the same maps, for a padded layer (conv1) and an overlapping one (res4).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Random } from '@mgta/core';
import { appendAveragePool, createSession, exportEncoderOnnx, INPUT_NAME } from '@mgta/onnx';
import { initialWeights } from '@mgta/resnet';
import { avgPoolFlatten, GOYAL_POOLING } from './pooling.ts';

describe('Goyal pooling inside the ONNX graph', () => {
  it('equals avgPoolFlatten of the layer map, conv1 (padded) and res4 (overlapping windows)', async () => {
    const weights = initialWeights({ name: 'resnet50', decoder: false }, 5);
    const random = new Random(11);
    const image = new ort.Tensor('float32', Float32Array.from({ length: 2 * 3 * 224 * 224 }, () => random.normal()), [2, 3, 224, 224]);
    for (const layer of ['conv1', 'res4'] as const) {
      const map = exportEncoderOnnx(weights, { layer });
      const pooled = appendAveragePool(map, { input: layer, output: 'features', ...GOYAL_POOLING[layer] });
      const plain = await createSession(map, { device: 'cpu', log: () => undefined });
      const withPool = await createSession(pooled, { device: 'cpu', log: () => undefined });
      const maps = (await plain.session.run({ [INPUT_NAME]: image }))[layer]!;
      const features = (await withPool.session.run({ [INPUT_NAME]: image })).features!;
      const expected = avgPoolFlatten(maps.data as Float32Array, maps.dims as [number, number, number, number], GOYAL_POOLING[layer]);
      expect(features.dims).toEqual([2, expected.length / 2]);
      const got = features.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]) / (Math.abs(expected[i]) + 1e-3));
      expect(worst, layer).toBeLessThan(1e-5);
      await plain.session.release();
      await withPool.session.release();
    }
  });
});
