import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireOutputLock, lockPathOf, withOutputLock } from './output-lock.ts';
import { deadPid, spawnLockHolder } from './lock-holder.ts';
import { errorOf } from './testing.ts';

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'mgta-lock-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const quiet = { log: () => undefined };

describe('output lock', { timeout: 60_000 }, () => {
  it('refuses a second run on the folder, naming the folder and the holder pid, until the holder ends', async () => {
    const dir = join(root, 'busy');
    const holder = await spawnLockHolder(dir);
    try {
      const error = errorOf(() => acquireOutputLock(dir, quiet));
      expect(error.message).toContain(dir);
      expect(error.message).toContain(`pid ${holder.pid}`);
      expect(error.message).toMatch(/in use by another run.*lock-holder fixture/);
    } finally {
      holder.child.kill('SIGTERM');
    }
    expect(await holder.exited).toBe('SIGTERM');
    // Released by the SIGTERM handler, which then let the signal end the process as before.
    expect(existsSync(lockPathOf(dir))).toBe(false);
    acquireOutputLock(dir, quiet).release();
  });

  it('refuses a second lock in the same process too', () => {
    const dir = join(root, 'twice');
    const lock = acquireOutputLock(dir, quiet);
    expect(errorOf(() => acquireOutputLock(dir, quiet)).message).toMatch(new RegExp(`pid ${process.pid} \\(this process\\)`));
    lock.release();
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('is released when the holder is interrupted, dies of an error, or exits', async () => {
    for (const mode of ['hold', 'throw', 'exit'] as const) {
      const dir = join(root, `ends-${mode}`);
      const holder = await spawnLockHolder(dir, mode);
      expect(existsSync(lockPathOf(dir))).toBe(true);
      if (mode === 'hold') holder.child.kill('SIGINT');
      expect(await holder.exited).toBe({ hold: 'SIGINT', throw: 1, exit: 3 }[mode]);
      expect(existsSync(lockPathOf(dir)), mode).toBe(false);
    }
  });

  it('reports a stale lock of a dead process in a line and takes it over', () => {
    const dir = join(root, 'stale');
    const pid = deadPid();
    writeFileSync(lockPathOf(dir), JSON.stringify({ pid, hostname: hostname(), startedAt: '2024-01-01T00:00:00.000Z', command: 'killed run', token: 'old' }));
    const lines: string[] = [];
    const lock = acquireOutputLock(dir, { log: (line) => lines.push(line) });
    expect(lines).toEqual([`${lockPathOf(dir)}: was left by pid ${pid} (started 2024-01-01T00:00:00.000Z), which is no longer running; taking the lock over`]);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('does not judge another host\'s lock: refused, with how to clear it', () => {
    const dir = join(root, 'remote');
    writeFileSync(lockPathOf(dir), JSON.stringify({ pid: deadPid(), hostname: 'other-host', startedAt: 'then', command: 'x', token: 't' }));
    expect(errorOf(() => acquireOutputLock(dir, quiet)).message).toMatch(/on host other-host.*if that run is gone, delete .*remote\.lock/);
  });

  it('leaves a lock that another run took over after ours was judged stale', () => {
    const dir = join(root, 'taken');
    const lock = acquireOutputLock(dir, quiet);
    writeFileSync(lock.path, JSON.stringify({ pid: 1, hostname: hostname(), startedAt: 'now', command: 'newer', token: 'theirs' }));
    lock.release();
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).token).toBe('theirs');
  });

  it('releases after the job, also when it fails, and removes dead runs\' temps in and beside the folder', async () => {
    const dir = join(root, 'job');
    mkdirSync(dir, { recursive: true });
    const dead = deadPid();
    const deadTemps = [join(dir, `.state.${dead}.0a1b2c3d.tmp`), join(root, `job.partial-${dead}-k2x`), join(root, `.job.${dead}.deadbeef.tmp`)];
    const kept = [join(dir, `.state.${process.pid}.0a1b2c3d.tmp`), join(dir, 'notes.txt'), join(root, `other.partial-${dead}`)];
    for (const path of [...deadTemps, ...kept]) writeFileSync(path, 'x');
    const lines: string[] = [];
    await expect(withOutputLock(dir, () => { throw new Error('job failed'); }, { log: (line) => lines.push(line) })).rejects.toThrow('job failed');
    expect(existsSync(lockPathOf(dir))).toBe(false);
    for (const path of deadTemps) expect(existsSync(path), path).toBe(false);
    for (const path of kept) expect(existsSync(path), path).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/^removed 3 leftover temp file\(s\) of ended runs: /)]);
    expect(await withOutputLock(dir, () => 42, quiet)).toBe(42);
  });

  it('names the folder when the lock cannot be created (a file where a folder should be)', () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    expect(errorOf(() => acquireOutputLock(join(file, 'sub', 'out'), quiet)).message).toMatch(/plain-file is a file, not a folder/);
  });
});
