import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { formatNpy, parseNpy, readNpy, writeNpy } from './npy.ts';

// Bytes written by numpy 1.24.2 `np.save` of [[1, 2, 3], [4, 5, -6.5]] as '<f4' (version 1.0).
const NUMPY_F4_V1 =
  '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000803f0000004000004040000080400000a0400000d0c0';
// numpy 1.24.2 `write_array(..., version=(2, 0))` of [[0.25], [1e300]] as '<f8'.
const NUMPY_F8_V2 =
  '934e554d50590200740000007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2031292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000d03f9c7500883ce4377e';

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

function header(dict: string, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const text = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(Buffer.from(text, 'latin1'), prefix);
  return out;
}

describe('npy', () => {
  it('reads numpy-written float32 v1.0 and float64 v2.0 files', () => {
    const a = parseNpy(hex(NUMPY_F4_V1), 'a.npy');
    expect(a).toMatchObject({ dtype: 'float32', rows: 2, cols: 3 });
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, -6.5]);
    const b = parseNpy(hex(NUMPY_F8_V2), 'b.npy');
    expect(b).toMatchObject({ dtype: 'float64', rows: 2, cols: 1 });
    expect(Array.from(b.data)).toEqual([0.25, 1e300]);
  });

  it('writes exactly the bytes numpy writes', () => {
    const bytes = formatNpy({ dtype: 'float32', rows: 2, cols: 3, data: new Float32Array([1, 2, 3, 4, 5, -6.5]) });
    expect(Buffer.from(bytes).toString('hex')).toBe(NUMPY_F4_V1);
  });

  it('round-trips through a file, including an empty matrix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    const data = new Float64Array([Math.PI, -0, 1e-310, 7]);
    writeNpy(join(dir, 'x.npy'), { dtype: 'float64', rows: 2, cols: 2, data });
    const back = readNpy(join(dir, 'x.npy'));
    expect(back.data).toEqual(data);
    writeNpy(join(dir, 'e.npy'), { dtype: 'float32', rows: 0, cols: 5, data: new Float32Array(0) });
    expect(readNpy(join(dir, 'e.npy'))).toMatchObject({ rows: 0, cols: 5 });
  });

  it('rejects bad magic, dtype, order, shape and size with the file named', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'm.npy')).toThrow(/m\.npy: .*bad magic/);
    const body = new Uint8Array(8);
    const cat = (h: Uint8Array, d: Uint8Array) => { const o = new Uint8Array(h.length + d.length); o.set(h); o.set(d, h.length); return o; };
    expect(() => parseNpy(cat(header("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }"), body), 'd.npy')).toThrow(/unsupported dtype '>f4'/);
    expect(() => parseNpy(cat(header("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }"), body), 'd.npy')).toThrow(InputError);
    expect(() => parseNpy(cat(header("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }"), body), 'f.npy')).toThrow(/Fortran/);
    expect(() => parseNpy(cat(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), body), 's.npy')).toThrow(/2-D/);
    expect(() => parseNpy(cat(header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 1), }"), body), 's.npy')).toThrow(/2-D/);
    expect(() => parseNpy(cat(header("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"), body), 'z.npy')).toThrow(/needs 24 data bytes, file has 8/);
    const v3 = hex(NUMPY_F4_V1);
    v3[6] = 3;
    expect(() => parseNpy(v3, 'v.npy')).toThrow(/version 3\.0/);
    expect(() => readNpy('/nonexistent/x.npy')).toThrow(/cannot read/);
  });
});
