import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFileAtomic, writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';
import { errorOf } from './testing.ts';

describe('writeFileAtomic', () => {
  const root = mkdtempSync(join(tmpdir(), 'mgta-atomic-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('replaces the content whole and leaves no temp file', () => {
    const file = join(root, 'a', 'value.json');
    writeJsonAtomic(file, { v: 1 });
    writeJsonAtomic(file, { v: 2 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ v: 2 });
    expect(readdirSync(join(root, 'a'))).toEqual(['value.json']);
  });

  it('a directory as the target (EISDIR): an error naming it, and no temp file left beside it', () => {
    const dir = join(root, 'b');
    mkdirSync(join(dir, 'out.npy'), { recursive: true });
    const error = errorOf(() => writeFileAtomic(join(dir, 'out.npy'), 'data'));
    expect(error.message).toBe(`${join(dir, 'out.npy')}: is a directory, but a file is to be written here; choose another --out or move the directory away`);
    expect(readdirSync(dir)).toEqual(['out.npy']);
  });

  it('a file where a folder should be (ENOTDIR): names that file', () => {
    const file = join(root, 'plain');
    writeFileSync(file, 'x');
    expect(errorOf(() => writeJsonAtomic(join(file, 'sub', 'x.json'), {})).message).toMatch(new RegExp(`${file} is a file, not a folder`));
  });

  it('copyFileAtomic: the same guarantees for a copy (EISDIR leaves no <out>.<pid>.tmp)', () => {
    const dir = join(root, 'c');
    mkdirSync(join(dir, 'features.npy'), { recursive: true });
    writeFileSync(join(dir, 'source.npy'), 'bytes');
    expect(errorOf(() => copyFileAtomic(join(dir, 'source.npy'), join(dir, 'features.npy'))).message).toMatch(/features\.npy: is a directory/);
    expect(readdirSync(dir).sort()).toEqual(['features.npy', 'source.npy']);
    copyFileAtomic(join(dir, 'source.npy'), join(dir, 'copy.npy'));
    expect(readFileSync(join(dir, 'copy.npy'), 'utf8')).toBe('bytes');
  });
});
