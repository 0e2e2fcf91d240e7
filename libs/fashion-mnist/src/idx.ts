import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '@mgta/core';

/**
 * The IDX format of MNIST / Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"):
 * a 4-byte magic 0x00 0x00 <type> <ndims>, then ndims big-endian uint32 sizes, then the data.
 * Fashion-MNIST uses type 0x08 (unsigned byte) only; other types are refused.
 */
export const IDX_TYPE_UBYTE = 0x08;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Parses IDX bytes, gunzipping first when they start with the gzip magic. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  let raw = bytes;
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      throw new InputError(file, `is not a valid gzip file (${(error as Error).message})`);
    }
  }
  if (raw.length < 4) throw new InputError(file, `is ${raw.length} bytes long, too short for an IDX header`, { field: 'magic' });
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new InputError(file, `bad IDX magic number: first two bytes are ${raw[0]}, ${raw[1]}, expected 0, 0`, { field: 'magic' });
  }
  if (raw[2] !== IDX_TYPE_UBYTE) {
    throw new InputError(file, `IDX data type 0x${raw[2].toString(16).padStart(2, '0')} is not supported (only 0x08, unsigned byte)`, { field: 'magic' });
  }
  const ndims = raw[3];
  if (ndims < 1) throw new InputError(file, 'IDX header declares 0 dimensions', { field: 'magic' });
  const headerLength = 4 + 4 * ndims;
  if (raw.length < headerLength) {
    throw new InputError(file, `is ${raw.length} bytes long, too short for an IDX header with ${ndims} dimensions`, { field: 'dims' });
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((product, size) => product * size, 1);
  const actual = raw.length - headerLength;
  if (actual !== expected) {
    throw new InputError(
      file,
      `holds ${actual} data bytes but its dimensions ${dims.join('x')} need ${expected}`,
      { field: 'length' },
    );
  }
  return { dims, data: raw.subarray(headerLength) };
}

export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseIdx(bytes, path);
}

/** Test helper and writer: encodes a uint8 array as IDX (uncompressed). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = IDX_TYPE_UBYTE;
  header[3] = dims.length;
  const view = new DataView(header.buffer);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}
