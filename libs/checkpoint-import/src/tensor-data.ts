/**
 * A tensor as a checkpoint stores it: a dtype, a shape, element strides and an element offset
 * into a shared storage (PyTorch views share storages), or a contiguous numpy / safetensors
 * buffer (offset 0, C-order strides). Values are read out as float32 only when asked.
 */
export type DType = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

export interface Storage {
  readonly kind: 'storage';
  dtype: DType;
  /** Little-endian element bytes. */
  bytes: Uint8Array;
  /** Where the storage came from, for messages (e.g. `archive/data/17`). */
  source: string;
}

export interface TensorData {
  readonly kind: 'tensor';
  dtype: DType;
  shape: number[];
  /** In elements, as torch's `Tensor.stride()`. */
  strides: number[];
  /** In elements, as torch's `Tensor.storage_offset()`. */
  offset: number;
  storage: Storage;
}

export function isStorage(value: unknown): value is Storage {
  return typeof value === 'object' && value !== null && (value as Storage).kind === 'storage';
}

export function isTensorData(value: unknown): value is TensorData {
  return typeof value === 'object' && value !== null && (value as TensorData).kind === 'tensor';
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i];
  }
  return strides;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64';
}

/**
 * The tensor's values in C order as float32, following offset and strides. Throws when a view
 * reaches past its storage (a truncated or corrupt file), naming the storage.
 */
export function toFloat32(tensor: TensorData, what: string): Float32Array {
  const { shape, strides, offset, storage } = tensor;
  const count = elementCount(shape);
  const storageElements = Math.floor(storage.bytes.byteLength / DTYPE_BYTES[storage.dtype]);
  if (count > 0) {
    const last = offset + shape.reduce((sum, size, i) => sum + (size - 1) * strides[i], 0);
    if (offset < 0 || last >= storageElements || strides.some((s) => s < 0)) {
      throw new Error(`${what}: the view (offset ${offset}, shape [${shape}], strides [${strides}]) reaches past its storage ${storage.source} of ${storageElements} elements`);
    }
  }
  const read = elementReader(storage);
  const out = new Float32Array(count);
  const index = new Array<number>(shape.length).fill(0);
  let position = offset;
  for (let i = 0; i < count; i++) {
    out[i] = read(position);
    // Odometer over the shape, moving `position` by the strides.
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis]++;
      position += strides[axis];
      if (index[axis] < shape[axis]) break;
      position -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
  return out;
}

function elementReader(storage: Storage): (element: number) => number {
  const view = new DataView(storage.bytes.buffer, storage.bytes.byteOffset, storage.bytes.byteLength);
  switch (storage.dtype) {
    case 'float32': return (e) => view.getFloat32(4 * e, true);
    case 'float64': return (e) => view.getFloat64(8 * e, true);
    case 'float16': return (e) => halfToFloat(view.getUint16(2 * e, true));
    // bfloat16 is the top half of a float32.
    case 'bfloat16': return (e) => bfloat16ToFloat(view.getUint16(2 * e, true));
    case 'int64': return (e) => Number(view.getBigInt64(8 * e, true));
    case 'int32': return (e) => view.getInt32(4 * e, true);
    case 'int16': return (e) => view.getInt16(2 * e, true);
    case 'int8': return (e) => view.getInt8(e);
    case 'uint8':
    case 'bool': return (e) => view.getUint8(e);
  }
}

const bfloatScratch = new DataView(new ArrayBuffer(4));
function bfloat16ToFloat(bits: number): number {
  bfloatScratch.setUint32(0, bits << 16);
  return bfloatScratch.getFloat32(0);
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
