#!/usr/bin/env node
/**
 * Bundles the device check (benchmarks/device/src/check.ts) into plain JavaScript for a machine
 * that has Node.js but no tsx, no registry and no repository node_modules:
 *
 *   node benchmarks/device/scripts/bundle.mjs <outdir>
 *
 * Everything is bundled (the workspace libs and the pure-JavaScript packages they use) except
 * EXTERNAL: packages with native code or files found at run time (wasm binaries, worker
 * scripts), and the tfjs family, which must stay ONE copy of tfjs-core that the wasm and webgpu
 * back ends register into. Those travel as pruned node_modules (node-modules.mjs).
 *
 * As in the CLI build (apps/cli/scripts/build.mjs), a `new Worker(new URL('./x-entry.mjs',
 * import.meta.url))` whose entry registers tsx and imports './x.ts' becomes a built entry of
 * x.ts beside the chunks. Unlike it, import.meta.url stays the bundle's own URL: the bundle is
 * run from a folder outside the repository, where packages resolve from its own node_modules.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_ESM_BUNDLE } from '../../../apps/cli/scripts/build.mjs';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = 'benchmarks/device/src/check.ts';

/** Left to Node at run time; the packer copies these and what they need. */
export const EXTERNAL = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'onnxruntime-node', 'webgpu'];

/** Imported by libs the check reaches but never called by it: replaced by a module that says so. */
const STUBBED = ['sharp'];

const WORKER_PATTERN = /new\s+Worker\(\s*new\s+URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const TSX_ENTRY_PATTERN = /from\s+['"]tsx\/esm\/api['"][\s\S]*await\s+import\(\s*['"](\.{1,2}\/[^'"]+\.ts)['"]\s*\)/;

/** tsx-registering worker entries in libs/: entry file → { name, module }. */
function findWorkers() {
  const workers = new Map();
  const scan = (dir) => {
    for (const dirent of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, dirent.name);
      if (dirent.isDirectory()) {
        if (dirent.name !== 'node_modules' && !dirent.name.startsWith('.')) scan(path);
      } else if (dirent.name.endsWith('.ts') && !dirent.name.endsWith('.test.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(WORKER_PATTERN)) {
          const entry = resolve(dirname(path), match[2]);
          const target = existsSync(entry) && TSX_ENTRY_PATTERN.exec(readFileSync(entry, 'utf8'));
          if (!target || workers.has(entry)) continue;
          const module = resolve(dirname(entry), target[1]);
          workers.set(entry, { name: `worker-${module.split(sep).pop().replace(/\.ts$/, '')}`, module });
        }
      }
    }
  };
  scan(join(ROOT, 'libs'));
  return workers;
}

export async function bundle(outdir) {
  const workers = findWorkers();
  const entryPoints = { check: join(ROOT, ENTRY) };
  for (const { name, module } of workers.values()) entryPoints[name] = module;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const plugin = {
    name: 'mgta-device',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${STUBBED.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
        contents: `export default function unavailable() { throw new Error(${JSON.stringify(`${args.path} is not packed for the device check`)}); }`,
        loader: 'js',
      }));
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!WORKER_PATTERN.test(text)) return undefined;
        WORKER_PATTERN.lastIndex = 0;
        return {
          loader: 'ts',
          contents: text.replace(WORKER_PATTERN, (match, quote, spec) => {
            const worker = workers.get(resolve(dirname(args.path), spec));
            return worker ? `new Worker(new URL('./${worker.name}.js', import.meta.url)` : match;
          }),
        };
      });
    },
  };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir,
    ...NODE_ESM_BUNDLE,
    external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [plugin],
  });
  writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(ROOT, '.device', 'check'));
  const metafile = await bundle(outdir);
  const bytes = Object.values(metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  process.stdout.write(`bundled ${ENTRY} into ${outdir}: ${Object.keys(metafile.outputs).length} files, ${(bytes / 2 ** 20).toFixed(2)} MiB\n`);
}
