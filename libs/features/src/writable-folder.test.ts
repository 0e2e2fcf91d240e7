import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { checkWritableFolder } from './writable-folder.ts';

describe('checkWritableFolder', () => {
  it('passes a folder it can create, and leaves nothing behind', () => {
    const root = mkdtempSync(join(tmpdir(), 'writable-'));
    checkWritableFolder(join(root, 'a', 'b'), 'out');
    expect(readdirSync(root)).toEqual([]);
    checkWritableFolder(root, 'out');
    expect(readdirSync(root)).toEqual([]);
  });

  it('names the folder and what to do when it cannot be created', () => {
    const root = mkdtempSync(join(tmpdir(), 'writable-'));
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const dir = join(file, 'features');
    expect(() => checkWritableFolder(dir, 'the folder of --out x.npy')).toThrow(InputError);
    expect(() => checkWritableFolder(dir, 'the folder of --out x.npy')).toThrow(
      `${dir}: the folder of --out x.npy cannot be created or written here (a file is in the way of the folder, ENOTDIR); choose another output path or make this folder writable`,
    );
    expect(existsSync(dir)).toBe(false);
  });
});
