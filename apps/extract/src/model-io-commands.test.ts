import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '@mgta/core';
import { exportEncoderOnnx, randomResnet50Weights } from '@mgta/onnx';
import { loadCheckpoint, saveCheckpoint } from '@mgta/resnet';
import { runExportOnnx, runImportOnnx } from './model-io-commands.ts';

const dir = mkdtempSync(join(tmpdir(), 'mgta-model-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export-onnx / import-onnx', () => {
  it('exports a checkpoint, imports the ONNX back, and re-exports the same bytes', async () => {
    const weights = randomResnet50Weights(31);
    await saveCheckpoint(join(dir, 'ck'), weights, { createdBy: 'test' });
    const lines: string[] = [];
    const first = await runExportOnnx({ checkpoint: join(dir, 'ck'), layer: 'res5', out: join(dir, 'a.onnx') }, (l) => lines.push(l));
    expect(first.outputDims).toEqual([1, 2048, 7, 7]);
    expect(first.sha256).toBe(sha256(readFileSync(join(dir, 'a.onnx'))));
    expect(lines.join('\n')).toMatch(/output shape at 224x224: \[1, 2048, 7, 7\]\nsha256 [0-9a-f]{64}/);

    await runImportOnnx({ model: join(dir, 'a.onnx'), out: join(dir, 'ck2') }, () => {});
    const { manifest, weights: imported } = await loadCheckpoint(join(dir, 'ck2'));
    expect(manifest.createdBy).toBe('mgta import-onnx');
    // BN was folded by the export: the re-export folds an exact identity, so the bytes match.
    expect(sha256(exportEncoderOnnx(imported, { layer: 'res5' }))).toBe(first.sha256);
  }, 60_000);

  it('reports bad input with the file name', async () => {
    await expect(runExportOnnx({ checkpoint: dir, layer: 'res9', out: join(dir, 'x.onnx') })).rejects.toThrow(/unknown layer res9/);
    await expect(runImportOnnx({ model: join(dir, 'missing.onnx'), out: join(dir, 'c') })).rejects.toThrow(/missing\.onnx: no such file/);
    writeFileSync(join(dir, 'res4.onnx'), exportEncoderOnnx(randomResnet50Weights(32, 'res4'), { layer: 'res4' }));
    await expect(runImportOnnx({ model: join(dir, 'res4.onnx'), out: join(dir, 'c') })).rejects.toThrow(/has no layer4/);
  }, 60_000);
});
