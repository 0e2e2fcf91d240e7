/**
 * The only globals a checkpoint may call, each re-implemented here as plain data handling:
 * torch's tensor and parameter rebuilds (torch/_utils.py), OrderedDict, numpy's array and dtype
 * reconstructors (as Detectron's pickled blobs use them; numpy.core before numpy 2,
 * numpy._core after), and `_codecs.encode`, through which protocol-2 pickles from Python 3 carry
 * bytes. Torch storage classes (`torch.FloatStorage`, ...) are never called: they only name a
 * dtype inside persistent ids (storages.ts).
 */
import { GlobalRef, PyDict, type PyValue } from './values.ts';
import { NumpyArray, NumpyDType, numpyScalar } from './numpy-arrays.ts';
import { isStorage, type TensorData } from '../tensor-data.ts';

export type AllowedCall = (args: PyValue[]) => PyValue;

const NUMPY_MODULES = ['numpy.core.multiarray', 'numpy._core.multiarray'];

const ALLOWED: ReadonlyMap<string, AllowedCall> = new Map<string, AllowedCall>([
  ['collections.OrderedDict', orderedDict],
  ['builtins.dict', orderedDict],
  ['__builtin__.dict', orderedDict],
  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None)
  ['torch._utils._rebuild_tensor_v2', (args) => rebuildTensor(args)],
  // _rebuild_tensor(storage, storage_offset, size, stride): torch < 1.0.
  ['torch._utils._rebuild_tensor', (args) => rebuildTensor(args)],
  // _rebuild_parameter(data, requires_grad, backward_hooks) and ..._with_state(..., state): the data.
  ['torch._utils._rebuild_parameter', (args) => parameterData(args)],
  ['torch._utils._rebuild_parameter_with_state', (args) => parameterData(args)],
  ['_codecs.encode', codecsEncode],
  ...NUMPY_MODULES.flatMap((module): Array<[string, AllowedCall]> => [
    [`${module}._reconstruct`, reconstructArray],
    [`${module}.scalar`, (args) => numpyScalar(args)],
  ]),
  ['numpy.dtype', (args) => new NumpyDType(args[0])],
]);

export function lookupAllowed(ref: GlobalRef): AllowedCall | undefined {
  return ALLOWED.get(ref.qualifiedName);
}

function orderedDict(args: PyValue[]): PyDict {
  const dict = new PyDict();
  const pairs = args[0];
  if (Array.isArray(pairs)) {
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error('expects (key, value) pairs');
      dict.set(pair[0], pair[1]);
    }
  } else if (pairs instanceof PyDict) {
    for (const [key, value] of pairs.entries) dict.entries.set(key, value);
  } else if (pairs !== undefined && pairs !== null) {
    throw new Error('expects a list of pairs or a dict');
  }
  return dict;
}

function rebuildTensor(args: PyValue[]): TensorData {
  const [storage, offset, size, stride] = args;
  if (!isStorage(storage)) throw new Error(`the tensor's storage is ${describe(storage)}, not a torch storage`);
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new Error(`storage offset ${String(offset)} is not a non-negative integer`);
  const shape = integers(size, 'size');
  const strides = integers(stride, 'stride');
  if (strides.length !== shape.length) throw new Error(`size [${shape}] and stride [${strides}] differ in length`);
  return { kind: 'tensor', dtype: storage.dtype, shape, strides, offset, storage };
}

function parameterData(args: PyValue[]): PyValue {
  const data = args[0];
  if (!(typeof data === 'object' && data !== null && (data as TensorData).kind === 'tensor')) {
    throw new Error(`a parameter wraps ${describe(data)}, not a tensor`);
  }
  return data;
}

function integers(value: PyValue, what: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
    throw new Error(`${what} is not a tuple of non-negative integers`);
  }
  return value as number[];
}

/** `_codecs.encode(text, 'latin1')`: Python 3 pickles bytes this way at protocol 2. */
function codecsEncode(args: PyValue[]): Uint8Array {
  const [text, encoding] = args;
  if (typeof text !== 'string') throw new Error('expects a string');
  const name = typeof encoding === 'string' ? encoding.toLowerCase().replace(/[-_]/g, '') : 'utf8';
  if (name === 'latin1' || name === 'iso88591') {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 255) throw new Error(`character U+${code.toString(16)} is not latin1`);
      out[i] = code;
    }
    return out;
  }
  if (name === 'utf8') return new TextEncoder().encode(text);
  throw new Error(`encoding ${String(encoding)} is not supported (latin1 or utf-8)`);
}

/** numpy's `_reconstruct(ndarray, shape, typecode)`; BUILD then gives shape, dtype and data. */
function reconstructArray(args: PyValue[]): NumpyArray {
  const cls = args[0];
  if (!(cls instanceof GlobalRef) || !['numpy.ndarray', 'numpy.core.multiarray.ndarray', 'numpy._core.multiarray.ndarray'].includes(cls.qualifiedName)) {
    throw new Error(`reconstructs ${describe(cls)}, only numpy.ndarray is allowed`);
  }
  return new NumpyArray();
}

export function describe(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof GlobalRef) return value.qualifiedName;
  if (typeof value === 'object' && value !== null && 'global' in value) return `a call to ${(value as { global: string }).global}`;
  if (Array.isArray(value)) return 'a tuple';
  if (value instanceof PyDict) return 'a dict';
  return typeof value;
}
