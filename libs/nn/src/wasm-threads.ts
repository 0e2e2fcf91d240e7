/**
 * Makes tfjs-backend-wasm 4.22 run its threaded SIMD build in Node, with as many XNNPACK
 * threads as asked for. Out of the box it runs one thread in Node; the reasons, measured
 * in /work/shared/notes/tfjs-wasm-in-node.md ("Threads"), and what this file does about each:
 *
 * 1. The flag WASM_HAS_MULTITHREAD_SUPPORT is hard-coded false under Node: we set it true.
 * 2. The emscripten pthread worker script is handed to `new Worker()` as a `blob:` URL,
 *    which Node's worker_threads rejects: while the module initialises we make
 *    `URL.createObjectURL` return a real file holding the same worker script (written once
 *    to a cache directory, `.cjs` so Node loads it as CommonJS whatever package.json says).
 * 3. Inside the worker, the main emscripten script arrives as a Blob and is loaded through
 *    `importScripts` of a blob URL: the worker file we write rewrites that "load" message to
 *    name the package's own `wasm-out/tfjs-backend-wasm-threaded-simd.js` instead (the same
 *    build: its .wasm is byte-identical to the one in dist/).
 * 4. The C++ side uses at most half the logical cores it sees (`os.cpus().length / 2` in
 *    Node), so on 2 cores it picks 1 thread: while the backend is created we make
 *    `os.cpus()` report twice the requested thread count.
 *
 * Nothing under node_modules is edited; every patch is undone once `setBackend` returns.
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, renameSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

/** Folder of the wasm package's dist/ (where its .wasm binaries lie). */
export function wasmDistDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

function cacheDir(): string {
  return process.env.MGTA_CACHE_DIR
    ? path.join(process.env.MGTA_CACHE_DIR, 'nn')
    : path.join(os.tmpdir(), `mgta-nn-${process.getuid?.() ?? 'user'}`);
}

/**
 * Writes (once; the name carries a hash of the content) the pthread worker script: the
 * package's own worker, followed by a wrapper of its message handler that points the
 * "load" command at the real main script file.
 */
function writeWorkerFile(): string {
  const pkgDir = path.dirname(wasmDistDir());
  const mainScript = path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const workerModule = path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js');
  const { wasmWorkerContents } = require(workerModule) as { wasmWorkerContents: string };
  // The package keeps the script in a template string whose "\n" escapes became real
  // newlines inside string literals; escape them back, as the package itself does.
  const source =
    wasmWorkerContents.replace(/\n/g, '\\n') +
    '\n;(() => {\n' +
    '  const handle = self.onmessage;\n' +
    '  self.onmessage = (e) => {\n' +
    `    if (e.data && e.data.cmd === 'load') e.data.urlOrBlob = ${JSON.stringify(mainScript)};\n` +
    '    return handle(e);\n' +
    '  };\n' +
    '})();\n';
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = cacheDir();
  const file = path.join(dir, `tfjs-wasm-pthread-${hash}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Several test workers may race here: write aside, rename into place.
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      writeFileSync(temp, source);
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }
  return file;
}

/**
 * Initialises the wasm backend with `threads` XNNPACK threads (1 = the single-threaded
 * SIMD build, no workers). Returns the thread count the backend reports.
 */
export async function setWasmBackend(threads: number): Promise<number> {
  // Found by file path, not fetch: works the same under tsx and inside vitest workers.
  wasm.setWasmPaths(wasmDistDir() + path.sep);
  const multi = threads > 1;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', multi);
  wasm.setThreadsCount(threads);

  const originalCreateObjectURL = URL.createObjectURL;
  const originalCpus = os.cpus;
  if (multi) {
    const workerFile = writeWorkerFile();
    URL.createObjectURL = (obj: Blob | unknown) =>
      obj instanceof Blob && obj.type === 'application/javascript'
        ? workerFile
        : originalCreateObjectURL(obj as Blob);
    const real = originalCpus();
    os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  }
  try {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tf.setBackend("wasm") failed');
  } finally {
    URL.createObjectURL = originalCreateObjectURL;
    os.cpus = originalCpus;
  }
  return wasm.getThreadsCount();
}
