/**
 * torch ≥ 1.6 checkpoints (torch/serialization.py `_save`, `_load`): a zip archive holding
 * `<name>/data.pkl`, whose persistent ids `('storage', torch.<Type>Storage, key, location,
 * numel)` point at raw little-endian storages `<name>/data/<key>`. torch writes the members
 * uncompressed; fflate reads them (a well-kept zip reader; nothing here needs more).
 */
import { unzipSync } from 'fflate';
import { unpickle, PickleError } from '../pickle/unpickler.ts';
import { GlobalRef, type PyValue } from '../pickle/values.ts';
import { DTYPE_BYTES, type Storage } from '../tensor-data.ts';
import { TORCH_STORAGE_DTYPES } from './storage-types.ts';
import type { ReadCheckpoint } from './read-checkpoint.ts';

export function readTorchZip(bytes: Uint8Array, source: string): ReadCheckpoint {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    throw new PickleError(`${source}: a zip file that cannot be read (${(error as Error).message})`);
  }
  const pickles = Object.keys(members).filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new PickleError(`${source}: a zip file but not a torch checkpoint: expected one <name>/data.pkl, found ${pickles.length ? pickles.join(', ') : 'none'}`);
  }
  const root = pickles[0].slice(0, -'data.pkl'.length);
  const byteOrder = members[`${root}byteorder`];
  if (byteOrder && new TextDecoder().decode(byteOrder).trim() !== 'little') {
    throw new PickleError(`${source}: saved on a big-endian machine (${root}byteorder); only little-endian checkpoints are supported`);
  }
  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
      throw new PickleError(`${source}: persistent id ${JSON.stringify(String(pid))} is not a torch storage`);
    }
    const [, type, key, , numel] = pid;
    if (typeof key !== 'string' || typeof numel !== 'number') throw new PickleError(`${source}: malformed storage id`);
    const dtype = type instanceof GlobalRef ? TORCH_STORAGE_DTYPES[type.qualifiedName] : undefined;
    if (!dtype) throw new PickleError(`${source}: storage ${key} has type ${type instanceof GlobalRef ? type.qualifiedName : String(type)}, not a known torch storage class`);
    const cached = storages.get(key);
    if (cached) return cached;
    const member = `${root}data/${key}`;
    const data = members[member];
    if (!data) throw new PickleError(`${source}: storage ${member} is missing from the archive`);
    if (data.byteLength < numel * DTYPE_BYTES[dtype]) {
      throw new PickleError(`${source}: storage ${member} has ${data.byteLength} bytes, ${numel} ${dtype} elements need ${numel * DTYPE_BYTES[dtype]}`);
    }
    const storage: Storage = { kind: 'storage', dtype, bytes: data, source: `${source}:${member}` };
    storages.set(key, storage);
    return storage;
  };
  const { value, globals } = unpickle(members[pickles[0]], { source: `${source}:${pickles[0]}`, persistentLoad });
  return { format: 'torch-zip', value, globals };
}
