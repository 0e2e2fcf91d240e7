import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { acquireOutputLock } from '@mgta/core';
import { deadPid } from '@mgta/core/testing';
import { loadCheckpoint } from '@mgta/resnet';
import { registerPretrainCommands } from './index.ts';

async function mgta(...args: string[]): Promise<void> {
  const program = new Command('mgta').exitOverride();
  registerPretrainCommands(program);
  await program.parseAsync(args, { from: 'user' });
}

describe('mgta init-model', { timeout: 180_000 }, () => {
  let root: string;
  beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'mgta-init-model-')); });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a loadable checkpoint, byte-identical for the same seed', async () => {
    await mgta('init-model', '--arch', 'resnet50', '--seed', '5', '--out', join(root, 'a'), '--decoder');
    await mgta('init-model', '--arch', 'resnet50', '--seed', '5', '--out', join(root, 'b'), '--decoder');
    const a = await loadCheckpoint(join(root, 'a'));
    const b = await loadCheckpoint(join(root, 'b'));
    expect(a.manifest.architecture).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res5' });
    expect(a.manifest).toMatchObject({ createdBy: 'mgta init-model', seed: 5, parameterCount: 23_508_032 + 23_502_851 });
    expect(b.manifest.weightsSha256).toBe(a.manifest.weightsSha256);
  });

  it('--width scales every channel count and records the width in the manifest', async () => {
    await mgta('init-model', '--seed', '5', '--out', join(root, 'quarter'), '--width', '1/4', '--decoder', '--decoder-from', 'res4');
    const quarter = await loadCheckpoint(join(root, 'quarter'));
    expect(quarter.manifest.architecture).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res4', width: 0.25 });
    expect(quarter.weights.get('conv1.weight')!.shape).toEqual([16, 3, 7, 7]);
    expect(quarter.weights.get('layer3.5.bn3.weight')!.shape).toEqual([256]);
    await mgta('init-model', '--seed', '5', '--out', join(root, 'eighth'), '--width', '0.125');
    expect((await loadCheckpoint(join(root, 'eighth'))).manifest.architecture).toEqual({ name: 'resnet50', decoder: false, width: 0.125 });
    await expect(mgta('init-model', '--seed', '1', '--width', '0.3', '--out', join(root, 'x'))).rejects.toThrow(/--width: the width 0\.3 gives the stem 19\.2 channels; .*64 × width must be an integer/);
    await expect(mgta('init-model', '--seed', '1', '--width', 'half', '--out', join(root, 'x'))).rejects.toThrow(/--width: the width must be a number such as 1, 0\.5, 0\.25 or 1\/4, got "half"/);
  });

  it('rejects unknown architectures and bad seeds by option name', async () => {
    await expect(mgta('init-model', '--arch', 'resnet18', '--seed', '1', '--out', join(root, 'x'))).rejects.toThrow(/--arch: "resnet18" is not supported/);
    await expect(mgta('init-model', '--seed', '-3', '--out', join(root, 'x'))).rejects.toThrow(/--seed: must be an integer/);
    await expect(mgta('init-model', '--seed', '1', '--decoder-from', 'res4', '--out', join(root, 'x'))).rejects.toThrow(/--decoder-from: needs --decoder/);
  });

  it('over an existing checkpoint replaces only its own files: notes and an exported .onnx survive', async () => {
    const out = join(root, 'kept');
    await mgta('init-model', '--seed', '1', '--out', out);
    writeFileSync(join(out, 'notes.txt'), 'trained on the ci preset\n');
    writeFileSync(join(out, 'model.onnx'), Buffer.from([1, 2, 3]));
    const first = (await loadCheckpoint(out)).manifest.weightsSha256;
    await mgta('init-model', '--seed', '2', '--out', out);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('trained on the ci preset\n');
    expect([...readFileSync(join(out, 'model.onnx'))]).toEqual([1, 2, 3]);
    const second = await loadCheckpoint(out);
    expect(second.manifest.seed).toBe(2);
    expect(second.manifest.weightsSha256).not.toBe(first);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'model.onnx', 'notes.txt', 'weights.bin']);
    expect(readdirSync(root).filter((name) => name.includes('kept')).sort()).toEqual(['kept']);
  });

  it('refuses a folder another run holds, and clears a killed run\'s temp checkpoint beside it', async () => {
    const out = join(root, 'busy');
    const lock = acquireOutputLock(out, { log: () => undefined });
    try {
      await expect(mgta('init-model', '--seed', '1', '--out', out)).rejects.toThrow(new RegExp(`${out}: is in use by another run: pid ${process.pid}`));
    } finally {
      lock.release();
    }
    const leftover = join(root, `.busy.${deadPid()}.0a1b2c3d.tmp`);
    mkdirSync(leftover);
    writeFileSync(join(leftover, 'weights.bin'), 'half');
    await mgta('init-model', '--seed', '1', '--out', out);
    expect(readdirSync(root).filter((name) => name.includes('busy'))).toEqual(['busy']);
  });
});
