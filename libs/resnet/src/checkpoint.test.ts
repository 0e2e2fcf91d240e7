import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256, InputError } from '@mgta/core';
import { initialWeights } from './init.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import type { NamedWeights } from './named-weights.ts';

describe('checkpoints', { timeout: 120_000 }, () => {
  let root: string;
  let weights: NamedWeights;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mgta-resnet-checkpoint-'));
    weights = initialWeights({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 20 }, 1);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('round-trips weights and writes the documented manifest', async () => {
    const dir = join(root, 'round-trip');
    const manifest = await saveCheckpoint(dir, weights, { createdBy: 'test', seed: 1, training: { epochs: 0 } });
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'weights.bin']);
    expect(readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]); // no temp dirs left
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);
    expect(manifest).toMatchObject({
      format: 'mgta-checkpoint', version: 1,
      architecture: { name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 20 },
      pixelNormalization: { channelOrder: 'RGB', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      weightsFile: 'weights.bin', createdBy: 'test', seed: 1, training: { epochs: 0 },
    });
    expect(manifest.weightsSha256).toBe(sha256(readFileSync(join(dir, 'weights.bin'))));
    expect(manifest.tensors[1]).toEqual({ name: 'bn1.weight', shape: [64], offset: 64 * 3 * 7 * 7 * 4, length: 256 });

    const loaded = await loadCheckpoint(dir);
    expect(loaded.manifest).toEqual(manifest);
    expect([...loaded.weights.keys()]).toEqual([...weights.keys()]);
    for (const [name, tensor] of weights) {
      expect(loaded.weights.get(name)!.shape).toEqual(tensor.shape);
      expect(Buffer.from(loaded.weights.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer)), name).toBe(true);
    }
  });

  it('is deterministic: the same seed gives the same weights.bin sha256 (other seeds differ: init.test.ts)', async () => {
    const architecture = { name: 'resnet50', decoder: false } as const;
    const a = await saveCheckpoint(join(root, 'a'), initialWeights(architecture, 42), { createdBy: 'test', seed: 42 });
    const b = await saveCheckpoint(join(root, 'b'), initialWeights(architecture, 42), { createdBy: 'test', seed: 42 });
    expect(a.weightsSha256).toBe(b.weightsSha256);
    expect(a.parameterCount).toBe(23_508_032);
  });

  it('names weights.bin and sha256 when a byte is corrupted, and reports truncation', async () => {
    const dir = join(root, 'corrupt');
    await saveCheckpoint(dir, weights, { createdBy: 'test' });
    const file = join(dir, 'weights.bin');
    const bytes = readFileSync(file);
    bytes[1000] ^= 0xff;
    writeFileSync(file, bytes);
    await expect(loadCheckpoint(dir)).rejects.toThrow(InputError);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/weights\.bin: sha256 is [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}: the file is corrupted/);
    truncateSync(file, bytes.length - 4);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/weights\.bin: has \d+ bytes, manifest\.json describes \d+/);
  });

  it('names the tensor when the manifest disagrees with the architecture', async () => {
    const dir = join(root, 'bad-shape');
    await saveCheckpoint(dir, weights, { createdBy: 'test' });
    const path = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    const entry = manifest.tensors.find((t: { name: string }) => t.name === 'layer2.0.conv2.weight');
    entry.shape = [128, 128, 9, 1];
    writeFileSync(path, JSON.stringify(manifest));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/manifest\.json: tensors: tensor layer2\.0\.conv2\.weight has shape \[128,128,9,1\], resnet50 expects \[128,128,3,3\]/);
    entry.shape = [128, 128, 3, 3];
    entry.length = 8;
    writeFileSync(path, JSON.stringify(manifest));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/tensor layer2\.0\.conv2\.weight: length 8 bytes does not fit shape/);
    await expect(loadCheckpoint(join(root, 'nowhere'))).rejects.toThrow(/is not a checkpoint: manifest\.json is missing/);
  });

  it('replaces an existing checkpoint but refuses to overwrite another non-empty directory', async () => {
    const dir = join(root, 'replace');
    await saveCheckpoint(dir, weights, { createdBy: 'first' });
    const second = await saveCheckpoint(dir, weights, { createdBy: 'second' });
    expect((await loadCheckpoint(dir)).manifest.createdBy).toBe(second.createdBy);
    const other = join(root, 'someone-elses');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'keep me');
    await expect(saveCheckpoint(other, weights, { createdBy: 'test' })).rejects.toThrow(/not an mgta checkpoint; will not overwrite it/);
    expect(existsSync(join(other, 'notes.txt'))).toBe(true);
  });

  it('refuses weights that do not match the architecture, naming the tensor', async () => {
    const broken: NamedWeights = new Map(weights);
    broken.delete('layer3.1.bn2.running_var');
    await expect(saveCheckpoint(join(root, 'broken'), broken, { createdBy: 'test' })).rejects.toThrow(/tensor layer3\.1\.bn2\.running_var is missing/);
  });
});
