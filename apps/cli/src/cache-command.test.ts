import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { ContentCache } from '@mgta/core';
import { deadPid } from '@mgta/core/testing';
import { registerCacheCommands } from './cache-command.ts';

async function mgta(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
  try {
    const program = new Command('mgta').exitOverride();
    registerCacheCommands(program);
    await program.parseAsync(args, { from: 'user' });
  } finally {
    log.mockRestore();
  }
  return lines;
}

afterEach(() => { delete process.env.MGTA_CACHE_DIR; });

describe('mgta cache', () => {
  it('ls shows work and partial folders with their sizes; clear removes them', async () => {
    process.env.MGTA_CACHE_DIR = mkdtempSync(join(tmpdir(), 'mgta-cache-cmd-'));
    const cache = new ContentCache('features');
    writeFileSync(join(cache.workDirOf({ model: 'a' }), 'chunk.npy'), Buffer.alloc(3 * 2 ** 20));
    const pid = deadPid();
    const partial = `${cache.dirOf({ model: 'b' })}.partial-${pid}`;
    mkdirSync(partial);

    const listed = await mgta('cache', 'ls');
    expect(listed).toEqual(expect.arrayContaining([
      `features/${cache.keyOf({ model: 'a' })}  3.0 MiB  work  resumable work`,
      `features/${cache.keyOf({ model: 'b' })}  0.0 MiB  partial  build by pid ${pid} (ended: unfinished)`,
    ]));
    expect(await mgta('cache', 'clear')).toEqual([`removed 0 cache entries and 2 work/partial folders from ${process.env.MGTA_CACHE_DIR}`]);
    expect(existsSync(partial)).toBe(false);
    expect(await mgta('cache', 'ls')).toEqual([`no cache entries under ${process.env.MGTA_CACHE_DIR}`]);
  });
});
