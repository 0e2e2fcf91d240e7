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

  it('is one of `all`\'s models only when the preset says pretrain.iaeLong: true, waiting for the IAE it starts from', () => {
    const ids = (list: Array<{ model: string; k?: string; after: string[] }>) => list.map(({ model, k, after }) => `${k ? `${model}-${k}` : model}${after.length > 0 ? ` after ${after.join(',')}` : ''}`);
    // The longest (supervised) first, so that with two jobs the others share the second lane.
    expect(ids(allModels(false))).toEqual(['supervised', 'random', 'iae', 'mgta-k1 after iae', 'mgta-k2 after iae']);
    expect(ids(allModels(true))).toEqual(['supervised', 'random', 'iae', 'mgta-k1 after iae', 'mgta-k2 after iae', 'iae-long after iae']);
  });

  it('refuses to start without a finished IAE', async () => {
    await expect(runPretrainCommand('iae-long', { preset: 'ci', out: join(root, 'iae-long'), images: root }))
      .rejects.toThrow(/iae-long starts from the IAE: no finished IAE checkpoint here/);
  });
});
