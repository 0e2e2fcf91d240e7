import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, forcedBackend, initBackend } from './backend.ts';

it('parses --backend and MGTA_BACKEND, rejecting unknown names', () => {
  expect(forcedBackend(['node', 'x', '--backend', 'cpu'], {})).toBe('cpu');
  expect(forcedBackend(['node', 'x', '--backend=WASM'], {})).toBe('wasm');
  expect(forcedBackend(['node', 'x'], { MGTA_BACKEND: 'webgpu' })).toBe('webgpu');
  expect(forcedBackend(['node', 'x'], {})).toBeUndefined();
  expect(() => forcedBackend(['--backend', 'cuda'], {})).toThrow(/unknown backend "cuda"/);
});

it('falls back from webgpu (no adapter here) and starts wasm with 2 real threads', async () => {
  expect(backendInfo()).toBeNull();
  const t0 = performance.now();
  // No prefer: the full order webgpu -> tensorflow -> wasm runs.
  const info = await initBackend({ threads: 2, log: false });
  expect(performance.now() - t0).toBeLessThan(30_000);
  expect(['webgpu', 'tensorflow', 'wasm']).toContain(info.name);
  if (info.name === 'wasm') {
    expect(info.threads).toBe(2);
    expect(tf.getBackend()).toBe('wasm');
    // The training kernels are registered.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  }
  expect(backendInfo()).toEqual(info);
  // Idempotent; a different thread count in the same process is refused.
  expect(await initBackend({ threads: 2 })).toEqual(info);
  if (info.name === 'wasm') await expect(initBackend({ threads: 1 })).rejects.toThrow(/already initialised/);
});
