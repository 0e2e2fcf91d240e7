import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createSession, exportEncoderOnnx } from '@mgta/onnx';
import { importCheckpointFile } from './import-checkpoint.ts';
import { FIXTURES, readCatalogue, readFloat32Npy } from './testing/fixture-catalogue.ts';

/**
 * Every fixture format, read without Python, must give PyTorch's own res4 (computed by PyTorch
 * from the same file, committed beside it) through mgta's ONNX export. The input is already a
 * normalised tensor, so only the weights, their mapping and the stride placement are tested.
 */
const catalogue = readCatalogue();
const input = readFloat32Npy(join(FIXTURES, 'input.npy'));

async function res4Of(weights: Parameters<typeof exportEncoderOnnx>[0], stride1x1: boolean): Promise<Float32Array> {
  const { session } = await createSession(exportEncoderOnnx(weights, { layer: 'res4', ...(stride1x1 ? { stride1x1: true } : {}) }), { device: 'cpu', threads: 1 });
  try {
    const output = await session.run({ image: new ort.Tensor('float32', input.data, input.shape) });
    return output.res4.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('checkpoint fixtures written by PyTorch', () => {
  for (const entry of catalogue.filter((e) => e.res4)) {
    it(`${entry.file}: the ${entry.trunk!.naming} trunk under '${[...entry.trunk!.path, ''].join('.')}${entry.trunk!.keyPrefix}' gives PyTorch's res4`, async () => {
      const imported = importCheckpointFile(join(FIXTURES, entry.file));
      expect(imported.prefix).toBe([...entry.trunk!.path, ''].join('.') + entry.trunk!.keyPrefix);
      expect(imported.naming).toBe(entry.trunk!.naming);
      expect(imported.width).toBe(entry.width);
      expect(imported.stride1x1).toBe(entry.variant === 'v1');
      const expected = readFloat32Npy(join(FIXTURES, entry.res4!));
      const actual = await res4Of(imported.weights, imported.stride1x1);
      expect(actual.length).toBe(expected.data.length);
      const scale = Math.max(...expected.data.map(Math.abs));
      // float32 PyTorch against float32 ONNX Runtime with BN folded, through 23 convs with
      // randomised BN statistics: measured 0.4e-5 to 1.9e-5 of the largest feature; a wrong
      // mapping, dtype or stride is off by tens of percent.
      expect(maxAbsDifference(actual, expected.data)).toBeLessThan(1e-4 * Math.max(1, scale));
      if (entry.variant === 'v1') {
        // The stride placement matters: the same weights as v1.5 give other features.
        const asV15 = await res4Of(imported.weights, false);
        expect(maxAbsDifference(asV15, expected.data)).toBeGreaterThan(1e-2 * scale);
      }
    });
  }

  for (const entry of catalogue.filter((e) => e.malicious?.expect === 'refuse')) {
    it(`${entry.file}: refused by the name of its global, and nothing runs`, () => {
      const names = [entry.malicious!.refusedGlobal!, entry.malicious!.alsoKnownAs].filter(Boolean).map((n) => n!.replace(/[.]/g, '\\.'));
      expect(() => importCheckpointFile(join(FIXTURES, entry.file))).toThrow(new RegExp(`refused: .*built by (${names.join('|')})`));
      expect(existsSync(entry.malicious!.marker)).toBe(false);
    });
  }

  for (const entry of catalogue.filter((e) => e.malicious?.placeholderGlobal || e.nonTensorGlobals)) {
    it(`${entry.file}: a global beside the weights becomes an inert placeholder, named in the report`, () => {
      const imported = importCheckpointFile(join(FIXTURES, entry.file));
      const expected = entry.malicious?.placeholderGlobal
        ? [{ global: entry.malicious.placeholderGlobal, path: entry.malicious.at.join('.') }]
        : entry.nonTensorGlobals!.map((g) => ({ global: g.global, path: g.at.join('.') }));
      expect(imported.placeholders).toEqual(expected);
      if (entry.malicious) expect(existsSync(entry.malicious.marker)).toBe(false);
    });
  }
});
