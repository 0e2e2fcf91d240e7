import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { gpuDeviceVisible, InputError } from '@mgta/core';
import { DEVICES, type Device } from './devices.ts';

export { DEVICES, type Device } from './devices.ts';

export interface SessionOptions {
  device?: Device;
  /** intraOpNumThreads; default: all cores of the machine. */
  threads?: number;
  /** Where the fallback line goes (default: stderr). */
  log?: (line: string) => void;
}

export interface CreatedSession {
  session: ort.InferenceSession;
  executionProvider: 'webgpu' | 'cuda' | 'cpu';
  threads: number;
}

const CUDA_OPT_IN = 'the CUDA execution provider is not installed; install it with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` (needs CUDA 12, cuDNN 9 and network access)';

/**
 * `auto` unless MGTA_DEVICE pins one: the tests and CI's regression set MGTA_DEVICE=cpu, so
 * that a GPU visible on some machine cannot move the numbers they compare.
 */
export function resolveDevice(device: Device = 'auto', env: NodeJS.ProcessEnv = process.env): Device {
  const pinned = env.MGTA_DEVICE;
  const chosen = device === 'auto' && pinned ? (pinned as Device) : device;
  if (!DEVICES.includes(chosen)) {
    const source = chosen === pinned ? 'MGTA_DEVICE' : '--device';
    throw new InputError(source, `unknown device "${chosen}" (expected one of ${DEVICES.join(', ')})`);
  }
  return chosen;
}

/**
 * An onnxruntime-node session on the requested device. `auto` tries webgpu, then cuda, then
 * the CPU, and says in one line why it fell back. An explicit device that fails is an error.
 */
export async function createSession(model: string | Uint8Array, options: SessionOptions = {}): Promise<CreatedSession> {
  const device = resolveDevice(options.device);
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const candidates: Array<'webgpu' | 'cuda' | 'cpu'> = device === 'auto' ? ['webgpu', 'cuda', 'cpu'] : [device];
  const failures: string[] = [];
  for (const provider of candidates) {
    try {
      if (provider === 'cuda' && !cudaProviderInstalled()) throw new Error(CUDA_OPT_IN);
      if (provider === 'webgpu' && device === 'auto' && !gpuDeviceVisible()) throw new Error('no GPU device found');
      const session = await ort.InferenceSession.create(model as Uint8Array, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        graphOptimizationLevel: 'all',
      });
      if (failures.length > 0) logOnce(log, `onnx: using the ${provider} execution provider (${failures.join('; ')})`);
      return { session, executionProvider: provider, threads };
    } catch (error) {
      const reason = firstLine(error);
      if (device !== 'auto') throw new Error(`cannot create an ONNX Runtime session on ${provider}: ${reason}`);
      failures.push(`${provider}: ${reason}`);
    }
  }
  throw new Error(`cannot create an ONNX Runtime session: ${failures.join('; ')}`);
}

/**
 * onnxruntime-node ships the CPU and WebGPU providers; the CUDA provider library is downloaded
 * only on opt-in (node_modules/onnxruntime-node/script/install.js), next to the binding.
 */
export function cudaProviderInstalled(): boolean {
  const require = createRequire(import.meta.url);
  const binDir = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(binDir, library));
}

/** The useful part of an ORT error: its first line, without the "file:line <lambda> ... was false." prefix. */
const logged = new Set<string>();

/** The fallback line is said once per process, not once per session. */
function logOnce(log: (line: string) => void, line: string): void {
  if (logged.has(line)) return;
  logged.add(line);
  log(line);
}

export function firstLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
  const afterAssert = message.match(/ was false\. (.+)$/);
  return afterAssert ? afterAssert[1] : message;
}
