import * as ort from 'onnxruntime-node';
import { Random } from '@mgta/core';

export function randomImage(seed: number, dims: number[]): Float32Array {
  const random = new Random(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  return data;
}

/** Runs a one-input one-output model on the CPU provider. */
export async function runModel(model: Uint8Array, input: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 2 });
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    const tensor = out[session.outputNames[0]];
    return { data: tensor.data as Float32Array, dims: [...tensor.dims] };
  } finally {
    await session.release();
  }
}

/** ‖a − b‖ / ‖b‖. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}
