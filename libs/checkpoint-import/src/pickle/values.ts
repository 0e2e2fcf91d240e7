/**
 * What the unpickler builds. Python objects become plain data: numbers, strings, bytes, arrays
 * (lists and tuples), `PyDict`, tensors, and `Inert` placeholders for everything the allowlist
 * does not know. Nothing here can run code: a placeholder only records which global the file
 * named and the arguments it would have been called with.
 */
import type { Storage, TensorData } from '../tensor-data.ts';

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyDict
  | PySet
  | TensorData
  | Storage
  | Inert
  | GlobalRef
  | Reconstructed;

/** `dict`, `collections.OrderedDict` (and `_metadata` or other attributes set by BUILD, kept aside). */
export class PyDict {
  readonly entries = new Map<unknown, PyValue>();
  attributes: PyValue = null;

  get(key: string): PyValue | undefined {
    return this.entries.get(key);
  }

  set(key: PyValue, value: PyValue): void {
    this.entries.set(dictKey(key), value);
  }
}

export class PySet {
  readonly items: PyValue[] = [];
}

/** A `module.name` the pickle referenced with GLOBAL / STACK_GLOBAL; not callable by itself. */
export class GlobalRef {
  constructor(readonly module: string, readonly name: string) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * The result of calling or instantiating a global that the allowlist does not know, such as
 * `argparse.Namespace` in DINO checkpoints or `os.system` in a malicious file. It is never
 * called; the importer refuses it when a tensor sits inside it.
 */
export class Inert {
  state: PyValue = null;
  readonly items: PyValue[] = [];
  constructor(readonly global: string, readonly args: PyValue[]) {}
}

/**
 * An allowlisted reconstructor's partial result that BUILD completes in place (numpy's
 * `_reconstruct` array and `dtype` objects; the memo may already hold a reference to it).
 */
export interface Reconstructed {
  readonly reconstructed: string;
  build(state: PyValue): void;
}

export function isReconstructed(value: unknown): value is Reconstructed {
  return typeof value === 'object' && value !== null && typeof (value as Reconstructed).build === 'function' && 'reconstructed' in value;
}

/** Python dict keys compare by value; tuples of primitives become one string so they do too. */
function dictKey(key: PyValue): unknown {
  if (Array.isArray(key)) return `(${key.map((part) => String(part)).join(', ')})`;
  return key;
}
