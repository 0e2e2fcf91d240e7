/**
 * The built CLI (apps/cli/scripts/build.mjs → dist/cli) and the bin that runs it: commands
 * load only what they use, a build older than its sources never runs, and workers start
 * from the build. Each test spawns `node apps/cli/bin/mgta.js` as a user would, against a
 * build in a folder of its own (MGTA_CLI_DIST), so that the real dist/cli is left alone.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { writeNpy } from '@mgta/features/npy';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'apps', 'cli', 'bin', 'mgta.js');
const BUILD = join(ROOT, 'apps', 'cli', 'scripts', 'build.mjs');
const VOC_CASE = '/work/shared/fixtures/voc-eval/case102';
/** Packages with native code (or tfjs's size) that a light command must not load. */
const HEAVY = /onnxruntime-node|@tensorflow\/|\/sharp\/|\/webgpu\/|\/vega/;

// Inside the repository (dist/ is ignored), so that the bundle's packages resolve from node_modules.
const dist = mkdtempSync(join(ROOT, 'dist', 'cli-test-'));
const scratch = join(dist, 'scratch');
const env = { ...process.env, MGTA_CLI_DIST: dist, MGTA_FROM_SOURCE: '', MGTA_NO_BUILD: '' };

interface Manifest { id: string; entry: string; inputs: Array<{ path: string; mtimeMs: number; size: number; sha256: string }> }
/** Others may edit the sources while this runs: then the bin rebuilds first and says so. */
const withoutRebuildNote = (stderr: string): string => stderr.replace(/^mgta: rebuilt .*\n/, '');
const manifest = (): Manifest => JSON.parse(readFileSync(join(dist, 'current.json'), 'utf8'));

/**
 * Runs the bin with a loader hook that records every module URL it resolves (in workers
 * too: they inherit --import); returns the run and those URLs.
 */
function mgta(args: string[], extraEnv: Record<string, string> = {}): SpawnSyncReturns<string> & { loaded: string[] } {
  const log = join(scratch, `loaded-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(join(scratch, 'record-loads.mjs')).href, BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...env, MGTA_LOAD_LOG: log, ...extraEnv }, timeout: 240_000,
  });
  const loaded = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return Object.assign(run, { loaded });
}

beforeAll(() => {
  mkdirSync(scratch, { recursive: true });
  // Also every `new Worker(url)`: a worker that drops --import (execArgv: []) still shows up.
  writeFileSync(join(scratch, 'record-loads.mjs'), [
    "import { register, syncBuiltinESMExports } from 'node:module';",
    "import { appendFileSync } from 'node:fs';",
    "import threads from 'node:worker_threads';",
    `register(${JSON.stringify(pathToFileURL(join(scratch, 'hooks.mjs')).href)});`,
    'const Worker = threads.Worker;',
    'threads.Worker = class extends Worker {',
    '  constructor(url, options) {',
    "    if (process.env.MGTA_LOAD_LOG) appendFileSync(process.env.MGTA_LOAD_LOG, `worker ${String(url)}\\n`);",
    '    super(url, options);',
    '  }',
    '};',
    'syncBuiltinESMExports();',
  ].join('\n'));
  writeFileSync(join(scratch, 'hooks.mjs'), [
    "import { appendFileSync } from 'node:fs';",
    'export async function resolve(specifier, context, next) {',
    '  const result = await next(specifier, context);',
    "  if (process.env.MGTA_LOAD_LOG) appendFileSync(process.env.MGTA_LOAD_LOG, result.url + '\\n');",
    '  return result;',
    '}',
  ].join('\n'));
  const built = spawnSync(process.execPath, [BUILD], { cwd: ROOT, encoding: 'utf8', env, timeout: 240_000 });
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
}, 300_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('the built mgta CLI', { timeout: 300_000 }, () => {
  it('records every bundled source as an input, the worker modules included', () => {
    const inputs = manifest().inputs.map((input) => input.path);
    for (const file of ['apps/cli/src/main.ts', 'apps/eval/src/commands.ts', 'libs/core/src/index.ts', 'libs/svm/src/fit-worker.ts', 'libs/pretrain/src/kmeans/kernel-worker.ts', 'apps/cli/scripts/build.mjs']) {
      expect(inputs).toContain(file);
    }
    for (const input of manifest().inputs) expect(existsSync(join(ROOT, input.path)), input.path).toBe(true);
  });

  it("statically imports no package with native code: the entry's import graph holds only Node built-ins", () => {
    const externals = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const match of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']/gm)) {
        if (match[1].startsWith('.')) visit(join(dirname(file), match[1]));
        else externals.add(match[1]);
      }
    };
    visit(join(dist, manifest().entry));
    expect([...externals].filter((name) => !name.startsWith('node:'))).toEqual([]);
  });

  it('answers --help from the build without loading onnxruntime-node, tfjs, sharp or webgpu', () => {
    const run = mgta(['--help']);
    expect(run.status).toBe(0);
    expect(withoutRebuildNote(run.stderr)).toBe('');
    expect(run.stdout).toMatch(/^Usage: mgta \[options\] \[command\]/);
    expect(run.loaded.some((url) => url.startsWith(pathToFileURL(join(dist, 'builds')).href))).toBe(true);
    expect(run.loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('runs eval-det, eval-cls, svm-voc and check-voc without tfjs or ONNX Runtime', () => {
    for (const command of ['eval-det', 'eval-cls']) {
      const run = mgta([command, '--devkit', join(VOC_CASE, 'VOCdevkit'), '--results', join(VOC_CASE, 'results')]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/\nmean /);
      expect(run.loaded.filter((url) => HEAVY.test(url))).toEqual([]);
    }
    // Both load their whole implementation before failing on the missing devkit.
    const svm = mgta(['svm-voc', '--devkit', join(scratch, 'none'), '--train', 'a.npy', '--test', 'b.npy']);
    expect(svm.status).toBe(1);
    expect(svm.loaded.some((url) => /\/svm-voc-[\w]+\.js$/.test(url))).toBe(true);
    expect(svm.loaded.filter((url) => HEAVY.test(url))).toEqual([]);
    const check = mgta(['check-voc', '--devkit', join(scratch, 'none')]);
    expect(check.status).toBe(1);
    expect(check.loaded.filter((url) => /onnxruntime-node|@tensorflow\//.test(url))).toEqual([]);
  });

  it('prints the same help as the sources do', () => {
    for (const args of [['--help'], ['det', 'train', '--help'], ['svm-voc', '--help'], ['nosuch']]) {
      const built = mgta(args);
      const source = mgta(args, { MGTA_FROM_SOURCE: '1' });
      expect(built.stdout).toBe(source.stdout);
      expect(withoutRebuildNote(built.stderr)).toBe(source.stderr);
      expect(built.status).toBe(source.status);
    }
  });

  it('starts the SVM workers from the build', () => {
    const root = join(scratch, 'svm');
    const main = join(root, 'VOC2007', 'ImageSets', 'Main');
    mkdirSync(main, { recursive: true });
    writeFileSync(join(root, 'VOC2007', 'classes.txt'), 'cat\ndog\n');
    const random = new Random(3);
    const d = 8;
    for (const [split, n] of [['trainval', 60], ['test', 40]] as const) {
      const ids = Array.from({ length: n }, (_, i) => `${split === 'test' ? 1 : 0}${String(i).padStart(5, '0')}`);
      writeFileSync(join(main, `${split}.txt`), ids.join('\n') + '\n');
      const data = new Float32Array(n * d);
      for (const [c, cls] of ['cat', 'dog'].entries()) {
        const labels = ids.map((_, i) => (random.next() < 0.4 ? 1 : -1));
        labels.forEach((label, i) => { if (label === 1) data[i * d + c] += 2; });
        writeFileSync(join(main, `${cls}_${split}.txt`), ids.map((id, i) => `${id} ${String(labels[i]).padStart(2)}`).join('\n') + '\n');
      }
      for (let i = 0; i < data.length; i++) data[i] += Math.abs(random.normal()) * 0.5;
      writeNpy(join(root, `${split}.npy`), { dtype: 'float32', rows: n, cols: d, data });
      writeFileSync(join(root, `${split}.json`), JSON.stringify({ ids }));
    }
    const run = mgta(['svm-voc', '--devkit', root, '--train', join(root, 'trainval.npy'), '--test', join(root, 'test.npy'), '--costs', '0.1,1', '--threads', '2']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\ncat .*\ndog .*\nmean .*\n\(.*2 threads/);
    const workers = run.loaded.filter((line) => line.startsWith('worker ')).map((line) => line.slice('worker '.length));
    expect(workers.length).toBe(2);
    for (const url of workers) expect(url).toMatch(new RegExp(`^${pathToFileURL(join(dist, 'builds')).href}/\\w+/worker-fit-worker\\.js$`));
  });

  describe('a build older than its sources', () => {
    // A stand-in build whose only input is a file of this test's own, so that the others
    // editing this tree meanwhile cannot make it stale.
    const input = join(scratch, 'input.ts');
    const marker = 'THE STALE BUILD RAN';
    const plant = () => {
      const real = manifest();
      writeFileSync(input, 'export const version = 1;\n');
      const stats = { mtimeMs: 1_600_000_000_000, size: readFileSync(input).length };
      utimesSync(input, stats.mtimeMs / 1000, stats.mtimeMs / 1000);
      mkdirSync(join(dist, 'builds', 'planted'), { recursive: true });
      writeFileSync(join(dist, 'builds', 'planted', 'package.json'), '{ "type": "module" }\n');
      writeFileSync(join(dist, 'builds', 'planted', 'main.js'), `export async function main() { process.stdout.write(${JSON.stringify(`${marker}\n`)}); return 0; }\n`);
      const planted = { ...real, id: 'planted', entry: 'builds/planted/main.js', inputs: [{ path: relative(ROOT, input), ...stats, sha256: createHash('sha256').update(readFileSync(input)).digest('hex') }] };
      writeFileSync(join(dist, 'current.json'), JSON.stringify(planted));
    };

    it('runs while its inputs are unchanged, and after a touch that leaves the content as it was', () => {
      plant();
      expect(mgta(['--help']).stdout).toBe(`${marker}\n`);
      utimesSync(input, new Date(), new Date());
      expect(mgta(['--help']).stdout).toBe(`${marker}\n`);
    });

    it('is not run once an input changed: it is rebuilt, or with MGTA_NO_BUILD=1 the sources run', () => {
      plant();
      appendFileSync(input, 'export const edited = true;\n');
      const bypassed = mgta(['--help'], { MGTA_NO_BUILD: '1' });
      expect(bypassed.stdout).not.toContain(marker);
      expect(bypassed.stdout).toMatch(/^Usage: mgta /);
      expect(bypassed.stderr).toMatch(/is out of date \(.*input\.ts changed\); running the sources through tsx\n$/);
      expect(bypassed.loaded.some((url) => url.endsWith('/apps/cli/src/main.ts'))).toBe(true);

      const rebuilt = mgta(['--help']);
      expect(rebuilt.stdout).not.toContain(marker);
      expect(rebuilt.stdout).toMatch(/^Usage: mgta /);
      expect(rebuilt.stderr).toMatch(/^mgta: rebuilt .* \(.*input\.ts changed\)\n$/);
      expect(manifest().id).not.toBe('planted');
      // The new build is current: the next run uses it without a word.
      const next = mgta(['--help']);
      expect(next.stderr).toBe('');
      expect(next.loaded.some((url) => url.startsWith(pathToFileURL(join(dist, 'builds', manifest().id)).href))).toBe(true);
    });

    it('is not run when an input is gone', () => {
      plant();
      rmSync(input);
      const run = mgta(['--help'], { MGTA_NO_BUILD: '1' });
      expect(run.stdout).not.toContain(marker);
      expect(run.stderr).toMatch(/input\.ts is gone/);
    });
  });
});
