import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashJson } from './hash.ts';
import { writeJsonAtomic } from './atomic-write.ts';

/** What identifies a cache entry: every input that changes its content. */
export type CacheKeyInputs = Record<string, unknown>;

export interface CacheEntryInfo {
  kind: string;
  key: string;
  dir: string;
  inputs: CacheKeyInputs;
  createdAt: string;
  bytes: number;
}

const ENTRY_FILE = 'entry.json';

/** Root of all caches: `MGTA_CACHE_DIR`, else `.cache/mgta` under the working directory. */
export function cacheRoot(): string {
  return resolve(process.env.MGTA_CACHE_DIR ?? join(process.cwd(), '.cache', 'mgta'));
}

/**
 * A content-addressed cache: an entry's folder name is the hash of its inputs (model and data
 * fingerprints, protocol), so changed inputs can never reuse an old entry, and an entry that
 * belongs to other inputs is never overwritten. An entry is complete only once its
 * `entry.json` exists; it is built in a temp folder and renamed into place.
 */
export class ContentCache {
  constructor(readonly kind: string, readonly root: string = cacheRoot()) {}

  keyOf(inputs: CacheKeyInputs): string {
    return hashJson({ kind: this.kind, ...inputs }).slice(0, 32);
  }

  dirOf(inputs: CacheKeyInputs): string {
    return join(this.root, this.kind, this.keyOf(inputs));
  }

  /** The entry's folder if it is complete, else undefined. */
  lookup(inputs: CacheKeyInputs): string | undefined {
    const dir = this.dirOf(inputs);
    return existsSync(join(dir, ENTRY_FILE)) ? dir : undefined;
  }

  /**
   * Returns the complete entry for these inputs, building it with `build(tempDir)` when absent.
   * `build` writes its files into tempDir; a crash leaves only a temp folder behind.
   */
  async getOrBuild(inputs: CacheKeyInputs, build: (tempDir: string) => Promise<void>): Promise<string> {
    const existing = this.lookup(inputs);
    if (existing) return existing;
    const dir = this.dirOf(inputs);
    const temp = `${dir}.partial-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    await build(temp);
    writeJsonAtomic(join(temp, ENTRY_FILE), { kind: this.kind, key: this.keyOf(inputs), inputs, createdAt: new Date().toISOString() });
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
    return dir;
  }

  /** A folder for building an entry across runs (resumable work), keyed like the entry. */
  workDirOf(inputs: CacheKeyInputs): string {
    const dir = `${this.dirOf(inputs)}.work`;
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}

export function listCacheEntries(root: string = cacheRoot()): CacheEntryInfo[] {
  if (!existsSync(root)) return [];
  const entries: CacheEntryInfo[] = [];
  for (const kind of readdirSync(root)) {
    const kindDir = join(root, kind);
    if (!statSync(kindDir).isDirectory()) continue;
    for (const key of readdirSync(kindDir)) {
      const dir = join(kindDir, key);
      const entryFile = join(dir, ENTRY_FILE);
      if (!existsSync(entryFile)) continue;
      const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as { inputs: CacheKeyInputs; createdAt: string };
      entries.push({ kind, key, dir, inputs: entry.inputs, createdAt: entry.createdAt, bytes: folderBytes(dir) });
    }
  }
  return entries;
}

/** Removes entries (all, or of one kind); returns how many. */
export function clearCache(options: { kind?: string; root?: string } = {}): number {
  const root = options.root ?? cacheRoot();
  const entries = listCacheEntries(root).filter((entry) => !options.kind || entry.kind === options.kind);
  for (const entry of entries) rmSync(entry.dir, { recursive: true, force: true });
  return entries.length;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = statSync(path);
    total += stats.isDirectory() ? folderBytes(path) : stats.size;
  }
  return total;
}
