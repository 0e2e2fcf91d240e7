import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ContentCache } from './content-cache.ts';
import { clearCache, listCacheEntries, listCacheLeftovers } from './cache-inventory.ts';
import { deadPid } from './lock-holder.ts';

describe('cache inventory', () => {
  it('lists work and partial folders with their sizes; clear removes them unless a live process holds them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-cache-inv-'));
    const cache = new ContentCache('features', root);
    await cache.getOrBuild({ model: 'done' }, async (dir) => writeFileSync(join(dir, 'f.npy'), 'x'));
    const work = cache.workDirOf({ model: 'resumable' });
    writeFileSync(join(work, 'chunk64-000000.npy'), Buffer.alloc(1000));
    const deadPartial = `${cache.dirOf({ model: 'killed' })}.partial-${deadPid()}`;
    mkdirSync(deadPartial);
    writeFileSync(join(deadPartial, 'x'), Buffer.alloc(10));
    // A build in progress (the parent process stands in for a live builder): its partial and its work.
    const building = { model: 'building' };
    const livePartial = `${cache.dirOf(building)}.partial-${process.ppid}`;
    mkdirSync(livePartial);
    const liveWork = cache.workDirOf(building);

    const leftovers = listCacheLeftovers(root);
    const byDir = Object.fromEntries(leftovers.map((l) => [l.dir, l]));
    expect(leftovers).toHaveLength(4);
    expect(byDir[work]).toMatchObject({ kind: 'features', key: cache.keyOf({ model: 'resumable' }), type: 'work', live: false, bytes: 1000 });
    expect(byDir[deadPartial]).toMatchObject({ type: 'partial', live: false, bytes: 10 });
    expect(byDir[livePartial]).toMatchObject({ type: 'partial', pid: process.ppid, live: true });
    expect(byDir[liveWork]).toMatchObject({ type: 'work', live: true });

    const result = clearCache({ root });
    expect(result).toMatchObject({ entries: 1, leftovers: 2 });
    expect(result.kept.map((l) => l.dir).sort()).toEqual([livePartial, liveWork].sort());
    expect([work, deadPartial].map(existsSync)).toEqual([false, false]);
    expect([livePartial, liveWork].map(existsSync)).toEqual([true, true]);
    expect(listCacheEntries(root)).toEqual([]);
  });
});
