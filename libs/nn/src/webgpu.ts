/**
 * The WebGPU backend of tfjs on Dawn, through the `webgpu` npm package
 * (/work/shared/notes/gpu-from-node.md). tfjs-backend-webgpu registers itself only when
 * `navigator.gpu` exists at import time, and on a machine without an adapter its backend
 * factory dereferences a null adapter. So we ask Dawn for an adapter first and import the
 * tfjs backend only when there is one.
 */
import * as tf from '@tensorflow/tfjs';

/** Seconds to wait for Dawn's adapter before giving up (measured ~1 ms when absent). */
const ADAPTER_TIMEOUT_MS = 10_000;

/** Tries to make `webgpu` the tfjs backend; returns false (never throws) if it cannot. */
export async function trySetWebGpuBackend(): Promise<boolean> {
  try {
    const { create, globals } = (await import('webgpu')) as unknown as {
      create: (flags: string[]) => { requestAdapter(o?: object): Promise<unknown> };
      globals: Record<string, unknown>;
    };
    const gpu = create([]);
    const adapter = await Promise.race([
      gpu.requestAdapter({ powerPreference: 'high-performance' }),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), ADAPTER_TIMEOUT_MS).unref()),
    ]);
    if (adapter == null) return false;
    Object.assign(globalThis, globals);
    const nav = (globalThis as { navigator?: Record<string, unknown> }).navigator;
    if (nav == null) {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    } else if (nav.gpu == null) {
      Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
    }
    await import('@tensorflow/tfjs-backend-webgpu');
    return await tf.setBackend('webgpu');
  } catch {
    return false;
  }
}
