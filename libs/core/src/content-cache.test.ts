import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ContentCache, listCacheEntries, clearCache } from './content-cache.ts';

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
    expect(clearCache({ root, kind: 'features' })).toBe(2);
    expect(existsSync(a1)).toBe(false);
  });

  it('leaves no complete entry when the build fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-cache-'));
    const cache = new ContentCache('features', root);
    await expect(cache.getOrBuild({ model: 'x' }, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(cache.lookup({ model: 'x' })).toBeUndefined();
  });
});
