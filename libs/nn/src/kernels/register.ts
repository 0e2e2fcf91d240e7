/**
 * Registers this library's training kernels for the wasm backend (idempotent). The stock
 * kernels they replace are kept, for NCHW fallbacks and for benchmarks.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';

const stock = new Map<string, KernelFunc>();
let registered = false;

/** The wasm backend's own kernel that registerTrainingKernels replaced, if there was one. */
export function stockWasmKernel(name: string): KernelFunc | undefined {
  return registered ? stock.get(name) : tf.getKernel(name, 'wasm')?.kernelFunc;
}

export function registerTrainingKernels(): void {
  if (registered) return;
  const replace = (config: tf.KernelConfig) => {
    const old = tf.getKernel(config.kernelName, 'wasm');
    if (old) {
      stock.set(config.kernelName, old.kernelFunc);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  };
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc;
  replace(conv2dBackpropFilterConfig);
  replace(conv2dBackpropInputConfig(stockInput));
  replace(maxPoolGradConfig);
  registered = true;
}
