/**
 * A folder of named float32 / int32 arrays plus a JSON document, written as a whole: built
 * under a temporary name and renamed into place (the previous folder is moved aside first and
 * deleted after), so a reader sees the old bundle or the new one, never a mix. Used for the
 * resumable training state (`<model dir>/state/`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, sha256, tempPathFor, withFsWriteErrors, writeFileAtomic, writeJsonAtomic } from '@mgta/core';

export interface BundleArray {
  shape: number[];
  data: Float32Array | Int32Array;
}

interface BundleEntry { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }

const DATA_FILE = 'arrays.bin';
const INDEX_FILE = 'bundle.json';

export function writeBundle(dir: string, arrays: ReadonlyMap<string, BundleArray>, document: unknown): void {
  let total = 0;
  for (const { data } of arrays.values()) total += data.byteLength;
  const bytes = new Uint8Array(total);
  const entries: BundleEntry[] = [];
  let offset = 0;
  for (const [name, { shape, data }] of arrays) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    entries.push({ name, shape, dtype: data instanceof Int32Array ? 'int32' : 'float32', offset, length: data.byteLength });
    offset += data.byteLength;
  }
  withFsWriteErrors(dir, () => {
    mkdirSync(dirname(dir), { recursive: true });
    const temp = tempPathFor(dir);
    try {
      writeFileAtomic(join(temp, DATA_FILE), bytes);
      writeJsonAtomic(join(temp, INDEX_FILE), { document, entries, sha256: sha256(bytes) });
      const aside = `${dir}.old`;
      rmSync(aside, { recursive: true, force: true });
      if (existsSync(dir)) renameSync(dir, aside);
      renameSync(temp, dir);
      rmSync(aside, { recursive: true, force: true });
    } catch (error) {
      // The state is hundreds of MB: a failed write (a full disk) must not leave its copy behind.
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  });
}

/** The bundle at `dir` (or at `dir.old` when a crash fell between the two renames), or undefined. */
export function readBundle(dir: string): { arrays: Map<string, BundleArray>; document: unknown } | undefined {
  const from = existsSync(join(dir, INDEX_FILE)) ? dir : existsSync(join(`${dir}.old`, INDEX_FILE)) ? `${dir}.old` : undefined;
  if (from === undefined) return undefined;
  const index = JSON.parse(readFileSync(join(from, INDEX_FILE), 'utf8')) as { document: unknown; entries: BundleEntry[]; sha256: string };
  const bytes = readFileSync(join(from, DATA_FILE));
  if (sha256(bytes) !== index.sha256) throw new InputError(join(from, DATA_FILE), 'sha256 does not match bundle.json: the saved training state is corrupted (delete the state folder to restart)');
  const arrays = new Map<string, BundleArray>();
  for (const entry of index.entries) {
    const data = entry.dtype === 'int32' ? new Int32Array(entry.length / 4) : new Float32Array(entry.length / 4);
    new Uint8Array(data.buffer).set(bytes.subarray(entry.offset, entry.offset + entry.length));
    arrays.set(entry.name, { shape: entry.shape, data });
  }
  return { arrays, document: index.document };
}
