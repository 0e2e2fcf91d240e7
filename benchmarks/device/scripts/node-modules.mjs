#!/usr/bin/env node
/**
 * Copies what the bundled check loads at run time from this repository's node_modules into a
 * staging folder, one group per packed part, pruned to Linux x64 and to the files Node loads:
 *
 *   node benchmarks/device/scripts/node-modules.mjs <stage dir>
 *     → <stage>/<group>/node_modules/...  for each group (onnxruntime, dawn, tfjs)
 *
 * The roots are the bundle's externals (bundle.mjs EXTERNAL); each brings its `dependencies`,
 * less SKIPPED. KEEP narrows the big packages to the files they load; every other package loses
 * only source maps, type declarations and docs. What is missing shows up in the CPU rehearsal
 * (`check.sh --cpu`), which runs from these files alone.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTERNAL, ROOT } from './bundle.mjs';

/** Which packed part each root's closure goes to (the parts pack.sh reports sizes for). */
export const GROUPS = {
  onnxruntime: ['onnxruntime-node'],
  dawn: ['webgpu'],
  tfjs: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'],
};

/** Dependencies that nothing the check runs loads. */
const SKIPPED = new Set([
  'argparse', 'chalk', 'core-js', 'regenerator-runtime', 'yargs', // @tensorflow/tfjs: its converter CLI
  'adm-zip', 'global-agent', // onnxruntime-node: its install script
  'debug', // webgpu: its build scripts
]);
const isTypesOnly = (name) => name.startsWith('@types/') || name === '@webgpu/types';

const license = (path) => /^(LICEN[CS]E|COPYING|NOTICE)/i.test(path.split('/').pop());
/** Per package: the files to keep (paths relative to the package, '/'-separated). */
const KEEP = {
  'onnxruntime-node': (p) => p === 'package.json' || license(p) || /^dist\/[^/]+\.js$/.test(p) || p.startsWith('bin/napi-v6/linux/x64/'),
  webgpu: (p) => p === 'package.json' || p === 'index.js' || license(p) || p === 'dist/linux-x64/dawn.node',
  // tfjs packages: the CommonJS Node bundle their `main` names, nothing else (no ESM tree, no browser bundles)
  '@tensorflow/tfjs-backend-wasm': (p) => tfjsKeep(p) || /^dist\/[^/]+\.wasm$/.test(p) || /^wasm-out\/[^/]+\.js$/.test(p),
};
const tfjsKeep = (p) => p === 'package.json' || license(p) || /^dist\/tf[-.a-z]*\.node\.js$/.test(p);
const DEFAULT_KEEP = (p) => !/\.(map|d\.ts|d\.mts|d\.cts|md|markdown|ts)$/i.test(p) && !/(^|\/)(test|tests|coverage|docs|example|examples|\.github)\//.test(p);

function keepRule(name) {
  return KEEP[name] ?? (name.startsWith('@tensorflow/') ? tfjsKeep : DEFAULT_KEEP);
}

/**
 * Folder of `name` as Node looks for it from `fromDir`: node_modules/<name> there or in a parent.
 * (Not require.resolve('<name>/package.json'): an `exports` map may hide package.json.)
 */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (looked up from ${fromDir}); run npm ci`);
  }
}

/** Every package the roots need, each once, with the group that first reached it. */
export function closure(groups = GROUPS, root = ROOT) {
  const found = new Map(); // name -> { dir, group }
  for (const [group, roots] of Object.entries(groups)) {
    const queue = roots.map((name) => ({ name, from: root }));
    while (queue.length > 0) {
      const { name, from } = queue.shift();
      if (found.has(name) || SKIPPED.has(name) || isTypesOnly(name)) continue;
      const dir = packageDir(name, from);
      found.set(name, { dir, group });
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir });
    }
  }
  return found;
}

function listFiles(dir, base = dir) {
  const out = [];
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name);
    if (dirent.isDirectory()) {
      if (dirent.name !== 'node_modules') out.push(...listFiles(path, base));
    } else if (dirent.isFile()) {
      out.push(relative(base, path).split(sep).join('/'));
    }
  }
  return out;
}

/** Copies the kept files; returns { group: { packages, files, bytes } }. */
export function stage(stageDir, packages = closure()) {
  rmSync(stageDir, { recursive: true, force: true });
  const report = {};
  for (const [name, { dir, group }] of packages) {
    const keep = keepRule(name);
    const target = join(stageDir, group, 'node_modules', name);
    const entry = (report[group] ??= { packages: [], files: 0, bytes: 0 });
    entry.packages.push(name);
    for (const file of listFiles(dir).filter(keep)) {
      mkdirSync(dirname(join(target, file)), { recursive: true });
      cpSync(join(dir, file), join(target, file));
      entry.files++;
      entry.bytes += statSync(join(dir, file)).size;
    }
    if (!existsSync(join(target, 'package.json'))) throw new Error(`${name}: package.json was pruned`);
  }
  return report;
}

/** The roots must be exactly the bundle's externals: a new external needs a group here. */
export function checkGroups() {
  const grouped = Object.values(GROUPS).flat().sort();
  const external = [...EXTERNAL].sort();
  if (JSON.stringify(grouped) !== JSON.stringify(external)) throw new Error(`GROUPS roots ${grouped.join(', ')} differ from bundle.mjs EXTERNAL ${external.join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  checkGroups();
  const stageDir = resolve(process.argv[2] ?? join(ROOT, 'tmp', 'device-stage'));
  const report = stage(stageDir);
  for (const [group, r] of Object.entries(report)) {
    process.stdout.write(`${group}: ${r.packages.length} packages, ${r.files} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB before compression (${r.packages.join(', ')})\n`);
  }
}
