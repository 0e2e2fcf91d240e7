/**
 * Picks the tfjs backend, best available first: webgpu (Dawn), tensorflow (native, if
 * installed), wasm (threaded SIMD, really using the cores: see wasm-threads.ts), cpu.
 *
 * `--backend <name>` on the command line or MGTA_BACKEND in the environment force one (an
 * error if it cannot start); `prefer` only moves one to the front of the list. The choice
 * is logged once, one line to stderr.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { defaultThreads, gpuDeviceVisible, InputError } from '@mgta/core';
import { trySetWebGpuBackend } from './webgpu.ts';
import { trySetTensorflowBackend } from './tensorflow-native.ts';
import { setWasmBackend } from './wasm-threads.ts';
import { registerTrainingKernels } from './kernels/register.ts';

export const BACKEND_NAMES = ['webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface InitBackendOptions {
  /** Try this backend first (then the others, best first). */
  prefer?: BackendName;
  /** Threads for wasm (default: MGTA_THREADS, else all logical cores). */
  threads?: number;
  /** Log the choice to stderr (default true; only the first initialisation logs). */
  log?: boolean;
}

export interface BackendInfo {
  name: string;
  threads: number;
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

function parseName(value: string, source: string): BackendName {
  const name = value.trim().toLowerCase();
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new InputError(source, `unknown backend "${value}" (expected one of ${BACKEND_NAMES.join(', ')})`);
  }
  return name as BackendName;
}

/** The backend forced by `--backend X` / `--backend=X` or MGTA_BACKEND, if any. */
export function forcedBackend(argv: readonly string[] = process.argv, env = process.env): BackendName | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--backend' && i + 1 < argv.length) return parseName(argv[i + 1]!, '--backend');
    if (arg.startsWith('--backend=')) return parseName(arg.slice('--backend='.length), '--backend');
  }
  if (env.MGTA_BACKEND) return parseName(env.MGTA_BACKEND, 'MGTA_BACKEND');
  return undefined;
}

async function trySet(name: BackendName, threads: number): Promise<BackendInfo | null> {
  switch (name) {
    case 'webgpu':
      return (await trySetWebGpuBackend()) ? { name, threads: 1 } : null;
    case 'tensorflow':
      return (await trySetTensorflowBackend()) ? { name, threads: os.availableParallelism() } : null;
    case 'wasm': {
      try {
        const actual = await setWasmBackend(threads);
        registerTrainingKernels();
        return { name, threads: actual };
      } catch {
        return null;
      }
    }
    case 'cpu':
      return (await tf.setBackend('cpu')) ? { name, threads: 1 } : null;
  }
}

async function select(options: InitBackendOptions): Promise<BackendInfo> {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new InputError('threads', `must be a positive integer, got ${threads}`);
  const forced = forcedBackend();
  if (forced) {
    const info = await trySet(forced, threads);
    if (!info) throw new InputError('--backend/MGTA_BACKEND', `backend "${forced}" could not be initialised`);
    return info;
  }
  // Without a GPU device node, asking Dawn for an adapter only prints Vulkan warnings.
  const candidates = BACKEND_NAMES.filter((n) => n !== 'webgpu' || options.prefer === 'webgpu' || gpuDeviceVisible());
  const order = options.prefer
    ? [options.prefer, ...candidates.filter((n) => n !== options.prefer)]
    : candidates;
  for (const name of order) {
    const info = await trySet(name, threads);
    if (info) return info;
  }
  throw new Error('no tfjs backend could be initialised (not even cpu)');
}

/**
 * Initialises the tfjs backend once per process. Later calls return the same result; a
 * later call asking for a different backend or thread count is an error, because the wasm
 * module cannot be re-created with another thread pool in the same process.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (pending) {
    const info = await pending;
    const wrongName = options.prefer && forcedBackend() === undefined && options.prefer !== info.name;
    const wrongThreads = info.name === 'wasm' && options.threads !== undefined && options.threads !== info.threads;
    if (wrongName || wrongThreads) {
      throw new Error(
        `tfjs backend already initialised as ${info.name} with ${info.threads} thread(s); ` +
          `cannot switch to ${options.prefer ?? info.name} with ${options.threads ?? info.threads} in this process`,
      );
    }
    return info;
  }
  pending = select(options).then((info) => {
    current = info;
    if (options.log ?? true) process.stderr.write(`[mgta/nn] tfjs backend: ${info.name}, threads: ${info.threads}\n`);
    return info;
  });
  pending.catch(() => (pending = null));
  return pending;
}

/** The backend chosen by initBackend, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current ? { ...current } : null;
}
