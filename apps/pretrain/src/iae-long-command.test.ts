import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRETRAIN_MODELS, allModels, modelId, runPretrainCommand } from './pretrain-command.ts';

describe('mgta pretrain iae-long', { timeout: 180_000 }, () => {
  let root: string;
  beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'mgta-iae-long-cmd-')); });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is a model of the command, in folder iae-long', () => {
    expect(PRETRAIN_MODELS).toContain('iae-long');
    expect(modelId('iae-long')).toBe('iae-long');
  });

  it('is one of `all`\'s models only when the preset says pretrain.iaeLong: true, after the IAE it starts from', () => {
    const ids = (list: Array<{ model: string; k?: string }>) => list.map(({ model, k }) => (k ? `${model}-${k}` : model));
    expect(ids(allModels(false))).toEqual(['random', 'iae', 'mgta-k1', 'mgta-k2', 'supervised']);
    expect(ids(allModels(true))).toEqual(['random', 'iae', 'mgta-k1', 'mgta-k2', 'iae-long', 'supervised']);
  });

  it('refuses to start without a finished IAE', async () => {
    await expect(runPretrainCommand('iae-long', { preset: 'ci', out: join(root, 'iae-long'), images: root }))
      .rejects.toThrow(/iae-long starts from the IAE: no finished IAE checkpoint here/);
  });
});
