import { InputError } from '@mgta/core';
import { extractFeatures, FEATURE_LAYERS, type FeatureLayer } from '@mgta/features';
import { DEVICES, type Device } from '@mgta/onnx';

export interface ExtractCommandOptions {
  model: string;
  devkit: string;
  year: string;
  split: string;
  layer: string;
  out: string;
  batchSize: string;
  device: string;
  threads?: string;
}

/** `mgta extract`: frozen features of one split → `<out>.npy` + `<out>.json` (ids in row order, fingerprints). */
export async function runExtract(options: ExtractCommandOptions, print: (line: string) => void = (line) => console.log(line)): Promise<void> {
  if (!FEATURE_LAYERS.includes(options.layer as FeatureLayer)) {
    throw new InputError('--layer', `unknown layer ${options.layer} (expected ${FEATURE_LAYERS.join(', ')})`);
  }
  if (!DEVICES.includes(options.device as Device)) throw new InputError('--device', `unknown device ${options.device} (expected ${DEVICES.join(', ')})`);
  const batchSize = Number(options.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError('--batch-size', `"${options.batchSize}" is not a positive integer`);
  const threads = options.threads === undefined ? undefined : Number(options.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new InputError('--threads', `"${options.threads}" is not a positive integer`);
  if (!options.out.endsWith('.npy')) throw new InputError('--out', `"${options.out}" must end in .npy`);

  const result = await extractFeatures({
    model: options.model,
    devkit: options.devkit,
    year: options.year,
    split: options.split,
    layer: options.layer as FeatureLayer,
    out: options.out,
    batchSize,
    device: options.device as Device,
    threads,
  });
  const { meta } = result;
  const rate = meta.ids.length / Math.max(meta.seconds, 1e-9);
  print(`${result.fromCache ? 'from cache' : 'extracted'}: ${meta.ids.length} images x ${meta.dimension} (${meta.layer}, pool ${meta.pooling.kernel}/${meta.pooling.stride}/${meta.pooling.padding}) → ${options.out}`);
  if (!result.fromCache) print(`${rate.toFixed(1)} images/s on ${meta.executionProvider} (${meta.threads} threads)`);
}
