import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextFile, stripBom } from './text.ts';

describe('stripBom', () => {
  it('drops only a leading byte-order mark', () => {
    expect(stripBom('\uFEFF000001 0.5\n')).toBe('000001 0.5\n');
    expect(stripBom('000001\uFEFF')).toBe('000001\uFEFF');
    expect(stripBom('')).toBe('');
  });

  it('reads a UTF-8 file written with a BOM without it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'voc-text-')), 'bom.txt');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('000001\n')]));
    expect(readTextFile(file)).toBe('000001\n');
  });
});
