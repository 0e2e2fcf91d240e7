import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { formatClassLabels, formatImageSet, readClassLabels, readImageSet } from './image-sets.ts';
import { resolveClasses } from './classes.ts';
import { resolveYearDir } from './layout.ts';
import { VOC_CLASSES } from './types.ts';
import { errorOf } from '@mgta/core/testing';

function yearDirWith(files: Record<string, string>): string {
  const yearDir = join(mkdtempSync(join(tmpdir(), 'voc-sets-')), 'VOC2007');
  mkdirSync(join(yearDir, 'ImageSets', 'Main'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(yearDir, name), text);
  return yearDir;
}


describe('label file formats', () => {
  it('writes labels right-aligned in width 2, as the devkit does', () => {
    expect(formatClassLabels([{ id: '000005', label: -1 }, { id: '000007', label: 1 }, { id: '000009', label: 0 }])).toBe(
      '000005 -1\n000007  1\n000009  0\n',
    );
    expect(formatImageSet(['000005', '000007'])).toBe('000005\n000007\n');
  });
});

describe('readImageSet', () => {
  it('returns ids in file order, tolerating CRLF and a final newline', () => {
    const yearDir = yearDirWith({ 'ImageSets/Main/val.txt': '000009\r\n000005\r\n000007\r\n' });
    expect(readImageSet(yearDir, 'val')).toEqual(['000009', '000005', '000007']);
  });

  it('reads files that start with a UTF-8 byte-order mark', () => {
    const yearDir = yearDirWith({
      'ImageSets/Main/val.txt': '\uFEFF000009\n000005\n',
      'ImageSets/Main/dog_val.txt': '\uFEFF000009  1\n000005 -1\n',
      'classes.txt': '\uFEFFdog\n',
    });
    expect(readImageSet(yearDir, 'val')).toEqual(['000009', '000005']);
    expect(readClassLabels(yearDir, 'dog', 'val')[0]).toEqual({ id: '000009', label: 1 });
    expect(resolveClasses(yearDir)).toEqual(['dog']);
  });

  it('names the line of a duplicate id', () => {
    const yearDir = yearDirWith({ 'ImageSets/Main/val.txt': '000009\n000005\n000009\n' });
    const error = errorOf(() => readImageSet(yearDir, 'val'));
    expect(error.message).toBe(`${join(yearDir, 'ImageSets/Main/val.txt')}: line 3: duplicate image id "000009" (first on line 1)`);
  });

  it('names the line of a line with two tokens', () => {
    const yearDir = yearDirWith({ 'ImageSets/Main/val.txt': '000009\n000005 1\n' });
    expect(errorOf(() => readImageSet(yearDir, 'val')).line).toBe(2);
  });

  it('names a missing split file', () => {
    const yearDir = yearDirWith({});
    const error = errorOf(() => readImageSet(yearDir, 'trainval'));
    expect(error.file).toBe(join(yearDir, 'ImageSets/Main/trainval.txt'));
  });
});

describe('readClassLabels', () => {
  it('reads "<id> <label>" lines in file order', () => {
    const yearDir = yearDirWith({ 'ImageSets/Main/dog_test.txt': '000005 -1\n000007  1\n000009  0\n' });
    expect(readClassLabels(yearDir, 'dog', 'test')).toEqual([
      { id: '000005', label: -1 },
      { id: '000007', label: 1 },
      { id: '000009', label: 0 },
    ]);
  });

  it.each([
    ['000005 2\n', 1, 'label "2" of "000005" must be 1, -1 or 0'],
    ['000005 1\n000007\n', 2, 'expected "<id> <label>", got "000007"'],
    ['000005 1\n000005 -1\n', 2, 'duplicate image id "000005" (first on line 1)'],
  ])('names the line of a bad line in %j', (text, line, problem) => {
    const yearDir = yearDirWith({ 'ImageSets/Main/dog_test.txt': text });
    const error = errorOf(() => readClassLabels(yearDir, 'dog', 'test'));
    expect(error.message).toBe(`${join(yearDir, 'ImageSets/Main/dog_test.txt')}: line ${line}: ${problem}`);
  });
});

describe('resolveClasses', () => {
  it('prefers the flag, then classes.txt (comments and blank lines ignored), then the VOC classes', () => {
    const withFile = yearDirWith({ 'classes.txt': '# my classes\ncat\n\ndog\n' });
    expect(resolveClasses(withFile, ['bird'])).toEqual(['bird']);
    expect(resolveClasses(withFile)).toEqual(['cat', 'dog']);
    expect(resolveClasses(yearDirWith({}))).toEqual([...VOC_CLASSES]);
  });

  it('names the line of a duplicate class', () => {
    const yearDir = yearDirWith({ 'classes.txt': 'cat\ndog\ncat\n' });
    expect(errorOf(() => resolveClasses(yearDir)).message).toBe(
      `${join(yearDir, 'classes.txt')}: line 3: duplicate class "cat" (first on line 1)`,
    );
    expect(errorOf(() => resolveClasses(yearDir, ['a', 'a'])).file).toBe('--classes');
  });
});

describe('resolveYearDir', () => {
  it('accepts the VOCdevkit folder or the VOC<year> folder itself', () => {
    const yearDir = yearDirWith({});
    const devkit = join(yearDir, '..');
    expect(resolveYearDir(devkit, '2007')).toBe(join(devkit, 'VOC2007'));
    expect(resolveYearDir(yearDir, '2012')).toBe(yearDir);
    expect(errorOf(() => resolveYearDir(devkit, '2012')).message).toContain('VOC2012');
  });
});
