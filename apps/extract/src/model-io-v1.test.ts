import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportEncoderOnnx, importResnetOnnx, randomResnet50Weights } from '@mgta/onnx';
import { readCheckpointManifest, saveCheckpoint } from '@mgta/resnet';
import { runExportOnnx, runImportOnnx } from './model-io-commands.ts';

const dir = mkdtempSync(join(tmpdir(), 'mgta-model-io-v1-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export-onnx / import-onnx of a ResNet v1 (stride on 1x1)', () => {
  it('keep the stride placement: ONNX → checkpoint records stride1x1, checkpoint → ONNX strides conv1', async () => {
    const weights = randomResnet50Weights(41, 'res5', 1 / 32);
    writeFileSync(join(dir, 'v1.onnx'), exportEncoderOnnx(weights, { layer: 'res5', stride1x1: true }));
    const lines: string[] = [];
    await runImportOnnx({ model: join(dir, 'v1.onnx'), out: join(dir, 'ck') }, (line) => lines.push(line));
    expect(readCheckpointManifest(join(dir, 'ck')).architecture.stride1x1).toBe(true);
    expect(lines[0]).toMatch(/ResNet-50 at width 0\.03125 v1 \(stride on 1x1\) blocks 3,4,6,3/);

    await runExportOnnx({ checkpoint: join(dir, 'ck'), layer: 'res4', out: join(dir, 'again.onnx') }, () => {});
    expect(importResnetOnnx(readFileSync(join(dir, 'again.onnx')), 'again.onnx').stride1x1).toBe(true);

    // A v1.5 checkpoint of the same weights exports as v1.5.
    await saveCheckpoint(join(dir, 'v15'), weights, { createdBy: 'test' });
    await runExportOnnx({ checkpoint: join(dir, 'v15'), layer: 'res4', out: join(dir, 'v15.onnx') }, () => {});
    expect(importResnetOnnx(readFileSync(join(dir, 'v15.onnx')), 'v15.onnx').stride1x1).toBe(false);
  }, 60_000);
});
