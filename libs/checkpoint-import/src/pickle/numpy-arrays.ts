/**
 * numpy arrays as pickled by `ndarray.__reduce__` (numpy/core/src/multiarray/methods.c,
 * `array_reduce` / `array_setstate`): `_reconstruct(ndarray, (0,), b'b')`, then BUILD with
 * `(version, shape, dtype, is_fortran, rawdata)`. A dtype is `dtype(descr, align, copy)`, then
 * BUILD with `(version, byteorder, ...)`. Only numeric dtypes are accepted: object arrays would
 * need arbitrary Python objects.
 */
import type { PyValue, Reconstructed } from './values.ts';
import { DTYPE_BYTES, contiguousStrides, elementCount, type DType, type Storage, type TensorData } from '../tensor-data.ts';

const DESCR_TO_DTYPE: Readonly<Record<string, DType>> = {
  f4: 'float32', f8: 'float64', f2: 'float16', i8: 'int64', i4: 'int32', i2: 'int16', i1: 'int8', u1: 'uint8', b1: 'bool',
};

export class NumpyDType implements Reconstructed {
  readonly reconstructed = 'numpy.dtype';
  readonly dtype: DType;
  byteOrder = '<';

  constructor(descr: PyValue) {
    const dtype = typeof descr === 'string' ? DESCR_TO_DTYPE[descr] : undefined;
    if (!dtype) throw new Error(`numpy dtype ${JSON.stringify(descr)} is not a supported numeric type (${Object.keys(DESCR_TO_DTYPE).join(', ')})`);
    this.dtype = dtype;
  }

  build(state: PyValue): void {
    if (Array.isArray(state) && typeof state[1] === 'string') this.byteOrder = state[1];
  }
}

export class NumpyArray implements Reconstructed, TensorData {
  readonly reconstructed = 'numpy.ndarray';
  readonly kind = 'tensor' as const;
  dtype: DType = 'float32';
  shape: number[] = [0];
  strides: number[] = [1];
  offset = 0;
  storage: Storage = { kind: 'storage', dtype: 'float32', bytes: new Uint8Array(0), source: 'an unbuilt numpy array' };

  build(state: PyValue): void {
    if (!Array.isArray(state) || state.length < 5) throw new Error('numpy array state is not (version, shape, dtype, is_fortran, data)');
    const [, shape, dtype, isFortran, raw] = state;
    if (!(dtype instanceof NumpyDType)) throw new Error('numpy array without a numpy dtype');
    if (dtype.byteOrder === '>') throw new Error('big-endian numpy arrays are not supported');
    if (!Array.isArray(shape) || shape.some((s) => typeof s !== 'number' || !Number.isInteger(s) || s < 0)) throw new Error('numpy array shape is not a tuple of integers');
    const bytes = rawBytes(raw);
    const sizes = shape as number[];
    const expected = elementCount(sizes) * DTYPE_BYTES[dtype.dtype];
    if (bytes.byteLength !== expected) throw new Error(`numpy array [${sizes}] of ${dtype.dtype} holds ${bytes.byteLength} bytes, expected ${expected}`);
    this.dtype = dtype.dtype;
    this.shape = sizes;
    // Fortran order: the first axis varies fastest.
    this.strides = isFortran === true
      ? sizes.map((_, axis) => elementCount(sizes.slice(0, axis)))
      : contiguousStrides(sizes);
    this.storage = { kind: 'storage', dtype: dtype.dtype, bytes, source: 'a pickled numpy array' };
  }
}

/** `scalar(dtype, bytes)`: one numpy number (e.g. an iteration count beside the blobs). */
export function numpyScalar(args: PyValue[]): number {
  const [dtype, raw] = args;
  if (!(dtype instanceof NumpyDType)) throw new Error('numpy scalar without a numpy dtype');
  const bytes = rawBytes(raw);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength !== DTYPE_BYTES[dtype.dtype]) throw new Error(`numpy ${dtype.dtype} scalar of ${bytes.byteLength} bytes`);
  switch (dtype.dtype) {
    case 'float32': return view.getFloat32(0, true);
    case 'float64': return view.getFloat64(0, true);
    case 'int64': return Number(view.getBigInt64(0, true));
    case 'int32': return view.getInt32(0, true);
    case 'int16': return view.getInt16(0, true);
    case 'int8': return view.getInt8(0);
    default: return view.getUint8(0);
  }
}

/** Array data: bytes, or a Python 2 `str` read as latin1 text (one character per byte). */
function rawBytes(raw: PyValue): Uint8Array {
  if (raw instanceof Uint8Array) return raw;
  if (typeof raw === 'string') {
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  throw new Error('numpy data is not bytes (object arrays are not supported)');
}
