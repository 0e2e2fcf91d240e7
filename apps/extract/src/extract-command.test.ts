import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { runExtract, type ExtractCommandOptions } from './extract-command.ts';

describe('mgta extract', () => {
  it('refuses an --out it cannot write before any work, naming the folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'extract-cmd-'));
    writeFileSync(join(root, 'not-a-folder'), '');
    const out = join(root, 'not-a-folder', 'test.npy');
    // The model does not exist either: the --out check must come first, not after the work.
    const options: ExtractCommandOptions = {
      model: join(root, 'no-model'), devkit: join(root, 'no-devkit'), year: '2007', split: 'test', layer: 'res4',
      out, batchSize: '8', device: 'cpu',
    };
    await expect(runExtract(options, () => {})).rejects.toThrow(InputError);
    await expect(runExtract(options, () => {})).rejects.toThrow(
      `${join(root, 'not-a-folder')}: the folder of --out ${out} cannot be created or written here (a file is in the way of the folder, EEXIST); choose another output path`,
    );
  });

  it('refuses an empty split, naming its file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'extract-cmd-'));
    const main = join(root, 'VOC2007', 'ImageSets', 'Main');
    mkdirSync(main, { recursive: true });
    writeFileSync(join(main, 'test.txt'), '\n');
    const options: ExtractCommandOptions = {
      model: join(root, 'no-model'), devkit: root, year: '2007', split: 'test', layer: 'res4',
      out: join(root, 'out', 'test.npy'), batchSize: '8', device: 'cpu',
    };
    await expect(runExtract(options, () => {})).rejects.toThrow(`${join(main, 'test.txt')}: split "test" lists no images: there is nothing to extract`);
  });
});
