import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLockHolder } from '@mgta/core/testing';
import { readCheckpointManifest } from '@mgta/resnet';
import { modelId, runPretrainCommand } from './pretrain-command.ts';

describe('mgta pretrain', { timeout: 180_000 }, () => {
  let root: string;
  beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'mgta-pretrain-cmd-')); });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names model folders iae, mgta-k<K>, mgta-ch, supervised, random', () => {
    expect(['iae', 'supervised', 'random'].map((m) => modelId(m))).toEqual(['iae', 'supervised', 'random']);
    expect(modelId('mgta', 16)).toBe('mgta-k16');
    expect(modelId('mgta', 'ch')).toBe('mgta-ch');
  });

  it('random writes the preset-seeded init-model checkpoint and skips it on rerun', async () => {
    const out = join(root, 'random');
    expect(await runPretrainCommand('random', { preset: 'ci', out })).toMatchObject({ status: 'finished' });
    expect(readCheckpointManifest(out)).toMatchObject({ createdBy: 'mgta init-model', seed: 0, architecture: { decoder: false } });
    expect(await runPretrainCommand('random', { preset: 'ci', out })).toMatchObject({ status: 'skipped' });
  });

  it('rejects unknown models, bad K and a missing IAE by name', async () => {
    await expect(runPretrainCommand('simclr', { preset: 'ci' })).rejects.toThrow(/model: must be one of iae, mgta, supervised, random/);
    await expect(runPretrainCommand('mgta', { preset: 'ci', k: '1' })).rejects.toThrow(/--k: must be an integer from 2/);
    await expect(runPretrainCommand('mgta', { preset: 'ci', k: '8', out: join(root, 'mgta-k8'), images: root })).rejects.toThrow(/no finished IAE checkpoint/);
  });

  it('refuses a second run on a model folder another process is training into, naming the folder and its pid', async () => {
    for (const model of ['iae', 'random']) {
      const out = join(root, `busy-${model}`);
      const holder = await spawnLockHolder(out);
      try {
        await expect(runPretrainCommand(model, { preset: 'ci', out, images: root }))
          .rejects.toThrow(new RegExp(`${out}: is in use by another run: pid ${holder.pid}\\b`));
      } finally {
        holder.child.kill('SIGTERM');
        await holder.exited;
      }
    }
  });
});
