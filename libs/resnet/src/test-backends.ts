/**
 * Backends for this library's tests (not exported). The stock wasm backend runs ResNet-50 at
 * 224 in about a second, the pure-JS cpu backend in 15-25 s; cpu is the reference and the only
 * stock backend with every gradient kernel. Swap for @mgta/nn's initBackend once it settles.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to start`);
  await tf.ready();
}
