import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashJson } from './hash.ts';
import { writeJsonAtomic } from './atomic-write.ts';
import { withFsWriteErrors, type FsErrorAdvice } from './fs-errors.ts';
import { removeOrphanTemps } from './orphan-temps.ts';

/** What identifies a cache entry: every input that changes its content. */
export type CacheKeyInputs = Record<string, unknown>;

export const ENTRY_FILE = 'entry.json';
/** Suffix of an entry's resumable-work folder (workDirOf). */
export const WORK_SUFFIX = '.work';

const CACHE_ADVICE: FsErrorAdvice = { elsewhere: 'point MGTA_CACHE_DIR at another folder' };
/** Kind folders already swept by this process: once is enough, later leftovers are our own. */
const swept = new Set<string>();

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
   * `build` writes its files into tempDir. A failed build leaves nothing behind; a killed one
   * leaves `<entry>.partial-<pid>`, which the next process to build in this kind removes.
   */
  async getOrBuild(inputs: CacheKeyInputs, build: (tempDir: string) => Promise<void>): Promise<string> {
    const existing = this.lookup(inputs);
    if (existing) return existing;
    this.sweep();
    const dir = this.dirOf(inputs);
    const temp = `${dir}.partial-${process.pid}`;
    withFsWriteErrors(dir, () => {
      rmSync(temp, { recursive: true, force: true });
      mkdirSync(temp, { recursive: true });
    }, CACHE_ADVICE);
    try {
      await build(temp);
      writeJsonAtomic(join(temp, ENTRY_FILE), { kind: this.kind, key: this.keyOf(inputs), inputs, createdAt: new Date().toISOString() }, CACHE_ADVICE);
      withFsWriteErrors(dir, () => {
        rmSync(dir, { recursive: true, force: true });
        renameSync(temp, dir);
      }, CACHE_ADVICE);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
    return dir;
  }

  /** A folder for building an entry across runs (resumable work), keyed like the entry. */
  workDirOf(inputs: CacheKeyInputs): string {
    this.sweep();
    const dir = `${this.dirOf(inputs)}${WORK_SUFFIX}`;
    withFsWriteErrors(dir, () => mkdirSync(dir, { recursive: true }), CACHE_ADVICE);
    return dir;
  }

  /** Removes the partial entries of builds whose process died (killed mid-build). */
  private sweep(): void {
    const kindDir = join(this.root, this.kind);
    if (swept.has(kindDir)) return;
    swept.add(kindDir);
    removeOrphanTemps(kindDir);
  }
}
