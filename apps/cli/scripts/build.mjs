#!/usr/bin/env node
/**
 * Builds the mgta CLI into plain JavaScript, so that `mgta` does not compile TypeScript at
 * every start:
 *
 *   node apps/cli/scripts/build.mjs            build unless the current build is up to date
 *   node apps/cli/scripts/build.mjs --force    build again
 *   (also `npx nx run cli:build`, and `npm ci` through the root `prepare` script)
 *
 * One esbuild bundle of apps/cli/src/main.ts and the workspace code it reaches (every
 * `@mgta/*` package), ESM for Node 20, code-split so that each command's
 * `await import('./<impl>.ts')` stays a lazy chunk; every other package (tfjs,
 * onnxruntime-node, sharp, webgpu, commander, ...) stays external and loads from
 * node_modules as it does from source.
 *
 * Layout: dist/cli/builds/<id>/main.js (+ chunks and worker entries), and
 * dist/cli/current.json naming the current build and every input it was built from, with
 * its mtime, size and sha256. apps/cli/bin/mgta.js runs the current build only while every
 * input still has that mtime and size (or, if not, the same content); otherwise it rebuilds
 * (or, if that fails, runs the sources through tsx). Builds are written to a temporary folder
 * and renamed into place, and current.json is replaced atomically, so concurrent `mgta`
 * processes never see a half-written build; a build folder stays while it is current or was
 * used in the last two days (a long run may still import chunks from it).
 *
 * Two things change in the bundled code, so that it behaves as the sources do:
 *   - `import.meta.url` in a bundled module is that module's source URL, so files found
 *     relative to the source (benchmarks/presets, libs/fashion-mnist/data, the bin that
 *     `pretrain all` spawns) are found from the build too.
 *   - `new Worker(new URL('./x-entry.js', import.meta.url))`, where x-entry.js is a
 *     tsx-registering entry that imports './x.ts', starts a built entry of x.ts instead.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * esbuild settings of a split ESM bundle for Node 20: entries keep their names beside hashed
 * chunks, and a banner gives the CommonJS inside bundled packages a `require` for Node's
 * built-ins. Shared with the GPU check's bundle (benchmarks/device/scripts/bundle.mjs).
 */
export const NODE_ESM_BUNDLE = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  banner: { js: "import { createRequire as __mgtaCreateRequire } from 'node:module'; const require = __mgtaCreateRequire(import.meta.url);" },
};

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** MGTA_CLI_DIST (tests): another folder, which must lie inside the repository so that packages resolve from it. */
export const DIST = process.env.MGTA_CLI_DIST ? resolve(process.env.MGTA_CLI_DIST) : join(ROOT, 'dist', 'cli');
const BUILDS = join(DIST, 'builds');
const MANIFEST = join(DIST, 'current.json');
const LOCK = join(DIST, '.build-lock');
const ENTRY = 'apps/cli/src/main.ts';
/** Bump when the layout of dist/cli or of current.json changes. */
const FORMAT = 1;
/** A build that is not current is removed once unused for this long. */
const KEEP_UNUSED_MS = 2 * 24 * 3600 * 1000;

/** Files that shape the bundle without being bundled themselves. */
function extraInputs() {
  const files = [
    'apps/cli/scripts/build.mjs',
    'tsconfig.json',
    'tsconfig.base.json',
    'node_modules/esbuild/package.json',
    'benchmarks/package.json',
  ];
  for (const group of ['apps', 'libs']) {
    for (const name of readdirSync(join(ROOT, group))) {
      if (existsSync(join(ROOT, group, name, 'package.json'))) files.push(`${group}/${name}/package.json`);
    }
  }
  return files.filter((file) => existsSync(join(ROOT, file)));
}

/**
 * Third-party packages bundled into the build: pure JavaScript, loaded by most commands, and
 * made of many small files that cost more to load one by one than to parse at once. Bundling
 * them takes `mgta --help` from ~0.3 s to ~0.2 s. Everything else (tfjs, onnxruntime-node,
 * sharp, webgpu, vega, ...) stays external: native code, or too big to load when not used.
 */
const BUNDLED_PACKAGES = new Set(['commander', 'cli-progress', 'fast-xml-parser']);
const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const toPosix = (path) => path.split(sep).join('/');

/** stat first, then read: if the file changes in between, its recorded mtime is already stale. */
function snapshot(file) {
  const stats = statSync(file);
  const bytes = readFileSync(file);
  return { stats, bytes, entry: { path: toPosix(relative(ROOT, file)), mtimeMs: stats.mtimeMs, size: stats.size, sha256: sha256(bytes) } };
}

const WORKER_PATTERN = /new\s+Worker\(\s*new\s+URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const TSX_ENTRY_PATTERN = /from\s+['"]tsx\/esm\/api['"][\s\S]*await\s+import\(\s*['"](\.{1,2}\/[^'"]+\.ts)['"]\s*\)/;

/**
 * The worker entries the sources start with `new Worker(new URL('./x-entry.js', import.meta.url))`:
 * each tsx-registering entry file maps to the TypeScript module it imports, built as an
 * entry point of its own.
 */
function findWorkers() {
  const workers = new Map(); // absolute entry file -> { name, module }
  const scan = (dir) => {
    for (const dirent of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, dirent.name);
      if (dirent.isDirectory()) {
        if (dirent.name !== 'node_modules' && !dirent.name.startsWith('.')) scan(path);
      } else if (/\.ts$/.test(dirent.name) && !/\.test\.ts$/.test(dirent.name)) {
        const text = readFileSync(path, 'utf8');
        for (const match of text.matchAll(WORKER_PATTERN)) {
          const entry = resolve(dirname(path), match[2]);
          if (workers.has(entry) || !existsSync(entry)) continue;
          const target = TSX_ENTRY_PATTERN.exec(readFileSync(entry, 'utf8'));
          if (!target) continue; // not a tsx entry: it runs as it is, found through its source URL
          const module = resolve(dirname(entry), target[1]);
          const base = module.split(sep).pop().replace(/\.ts$/, '');
          let name = `worker-${base}`;
          for (let n = 2; [...workers.values()].some((w) => w.name === name); n++) name = `worker-${base}-${n}`;
          workers.set(entry, { name, module });
        }
      }
    }
  };
  for (const group of ['apps', 'libs', 'benchmarks']) if (existsSync(join(ROOT, group))) scan(join(ROOT, group));
  return workers;
}

/**
 * Reads the current build's manifest; returns why it cannot be used, or null if it can:
 * every input has its recorded mtime and size, or else its recorded content.
 */
export function staleReason(manifest = readManifest()) {
  if (manifest === undefined) return 'no build yet';
  if (manifest.format !== FORMAT) return 'the build layout changed';
  if (!existsSync(join(DIST, manifest.entry))) return `${manifest.entry} is missing`;
  let touched = false;
  for (const input of manifest.inputs) {
    const stats = statSync(join(ROOT, input.path), { throwIfNoEntry: false });
    if (stats === undefined) return `${input.path} is gone`;
    if (stats.mtimeMs === input.mtimeMs && stats.size === input.size) continue;
    if (stats.size !== input.size || sha256(readFileSync(join(ROOT, input.path))) !== input.sha256) return `${input.path} changed`;
    // Same content, another mtime (a checkout, a restored Nx cache): record it, so that the
    // next run need not read the file again.
    input.mtimeMs = stats.mtimeMs;
    touched = true;
  }
  if (touched) {
    try {
      writeAtomic(MANIFEST, `${JSON.stringify(manifest)}\n`);
    } catch {
      // read-only checkout: the content check simply runs again next time
    }
  }
  return null;
}

export function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeAtomic(file, text) {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/**
 * Builds into dist/cli/builds/<id> and makes it current. Returns { entry, id, ms, reused }.
 * Throws on a compile error (message: esbuild's, with file and line).
 */
export async function build({ force = false } = {}) {
  const started = performance.now();
  const current = () => {
    const manifest = readManifest();
    return { entry: join(DIST, manifest.entry), id: manifest.id, ms: performance.now() - started, reused: true };
  };
  if (!force && staleReason() === null) return current();
  // One build at a time: processes started together after an edit wait for the first one's.
  return withBuildLock(() => (!force && staleReason() === null ? current() : buildNow(started)));
}

async function withBuildLock(run) {
  mkdirSync(DIST, { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    try {
      // A build takes seconds: a lock this old was left by a builder that died.
      if (Date.now() - statSync(LOCK).mtimeMs > 60_000) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    if (Date.now() > deadline) throw new Error(`${relative(ROOT, LOCK)} has been held for 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await run();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

async function buildNow(started) {
  const esbuild = await import('esbuild');
  mkdirSync(BUILDS, { recursive: true });
  const temp = join(BUILDS, `.tmp-${process.pid}-${Date.now().toString(36)}`);
  const inputs = new Map();
  const workers = findWorkers();
  const entryPoints = { main: join(ROOT, ENTRY) };
  for (const { name, module } of workers.values()) entryPoints[name] = module;

  // Source URLs are written relative to the build folder (dist/cli/builds/<id>/, the same depth as `temp`).
  const sourceUrl = (file) => `new URL(${JSON.stringify(toPosix(relative(temp, file)))}, import.meta.url).href`;
  const plugin = {
    name: 'mgta-cli',
    setup(b) {
      // Workspace packages are bundled, and the few small pure-JS packages every command
      // loads (with what they import); every other package is left to Node at run time.
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const fromBundledPackage = args.importer.includes(`${sep}node_modules${sep}`);
        if (args.path.startsWith('@mgta/') || BUNDLED_PACKAGES.has(packageName(args.path)) || fromBundledPackage) return undefined;
        return { path: args.path, external: true };
      });
      b.onLoad({ filter: /\.(ts|mts|js|mjs|json)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const { bytes, entry } = snapshot(args.path);
        inputs.set(entry.path, entry);
        const loader = args.path.endsWith('.json') ? 'json' : /\.m?ts$/.test(args.path) ? 'ts' : 'js';
        let text = bytes.toString('utf8');
        if (loader === 'json' || !text.includes('import.meta')) return { contents: text, loader };
        const other = /\bimport\.meta\.(?!url\b)\w+/.exec(text);
        if (other) throw new Error(`${entry.path}: ${other[0]} is not supported in the built CLI (only import.meta.url)`);
        // The built worker entry lies beside the chunk that starts it: that one keeps the chunk's URL.
        const chunkUrl = '__mgtaChunkUrl__';
        text = text.replace(WORKER_PATTERN, (match, quote, spec) => {
          const worker = workers.get(resolve(dirname(args.path), spec));
          return worker ? `new Worker(new URL('./${worker.name}.js', ${chunkUrl})` : match;
        });
        // Every other use is the module's own source URL, declared on the first line so that
        // line numbers stay as they are.
        const local = '__mgtaSourceUrl';
        text = text.replace(/\bimport\.meta\.url\b/g, local).replaceAll(chunkUrl, 'import.meta.url');
        text = `const ${local} = ${sourceUrl(args.path)}; ${text}`;
        return { contents: text, loader };
      });
    },
  };

  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints,
      outdir: temp,
      ...NODE_ESM_BUNDLE,
      sourcemap: 'linked',
      keepNames: true,
      metafile: true,
      logLevel: 'silent',
      plugins: [plugin],
    });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    const first = error.errors?.[0];
    if (first?.location) throw new Error(`${first.location.file}:${first.location.line}:${first.location.column}: ${first.text}`);
    throw error;
  }
  // A bundled package's version is part of the build: its package.json is an input.
  const bundledManifests = new Set();
  for (const file of Object.keys(result.metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/@][^/]*)\//.exec(toPosix(file));
    if (match) bundledManifests.add(`${match[1]}/package.json`);
  }
  for (const file of [...extraInputs(), ...bundledManifests]) {
    const { entry } = snapshot(join(ROOT, file));
    inputs.set(entry.path, entry);
  }
  const sorted = [...inputs.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const id = sha256(JSON.stringify([FORMAT, sorted.map((input) => [input.path, input.sha256])])).slice(0, 16);
  writeFileSync(join(temp, 'package.json'), '{ "type": "module" }\n');
  const dir = join(BUILDS, id);
  if (existsSync(join(dir, 'main.js'))) {
    rmSync(temp, { recursive: true, force: true }); // built already (by another process, or before)
  } else {
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(temp, dir);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(join(dir, 'main.js'))) throw error;
    }
  }
  const manifest = {
    format: FORMAT,
    id,
    entry: `builds/${id}/main.js`,
    builtAt: new Date().toISOString(),
    esbuild: esbuild.version,
    inputs: sorted,
  };
  writeAtomic(MANIFEST, `${JSON.stringify(manifest)}\n`);
  markUsed(dir);
  removeOldBuilds(id);
  return { entry: join(dir, 'main.js'), id, ms: performance.now() - started, reused: false };
}

/** A build folder's mtime records its last use, for removeOldBuilds. */
export function markUsed(dir) {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // read-only checkout: nothing to record
  }
}

function removeOldBuilds(currentId) {
  const now = Date.now();
  for (const name of readdirSync(BUILDS)) {
    if (name === currentId) continue;
    const path = join(BUILDS, name);
    try {
      const age = now - statSync(path).mtimeMs;
      if (name.startsWith('.tmp-') ? age > 3600 * 1000 : age > KEEP_UNUSED_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

async function cli(argv) {
  const force = argv.includes('--force');
  const ifPossible = argv.includes('--if-possible');
  try {
    const { id, ms, reused } = await build({ force });
    process.stdout.write(`${reused ? 'up to date' : 'built'}: ${relative(ROOT, join(BUILDS, id))} (${(ms / 1000).toFixed(2)} s)\n`);
  } catch (error) {
    process.stderr.write(`mgta build failed: ${error.message}\n`);
    // --if-possible (npm's prepare): a failed build must not fail `npm ci`; the bin runs the sources instead.
    process.exitCode = ifPossible ? 0 : 1;
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) await cli(process.argv.slice(2));
