import { readFileSync } from 'node:fs';
import { InputError, writeFileAtomic } from '@mgta/core';

/**
 * NumPy .npy files (format versions 1.0 and 2.0, numpy/lib/format.py, NEP 1):
 *   magic "\x93NUMPY", major, minor, header length (uint16 LE in v1, uint32 LE in v2),
 *   an ASCII Python-dict header {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }
 *   padded with spaces and a final '\n' so that the data starts on a 64-byte boundary
 *   (16 in numpy < 1.14; we accept any alignment when reading), then the raw data.
 * We read and write 2-D little-endian float32 / float64 arrays in C order only.
 */

export type NpyDtype = 'float32' | 'float64';

export interface NpyMatrix<T extends Float32Array | Float64Array = Float32Array | Float64Array> {
  dtype: NpyDtype;
  rows: number;
  cols: number;
  /** Row-major data, rows * cols values. */
  data: T;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const DESCR: Record<NpyDtype, string> = { float32: '<f4', float64: '<f8' };
const ALIGN = 64; // numpy >= 1.14 pads the header to a multiple of 64 bytes

/** Parses the bytes of a .npy file. `file` names the source in error messages. */
export function parseNpy(bytes: Uint8Array, file: string): NpyMatrix {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(file, 'not a NumPy .npy file (bad magic: expected "\\x93NUMPY")');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2) {
    if (bytes.length < 12) throw new InputError(file, 'truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new InputError(file, `unsupported .npy format version ${major}.${minor} (expected 1.0 or 2.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new InputError(file, 'truncated .npy header');
  const header = Buffer.from(bytes.subarray(headerStart, dataStart)).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(file, `malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((d) => DESCR[d] === descr);
  if (dtype === undefined) {
    throw new InputError(file, `unsupported dtype '${descr}' (expected little-endian float32 '<f4' or float64 '<f8')`, { field: 'descr' });
  }
  if (fortran === 'True') throw new InputError(file, 'Fortran-order arrays are not supported (save with C order)', { field: 'fortran_order' });
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.length !== 2 || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new InputError(file, `expected a 2-D array [N, D], got shape (${shapeText.trim()})`, { field: 'shape' });
  }
  const [rows, cols] = shape;
  const itemSize = dtype === 'float32' ? 4 : 8;
  const expected = rows * cols * itemSize;
  if (bytes.length - dataStart !== expected) {
    throw new InputError(file, `shape (${rows}, ${cols}) of ${dtype} needs ${expected} data bytes, file has ${bytes.length - dataStart}`);
  }
  // Copy into a fresh, aligned buffer (the header length need not be a multiple of 8).
  const raw = new Uint8Array(expected);
  raw.set(bytes.subarray(dataStart, dataStart + expected));
  const data = dtype === 'float32' ? new Float32Array(raw.buffer, 0, rows * cols) : new Float64Array(raw.buffer, 0, rows * cols);
  if (!littleEndianHost) swapBytes(raw, itemSize);
  return { dtype, rows, cols, data };
}

export function readNpy(file: string): NpyMatrix {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(file, `cannot read .npy file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseNpy(bytes, file);
}

/** Serialises a 2-D float32/float64 matrix as .npy (version 1.0, or 2.0 if the header needs it). */
export function formatNpy(matrix: NpyMatrix): Uint8Array {
  const { dtype, rows, cols, data } = matrix;
  if (data.length !== rows * cols) throw new RangeError(`data has ${data.length} values, shape (${rows}, ${cols}) needs ${rows * cols}`);
  if ((dtype === 'float32') !== data instanceof Float32Array) throw new TypeError(`dtype ${dtype} does not match the data array`);
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  let version = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN;
  }
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const itemSize = dtype === 'float32' ? 4 : 8;
  const out = new Uint8Array(total + data.length * itemSize);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), prefix);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.length * itemSize);
  out.set(body, total);
  if (!littleEndianHost) swapBytes(out.subarray(total), itemSize);
  return out;
}

export function writeNpy(file: string, matrix: NpyMatrix): void {
  writeFileAtomic(file, formatNpy(matrix));
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let i = 0; i < bytes.length; i += itemSize) bytes.subarray(i, i + itemSize).reverse();
}
