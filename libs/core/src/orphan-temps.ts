import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Temp files and folders of this project carry their writer's pid in the name, so that a later
 * run can remove what a killed one left behind without touching a live writer's work:
 *   .<name>.<pid>.<hex>.tmp[.old]     writeFileAtomic, checkpoints, training state
 *   <name>.partial-<pid>[-<stamp>]    cache entries, data sets being generated
 *   <name>.tmp-<pid>                  detector head folders
 *   <name>.<pid>[.<rand>].tmp         copied outputs, the wasm worker script
 *   <name>.old-<pid>-<stamp>          a data set moved aside while its replacement moves in
 */
const PATTERNS: RegExp[] = [
  /^\.(?<name>.+)\.(?<pid>\d+)\.[0-9a-f]{8}\.tmp(?:\.old)?$/,
  /^(?<name>.+)\.partial-(?<pid>\d+)(?:-[0-9a-z]+)?$/,
  /^(?<name>.+)\.tmp-(?<pid>\d+)$/,
  /^(?<name>.+)\.(?<pid>\d+)(?:\.[0-9a-z]+)?\.tmp$/,
  /^(?<name>.+)\.old-(?<pid>\d+)-[0-9a-z]+$/,
];

export interface TempName {
  /** The file or folder the temp stands in for. */
  name: string;
  pid: number;
  /** A moved-aside original: the only copy when its replacement never arrived. */
  aside: boolean;
}

/** Who wrote the temp `entry` (a bare name), or undefined when it is not one of our temp names. */
export function parseTempName(entry: string): TempName | undefined {
  for (const pattern of PATTERNS) {
    const match = pattern.exec(entry);
    if (match?.groups) return { name: match.groups.name, pid: Number(match.groups.pid), aside: pattern === PATTERNS[4] };
  }
  return undefined;
}

/** Whether `pid` is a running process on this host (signal 0 probes without sending anything). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is only someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface OrphanOptions {
  /** Only temps standing in for this name (for sweeping a shared parent folder). */
  name?: string;
}

/** The temps directly in `dir` whose writer is no longer running. */
export function findOrphanTemps(dir: string, options: OrphanOptions = {}): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const orphans: string[] = [];
  for (const entry of entries) {
    const temp = parseTempName(entry);
    if (!temp || (options.name !== undefined && temp.name !== options.name)) continue;
    if (isPidAlive(temp.pid)) continue;
    // A moved-aside original is kept while the folder it was to be replaced by is missing.
    if (temp.aside && !existsSync(join(dir, temp.name))) continue;
    orphans.push(join(dir, entry));
  }
  return orphans;
}

/** Removes findOrphanTemps(dir); returns the removed paths. */
export function removeOrphanTemps(dir: string, options: OrphanOptions = {}): string[] {
  const removed: string[] = [];
  for (const path of findOrphanTemps(dir, options)) {
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Best effort: a leftover that cannot be removed costs space, never correctness.
    }
  }
  return removed;
}
