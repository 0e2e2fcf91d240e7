import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { refuseToOverwriteInput } from './output-guard.ts';

describe('refuseToOverwriteInput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'output-guard-'));
  const ids = join(dir, 'test.json');
  writeFileSync(ids, '{"ids": []}');
  const devkit = join(dir, 'VOC2007');
  mkdirSync(join(devkit, 'ImageSets'), { recursive: true });
  writeFileSync(join(devkit, 'ImageSets', 'test.txt'), '1\n');

  it('names the flag and the input that the output would overwrite, however the path is written', () => {
    expect(() => refuseToOverwriteInput('--json', ids, { files: [ids] })).toThrow(InputError);
    expect(() => refuseToOverwriteInput('--json', join(dir, 'x', '..', 'test.json'), { files: [ids] })).toThrow(`--json: ${join(dir, 'x', '..', 'test.json')} is an input of this run (${ids})`);
    symlinkSync(ids, join(dir, 'link.json'));
    expect(() => refuseToOverwriteInput('--json', join(dir, 'link.json'), { files: [ids] })).toThrow(/is an input of this run/);
  });

  it('refuses an existing file inside an input folder, allows new files elsewhere', () => {
    expect(() => refuseToOverwriteInput('--json', join(devkit, 'ImageSets', 'test.txt'), { folders: [devkit] })).toThrow(/is a file of the input folder/);
    expect(() => refuseToOverwriteInput('--json', join(dir, 'out', 'svm.json'), { files: [ids], folders: [devkit] })).not.toThrow();
    expect(() => refuseToOverwriteInput('--json', join(dir, 'result.json'), { files: [ids], folders: [devkit] })).not.toThrow();
  });
});
