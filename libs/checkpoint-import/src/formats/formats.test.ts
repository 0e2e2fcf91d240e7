import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { importCheckpointBytes } from '../import-checkpoint.ts';
import { halfToFloat, toFloat32, type TensorData } from '../tensor-data.ts';
import { FIXTURES } from '../testing/fixture-catalogue.ts';

function safetensors(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('bad checkpoint files give a clear error naming the file and the problem', () => {
  it('a truncated torch zip, a zip without data.pkl, a missing storage', () => {
    const good = new Uint8Array(readFileSync(join(FIXTURES, 'torchvision.pth')));
    expect(() => importCheckpointBytes(good.subarray(0, 5000), 'cut.pth')).toThrow(/^cut\.pth: a zip file that cannot be read/);
    expect(() => importCheckpointBytes(zipSync({ 'a/readme.txt': new Uint8Array(3) }), 'other.zip'))
      .toThrow('other.zip: a zip file but not a torch checkpoint: expected one <name>/data.pkl, found none');
  });

  it('a truncated legacy torch file', () => {
    const legacy = new Uint8Array(readFileSync(join(FIXTURES, 'torchvision-legacy.pth')));
    expect(() => importCheckpointBytes(legacy.subarray(0, legacy.length - 100), 'old.pth')).toThrow(/^old\.pth: the file ends inside storage \S+ \(truncated\?\)/);
  });

  it('safetensors: an unknown dtype, offsets outside the buffer, a size that does not match the shape', () => {
    expect(() => importCheckpointBytes(safetensors({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), 'm.safetensors'))
      .toThrow(/^m\.safetensors: tensor w: dtype F8_E4M3 is not supported/);
    expect(() => importCheckpointBytes(safetensors({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), 'm.safetensors'))
      .toThrow('m.safetensors: tensor w: data_offsets [0,16] are outside the 8-byte buffer');
    expect(() => importCheckpointBytes(safetensors({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), 'm.safetensors'))
      .toThrow('m.safetensors: tensor w: 8 bytes for shape [3] of float32, expected 12');
  });

  it('a file that is none of the formats', () => {
    expect(() => importCheckpointBytes(new TextEncoder().encode('hello'), 'notes.txt'))
      .toThrow('notes.txt: not a PyTorch, safetensors or pickle checkpoint (it starts with byte 0x68)');
  });
});

describe('tensor values', () => {
  it('follow offset and strides of a view, and refuse a view past its storage', () => {
    const bytes = new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]).buffer);
    const storage = { kind: 'storage' as const, dtype: 'float32' as const, bytes, source: 's' };
    // A transposed 2x3 view of elements 1..6: [[1,2,3],[4,5,6]]ᵀ.
    const view: TensorData = { kind: 'tensor', dtype: 'float32', shape: [3, 2], strides: [1, 3], offset: 1, storage };
    expect([...toFloat32(view, 'v')]).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => toFloat32({ ...view, offset: 3 }, 'w')).toThrow('w: the view (offset 3, shape [3,2], strides [1,3]) reaches past its storage s of 8 elements');
  });

  it('convert IEEE half precision exactly', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00].map(halfToFloat)).toEqual([1, -2, 65504, 2 ** -24, -0, Number.POSITIVE_INFINITY]);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });
});
