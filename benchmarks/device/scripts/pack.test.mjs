/**
 * pack.sh's helpers, without packing anything (no network, no GPU, no .device needed): the size
 * accounting, the package closure that travels, and a bundle whose only bare imports are the
 * packed packages.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle, EXTERNAL } from './bundle.mjs';
import { checkGroups, closure } from './node-modules.mjs';
import { budget, formatBudget, LIMIT_BYTES, sizeOf, treeBytes } from './travel-size.mjs';

const temp = mkdtempSync(join(tmpdir(), 'mgta-pack-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('travel-size', () => {
  it('adds the tree and every carried part, and says when the total is over 64 MiB', () => {
    const MiB = 2 ** 20;
    const fits = budget({ tracked: 11 * MiB, untracked: 0 }, [{ name: '.device/node.xz', bytes: 23 * MiB }]);
    expect(fits).toMatchObject({ total: 34 * MiB, limit: LIMIT_BYTES, fits: true });
    const over = budget({ tracked: 11 * MiB, untracked: 1 * MiB }, [{ name: 'a', bytes: 40 * MiB }, { name: 'b', bytes: 12.5 * MiB }]);
    expect(over.fits).toBe(false);
    expect(formatBudget(over)).toMatch(/OVER the 64\.00 MiB limit \(0\.50 MiB too much\)/);
    expect(formatBudget(fits)).toMatch(/^total +34\.00 MiB$/m);
  });

  it('counts tracked and untracked-not-ignored files, not ignored ones', () => {
    const repo = join(temp, 'repo');
    mkdirSync(join(repo, '.device'), { recursive: true });
    const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    writeFileSync(join(repo, '.gitignore'), '/.device/\n');
    writeFileSync(join(repo, 'tracked.txt'), 'x'.repeat(1000));
    git('add', '.gitignore', 'tracked.txt');
    writeFileSync(join(repo, 'untracked.txt'), 'y'.repeat(300));
    writeFileSync(join(repo, '.device', 'big.bin'), 'z'.repeat(5000));
    expect(treeBytes(repo)).toEqual({ tracked: 1000 + 10, untracked: 300 });
    expect(sizeOf(join(repo, '.device'))).toBe(5000);
  });
});

describe('node-modules', () => {
  it('packs a closure rooted at exactly the bundle\'s externals', () => {
    expect(() => checkGroups()).not.toThrow();
    const packages = closure();
    for (const name of EXTERNAL) expect(packages.has(name)).toBe(true);
    expect(packages.get('onnxruntime-common').group).toBe('onnxruntime');
    // the tfjs CLI's and ORT's installer's dependencies stay behind, and no type packages
    for (const name of ['yargs', 'core-js', 'adm-zip', '@types/long', '@webgpu/types']) expect(packages.has(name)).toBe(false);
  });
});

describe('bundle', () => {
  it('leaves only node built-ins and the packed packages to resolve at run time', async () => {
    const out = join(temp, 'bundle');
    const metafile = await bundle(out);
    const bare = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const builtin = (name) => name.startsWith('node:') || builtinModules.includes(name);
    expect([...bare].filter((name) => !builtin(name)).sort()).toEqual([...EXTERNAL].sort());
    // the k-means workers are a built entry beside the chunks, not a tsx-registering .mjs
    expect(readdirSync(out)).toContain('worker-kernel-worker.js');
  }, 60_000);
});
