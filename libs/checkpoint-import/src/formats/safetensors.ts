/**
 * safetensors (huggingface/safetensors, "Format" in its README): an 8-byte little-endian header
 * length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
 * {...}}`, then the byte buffer the offsets point into. Written by hand: the format is this
 * small, and reading it needs no code execution at all.
 */
import { PyDict } from '../pickle/values.ts';
import { PickleError } from '../pickle/unpickler.ts';
import { DTYPE_BYTES, contiguousStrides, elementCount, type DType } from '../tensor-data.ts';
import type { ReadCheckpoint } from './read-checkpoint.ts';

const SAFETENSORS_DTYPES: Readonly<Record<string, DType>> = {
  F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64', I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool',
};

export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return headerLength > 1n && headerLength <= BigInt(bytes.length - 8) && bytes[8] === 0x7b; // '{'
}

export function readSafetensors(bytes: Uint8Array, source: string): ReadCheckpoint {
  const fail = (problem: string): never => {
    throw new PickleError(`${source}: ${problem}`);
  };
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (error) {
    return fail(`the safetensors header is not JSON (${(error as Error).message})`);
  }
  const buffer = bytes.subarray(8 + headerLength);
  const tensors = new PyDict();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype: code, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    const dtype = code ? SAFETENSORS_DTYPES[code] : undefined;
    if (!dtype) fail(`tensor ${name}: dtype ${String(code)} is not supported (${Object.keys(SAFETENSORS_DTYPES).join(', ')})`);
    if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) fail(`tensor ${name}: shape is not a list of integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !(offsets[0] <= offsets[1]) || offsets[1] > buffer.length) {
      fail(`tensor ${name}: data_offsets ${JSON.stringify(offsets)} are outside the ${buffer.length}-byte buffer`);
    }
    const expected = elementCount(shape!) * DTYPE_BYTES[dtype!];
    if (offsets![1] - offsets![0] !== expected) fail(`tensor ${name}: ${offsets![1] - offsets![0]} bytes for shape [${shape}] of ${dtype}, expected ${expected}`);
    tensors.set(name, {
      kind: 'tensor', dtype: dtype!, shape: shape!, strides: contiguousStrides(shape!), offset: 0,
      storage: { kind: 'storage', dtype: dtype!, bytes: buffer.subarray(offsets![0], offsets![1]), source: `${source}: ${name}` },
    });
  }
  return { format: 'safetensors', value: tensors, globals: new Set() };
}
