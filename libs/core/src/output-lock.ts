/**
 * One run per output folder. Two runs writing the same folder interleave their files (every
 * metrics line twice, a checkpoint of one run with the state of the other), so a long job
 * takes `<folder>.lock` first: created with O_EXCL, holding pid, hostname and start time.
 * The lock sits beside the folder, not in it, because jobs replace their folder whole.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from './input-error.ts';
import { withFsWriteErrors } from './fs-errors.ts';
import { isPidAlive, removeOrphanTemps } from './orphan-temps.ts';

export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
  /** Tells our lock from one that replaced it (after we were declared stale). */
  token: string;
}

export interface OutputLock {
  /** The locked folder. */
  readonly dir: string;
  /** The lock file. */
  readonly path: string;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

export interface LockOptions {
  /** What the holder is doing, shown to a refused second run (default: the process's arguments). */
  command?: string;
  /** Where a stale lock's takeover and removed leftovers are reported (default: stderr). */
  log?: (line: string) => void;
  /** Remove dead processes' temps in and beside the folder (default true). */
  sweep?: boolean;
}

/** A lock file this young and still unreadable is being written by its creator, not abandoned. */
const CREATION_GRACE_MS = 10_000;

export function lockPathOf(dir: string): string {
  return `${resolve(dir)}.lock`;
}

/**
 * Takes the lock of `dir` or throws an InputError naming the folder and the holder's pid. A
 * lock left by a process that is no longer running on this host is reported and taken over.
 * The lock goes when released, and when the process exits, fails, or is interrupted (SIGINT,
 * SIGTERM, SIGHUP). Once held, temps of dead runs in and beside the folder are removed.
 */
export function acquireOutputLock(dir: string, options: LockOptions = {}): OutputLock {
  const folder = resolve(dir);
  const path = lockPathOf(folder);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: options.command ?? process.argv.slice(1).join(' '),
    token: randomBytes(8).toString('hex'),
  };
  withFsWriteErrors(path, () => mkdirSync(dirname(path), { recursive: true }));
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, holder)) break;
    const existing = readHolder(path);
    if (existing === 'gone') continue;
    const stale = staleness(path, existing);
    if (stale === undefined || attempt >= 3) throw refusal(folder, path, existing);
    if (takeOver(path, existing)) log(`${path}: ${stale}; taking the lock over`);
  }
  const lock = register(folder, path, holder.token);
  if (options.sweep !== false) {
    const removed = [...removeOrphanTemps(folder), ...removeOrphanTemps(dirname(folder), { name: basename(folder) })];
    if (removed.length > 0) log(`removed ${removed.length} leftover temp file(s) of ended runs: ${removed.join(', ')}`);
  }
  return lock;
}

/** Runs `job` holding the lock of `dir`; the lock is released however the job ends. */
export async function withOutputLock<T>(dir: string, job: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const lock = acquireOutputLock(dir, options);
  try {
    return await job();
  } finally {
    lock.release();
  }
}

function tryCreate(path: string, holder: LockHolder): boolean {
  return withFsWriteErrors(path, () => {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      writeSync(fd, `${JSON.stringify(holder)}\n`);
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw error;
    }
    closeSync(fd);
    return true;
  }, { elsewhere: 'choose another --out' });
}

/** The holder recorded in the lock file; 'gone' if it vanished; undefined if unreadable. */
function readHolder(path: string): LockHolder | 'gone' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return Number.isSafeInteger(parsed.pid) && typeof parsed.hostname === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Why the lock is abandoned, or undefined while its holder may still be running. */
function staleness(path: string, holder: LockHolder | undefined): string | undefined {
  if (holder === undefined) {
    let age: number;
    try {
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      return 'vanished';
    }
    return age > CREATION_GRACE_MS ? 'is unreadable (a run killed while creating it)' : undefined;
  }
  // A pid names a process only on its own host: another host's lock is never judged from here.
  if (holder.hostname !== hostname()) return undefined;
  if (isPidAlive(holder.pid)) return undefined;
  return `was left by pid ${holder.pid} (started ${holder.startedAt}), which is no longer running`;
}

/**
 * Moves the stale lock aside under a name of our own and checks it is the one judged stale:
 * two runs taking over at once must not remove the lock the faster one has just created.
 */
function takeOver(path: string, judged: LockHolder | undefined): boolean {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readHolder(aside);
  const same = judged === undefined ? moved === undefined : moved !== undefined && moved !== 'gone' && moved.token === judged.token && moved.pid === judged.pid;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone holds a newer lock already; ours to refuse on the next attempt.
    }
  }
  rmSync(aside, { force: true });
  return same;
}

function refusal(folder: string, path: string, holder: LockHolder | undefined): InputError {
  if (holder === undefined) {
    return new InputError(folder, `is in use: its lock ${path} is being created by another run; wait for it, or use another --out`);
  }
  const who = holder.pid === process.pid && holder.hostname === hostname() ? ' (this process)' : holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`;
  const gone = holder.hostname === hostname() ? '' : `; if that run is gone, delete ${path}`;
  return new InputError(
    folder,
    `is in use by another run: pid ${holder.pid}${who}, started ${holder.startedAt} (${holder.command}). Wait for it to finish or stop it, or use another --out${gone}`,
  );
}

// Locks held by this process, released on the way out however it ends.
const held = new Map<string, string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function register(folder: string, path: string, token: string): OutputLock {
  if (held.size === 0) installExitHooks();
  held.set(path, token);
  let released = false;
  return {
    dir: folder,
    path,
    release: () => {
      if (released) return;
      released = true;
      releasePath(path, token);
      held.delete(path);
      if (held.size === 0) removeExitHooks();
    },
  };
}

function releasePath(path: string, token: string): void {
  const holder = readHolder(path);
  // Not ours any more (taken over after we were declared stale): leave it to its holder.
  if (holder === 'gone' || holder === undefined || holder.token !== token) return;
  rmSync(path, { force: true });
}

function releaseAll(): void {
  for (const [path, token] of held) {
    try {
      releasePath(path, token);
    } catch {
      // On the way out: a lock we could not remove is taken over as stale by the next run.
    }
  }
  held.clear();
}

function onExit(): void {
  releaseAll();
}

function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  removeExitHooks();
  // With no handler left, the signal's default action ends the process as it would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installExitHooks(): void {
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeExitHooks(): void {
  process.removeListener('exit', onExit);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}
