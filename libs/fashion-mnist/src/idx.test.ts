import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from './idx.ts';

describe('parseIdx', () => {
  const items = encodeIdx([2, 2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));

  it('reads dims and data, raw or gzipped', () => {
    for (const bytes of [items, gzipSync(items)]) {
      const idx = parseIdx(bytes, 'x.idx');
      expect(idx.dims).toEqual([2, 2, 3]);
      expect([...idx.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
  });

  it('reads big-endian sizes above 255', () => {
    const idx = parseIdx(encodeIdx([300], new Uint8Array(300)), 'big.idx');
    expect(idx.dims).toEqual([300]);
  });

  it('rejects a bad magic number with file and field', () => {
    const bad = items.slice();
    bad[1] = 1;
    expect(() => parseIdx(bad, 'bad.idx')).toThrow('bad.idx: magic: bad IDX magic number');
  });

  it('rejects data types other than unsigned byte', () => {
    const bad = items.slice();
    bad[2] = 0x0d; // float
    expect(() => parseIdx(bad, 'f.idx')).toThrow(/f\.idx: magic: IDX data type 0x0d is not supported/);
  });

  it('rejects a truncated or overlong file', () => {
    expect(() => parseIdx(items.subarray(0, items.length - 1), 't.idx')).toThrow(
      't.idx: length: holds 11 data bytes but its dimensions 2x2x3 need 12',
    );
    const longer = new Uint8Array(items.length + 1);
    longer.set(items);
    expect(() => parseIdx(longer, 'l.idx')).toThrow(/holds 13 data bytes/);
    expect(() => parseIdx(items.subarray(0, 9), 'h.idx')).toThrow(/too short for an IDX header with 3 dimensions/);
  });

  it('rejects corrupt gzip', () => {
    const gz = gzipSync(items).slice(0, 15);
    expect(() => parseIdx(gz, 'c.gz')).toThrow(/c\.gz: is not a valid gzip file/);
  });
});
