/**
 * torch < 1.6 checkpoints, and torch.save(..., _use_new_zipfile_serialization=False)
 * (torch/serialization.py `_legacy_save` / `_legacy_load`): pickles back to back (the magic
 * number, the protocol version 1001, sys_info, the object, the sorted storage keys), then each
 * storage as an int64 element count followed by its raw little-endian bytes. Persistent ids are
 * `('storage', torch.<Type>Storage, key, location, numel, view_metadata)`.
 */
import { unpickle, PickleError } from '../pickle/unpickler.ts';
import { GlobalRef, PyDict, type PyValue } from '../pickle/values.ts';
import { DTYPE_BYTES, type Storage } from '../tensor-data.ts';
import { TORCH_STORAGE_DTYPES } from './storage-types.ts';
import type { ReadCheckpoint } from './read-checkpoint.ts';

/** torch/serialization.py MAGIC_NUMBER and PROTOCOL_VERSION. */
export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL_VERSION = 1001;

export function isLegacyMagic(value: PyValue): boolean {
  return value === LEGACY_MAGIC;
}

export function readTorchLegacy(bytes: Uint8Array, source: string): ReadCheckpoint {
  const at = (start: number) => unpickle(bytes, { source }, start);
  const magic = at(0);
  if (!isLegacyMagic(magic.value)) throw new PickleError(`${source}: not a legacy torch checkpoint (no magic number)`);
  const version = at(magic.end);
  if (version.value !== LEGACY_PROTOCOL_VERSION) throw new PickleError(`${source}: legacy torch protocol ${String(version.value)}, expected ${LEGACY_PROTOCOL_VERSION}`);
  const sysInfo = at(version.end);
  if (sysInfo.value instanceof PyDict && sysInfo.value.get('little_endian') === false) {
    throw new PickleError(`${source}: saved on a big-endian machine; only little-endian checkpoints are supported`);
  }

  const storages = new Map<string, Storage & { numel: number }>();
  const persistentLoad = (pid: PyValue): PyValue => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new PickleError(`${source}: persistent id is not a torch storage`);
    const [, type, key, , numel, viewMetadata] = pid;
    if (typeof key !== 'string' || typeof numel !== 'number') throw new PickleError(`${source}: malformed storage id`);
    if (viewMetadata !== null && viewMetadata !== undefined) throw new PickleError(`${source}: storage ${key} is a storage view (torch < 0.4), which is not supported`);
    const dtype = type instanceof GlobalRef ? TORCH_STORAGE_DTYPES[type.qualifiedName] : undefined;
    if (!dtype) throw new PickleError(`${source}: storage ${key} has type ${type instanceof GlobalRef ? type.qualifiedName : String(type)}, not a known torch storage class`);
    let storage = storages.get(key);
    if (!storage) {
      // Bytes arrive after the object pickle; the tensors keep this same object.
      storage = { kind: 'storage', dtype, bytes: new Uint8Array(0), source: `${source}: storage ${key}`, numel };
      storages.set(key, storage);
    }
    return storage;
  };
  const object = unpickle(bytes, { source, persistentLoad }, sysInfo.end);
  const keys = at(object.end);
  if (!Array.isArray(keys.value) || keys.value.some((k) => typeof k !== 'string')) throw new PickleError(`${source}: the storage key list is missing`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let position = keys.end;
  for (const key of keys.value as string[]) {
    const storage = storages.get(key);
    if (!storage) throw new PickleError(`${source}: storage ${key} is listed but no tensor uses it`);
    if (position + 8 > bytes.length) throw new PickleError(`${source}: the file ends before storage ${key} (truncated?)`);
    const count = Number(view.getBigInt64(position, true));
    const length = count * DTYPE_BYTES[storage.dtype];
    position += 8;
    if (count !== storage.numel) throw new PickleError(`${source}: storage ${key} holds ${count} elements, its id says ${storage.numel}`);
    if (position + length > bytes.length) throw new PickleError(`${source}: the file ends inside storage ${key} (truncated?)`);
    storage.bytes = bytes.subarray(position, position + length);
    position += length;
  }
  const globals = new Set([...object.globals]);
  return { format: 'torch-legacy', value: object.value, globals };
}
