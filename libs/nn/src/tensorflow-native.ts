/**
 * The native TensorFlow backend (`tensorflow`), from @tensorflow/tfjs-node-gpu or
 * @tensorflow/tfjs-node. Neither is a dependency of this project (they need downloads from
 * outside the npm registry, see /work/shared/notes/gpu-from-node.md); if one is installed
 * where this runs, importing it registers the backend.
 */
import * as tf from '@tensorflow/tfjs';

const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Tries to make `tensorflow` the tfjs backend; returns false (never throws) if it cannot. */
export async function trySetTensorflowBackend(): Promise<boolean> {
  for (const name of PACKAGES) {
    try {
      // A variable specifier keeps bundlers and the type checker from requiring the package.
      await import(/* @vite-ignore */ name);
    } catch {
      continue;
    }
    try {
      if (await tf.setBackend('tensorflow')) return true;
    } catch {
      // fall through to the next package
    }
  }
  return false;
}
