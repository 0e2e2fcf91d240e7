/**
 * What a cache root holds, for `mgta cache ls|clear`: complete entries, and the folders of
 * unfinished builds (`<key>.partial-<pid>`) and of resumable work (`<key>.work`), which take
 * as much room as entries and would otherwise stay invisible.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENTRY_FILE, WORK_SUFFIX, cacheRoot, type CacheKeyInputs } from './content-cache.ts';
import { isPidAlive, parseTempName } from './orphan-temps.ts';

export interface CacheEntryInfo {
  kind: string;
  key: string;
  dir: string;
  inputs: CacheKeyInputs;
  createdAt: string;
  bytes: number;
}

export interface CacheLeftoverInfo {
  kind: string;
  key: string;
  dir: string;
  type: 'work' | 'partial';
  /** Partial: the building process. */
  pid?: number;
  /** In use by a running process: a live builder's partial, or the work of an entry it is building. */
  live: boolean;
  bytes: number;
}

export function listCacheEntries(root: string = cacheRoot()): CacheEntryInfo[] {
  const entries: CacheEntryInfo[] = [];
  for (const { kind, kindDir, names } of kinds(root)) {
    for (const key of names) {
      const dir = join(kindDir, key);
      const entryFile = join(dir, ENTRY_FILE);
      if (!existsSync(entryFile)) continue;
      const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as { inputs: CacheKeyInputs; createdAt: string };
      entries.push({ kind, key, dir, inputs: entry.inputs, createdAt: entry.createdAt, bytes: folderBytes(dir) });
    }
  }
  return entries;
}

export function listCacheLeftovers(root: string = cacheRoot()): CacheLeftoverInfo[] {
  const leftovers: CacheLeftoverInfo[] = [];
  for (const { kind, kindDir, names } of kinds(root)) {
    const livePartials = new Set<string>();
    for (const name of names) {
      const temp = /\.partial-\d+$/.test(name) ? parseTempName(name) : undefined;
      if (!temp) continue;
      const live = isPidAlive(temp.pid);
      if (live) livePartials.add(temp.name);
      leftovers.push({ kind, key: temp.name, dir: join(kindDir, name), type: 'partial', pid: temp.pid, live, bytes: folderBytes(join(kindDir, name)) });
    }
    for (const name of names) {
      if (!name.endsWith(WORK_SUFFIX)) continue;
      const key = name.slice(0, -WORK_SUFFIX.length);
      leftovers.push({ kind, key, dir: join(kindDir, name), type: 'work', live: livePartials.has(key), bytes: folderBytes(join(kindDir, name)) });
    }
  }
  return leftovers;
}

export interface ClearResult {
  entries: number;
  leftovers: number;
  /** Left in place: in use by a running process. */
  kept: CacheLeftoverInfo[];
}

/** Removes entries and leftovers (all, or of one kind), except what a running process is using. */
export function clearCache(options: { kind?: string; root?: string } = {}): ClearResult {
  const root = options.root ?? cacheRoot();
  const ofKind = <T extends { kind: string }>(item: T) => !options.kind || item.kind === options.kind;
  const entries = listCacheEntries(root).filter(ofKind);
  const leftovers = listCacheLeftovers(root).filter(ofKind);
  for (const entry of entries) rmSync(entry.dir, { recursive: true, force: true });
  const removable = leftovers.filter((leftover) => !leftover.live);
  for (const leftover of removable) rmSync(leftover.dir, { recursive: true, force: true });
  return { entries: entries.length, leftovers: removable.length, kept: leftovers.filter((leftover) => leftover.live) };
}

function* kinds(root: string): Generator<{ kind: string; kindDir: string; names: string[] }> {
  if (!existsSync(root)) return;
  for (const kind of readdirSync(root)) {
    const kindDir = join(root, kind);
    if (statSync(kindDir).isDirectory()) yield { kind, kindDir, names: readdirSync(kindDir) };
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // removed meanwhile (a build finishing)
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const stats = statSync(path);
      total += stats.isDirectory() ? folderBytes(path) : stats.size;
    } catch {
      // removed meanwhile
    }
  }
  return total;
}
