/**
 * Any supported checkpoint file → one Python-like value tree, telling the format by its first
 * bytes: a zip (torch ≥ 1.6), a safetensors header, or a pickle (a legacy torch file starts
 * with torch's magic number; otherwise a plain pickle such as Detectron's `.pkl`).
 */
import { unpickle, PickleError } from '../pickle/unpickler.ts';
import type { PyValue } from '../pickle/values.ts';
import { readTorchZip } from './torch-zip.ts';
import { isLegacyMagic, readTorchLegacy } from './torch-legacy.ts';
import { looksLikeSafetensors, readSafetensors } from './safetensors.ts';

export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'safetensors' | 'pickle';

export interface ReadCheckpoint {
  format: CheckpointFormat;
  value: PyValue;
  /** Every global the file's pickles name (allowlisted or not). */
  globals: Set<string>;
}

/** First bytes of a pickle: PROTO (protocol ≥ 2), or MARK / EMPTY_DICT / EMPTY_LIST / GLOBAL (0–1). */
const PICKLE_OPENERS = new Set([0x80, 0x28, 0x7d, 0x5d, 0x63]);

export function isCheckpointFile(bytes: Uint8Array): boolean {
  return isZip(bytes) || looksLikeSafetensors(bytes) || PICKLE_OPENERS.has(bytes[0]);
}

export function readCheckpointBytes(bytes: Uint8Array, source: string): ReadCheckpoint {
  if (isZip(bytes)) return readTorchZip(bytes, source);
  if (looksLikeSafetensors(bytes)) return readSafetensors(bytes, source);
  if (!PICKLE_OPENERS.has(bytes[0])) throw new PickleError(`${source}: not a PyTorch, safetensors or pickle checkpoint (it starts with byte 0x${(bytes[0] ?? 0).toString(16)})`);
  const first = unpickle(bytes, { source });
  if (isLegacyMagic(first.value)) return readTorchLegacy(bytes, source);
  if (first.end < bytes.length && bytes.subarray(first.end).some((b) => b !== 0)) {
    // A single pickle is the whole file for Detectron and plain pickles; more means something else.
    throw new PickleError(`${source}: ${bytes.length - first.end} bytes follow the pickle; not a format this reader knows`);
  }
  return { format: 'pickle', value: first.value, globals: first.globals };
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
