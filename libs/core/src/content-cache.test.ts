import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ContentCache } from './content-cache.ts';
import { clearCache, listCacheEntries } from './cache-inventory.ts';
import { deadPid } from './lock-holder.ts';
import { errorOf } from './testing.ts';

describe('ContentCache', () => {
  it('builds once per distinct inputs and never reuses an entry of other inputs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-cache-'));
    const cache = new ContentCache('features', root);
    let builds = 0;
    const build = (value: string) => async (dir: string) => {
      builds += 1;
      writeFileSync(join(dir, 'value.txt'), value);
    };
    const a1 = await cache.getOrBuild({ model: 'a' }, build('A'));
    const a2 = await cache.getOrBuild({ model: 'a' }, build('changed'));
    const b = await cache.getOrBuild({ model: 'b' }, build('B'));
    expect(builds).toBe(2);
    expect(a1).toBe(a2);
    expect(a1).not.toBe(b);
    expect(readFileSync(join(a1, 'value.txt'), 'utf8')).toBe('A');
    expect(readFileSync(join(b, 'value.txt'), 'utf8')).toBe('B');
    expect(listCacheEntries(root).map((e) => e.inputs.model).sort()).toEqual(['a', 'b']);
    expect(clearCache({ root, kind: 'features' })).toMatchObject({ entries: 2, leftovers: 0 });
    expect(existsSync(a1)).toBe(false);
  });

  it('leaves no complete entry, and no partial folder, when the build fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-cache-'));
    const cache = new ContentCache('features', root);
    await expect(cache.getOrBuild({ model: 'x' }, async (dir) => {
      writeFileSync(join(dir, 'half.npy'), 'x');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(cache.lookup({ model: 'x' })).toBeUndefined();
    expect(readdirSync(join(root, 'features'))).toEqual([]);
  });

  it('removes the partial folders of killed builds when the kind is next built in, not those of live ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-cache-'));
    const kindDir = join(root, 'features');
    const dead = join(kindDir, `0123456789abcdef0123456789abcdef.partial-${deadPid()}`);
    const live = join(kindDir, `fedcba9876543210fedcba9876543210.partial-${process.ppid}`);
    for (const dir of [dead, live]) mkdirSync(dir, { recursive: true });
    await new ContentCache('features', root).getOrBuild({ model: 'y' }, async () => undefined);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('names the cache folder and MGTA_CACHE_DIR when the root cannot be written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mgta-cache-')), 'not-a-folder');
    writeFileSync(file, 'x');
    const cache = new ContentCache('features', file);
    const error = errorOf(() => cache.workDirOf({ model: 'z' }));
    expect(error.message).toMatch(new RegExp(`^${cache.dirOf({ model: 'z' })}\\.work: ${file} is a file, not a folder.*point MGTA_CACHE_DIR at another folder$`));
  });
});
