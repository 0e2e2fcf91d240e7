import { InputError } from '@mgta/core';
import { describeImport, importCheckpointFile, writeImportedCheckpoint } from '@mgta/checkpoint-import';
import { DETECTRON_CAFFE2_NORMALIZATION, TORCHVISION_NORMALIZATION, type Normalization } from '@mgta/imaging';

export interface ImportCheckpointOptions {
  from: string;
  out: string;
  prefix?: string;
  pixelNormalization: string;
  resnetVariant?: string;
}

export const PIXEL_NORMALIZATIONS: Readonly<Record<string, Normalization>> = {
  torchvision: TORCHVISION_NORMALIZATION,
  detectron: DETECTRON_CAFFE2_NORMALIZATION,
};

type Print = (line: string) => void;
const stdout: Print = (line) => process.stdout.write(`${line}\n`);

/** `mgta import-checkpoint`: a PyTorch / safetensors / Detectron file → an mgta checkpoint folder. */
export async function runImportCheckpoint(options: ImportCheckpointOptions, print: Print = stdout): Promise<void> {
  const choice = options.pixelNormalization;
  if (choice !== 'auto' && !PIXEL_NORMALIZATIONS[choice]) {
    throw new InputError('--pixel-normalization', `unknown value "${choice}" (expected auto, ${Object.keys(PIXEL_NORMALIZATIONS).join(', ')})`);
  }
  if (options.resnetVariant !== undefined && options.resnetVariant !== 'v1' && options.resnetVariant !== 'v1.5') {
    throw new InputError('--resnet-variant', `unknown value "${options.resnetVariant}" (expected v1: stride on the 1x1 conv, Detectron; v1.5: stride on the 3x3 conv, torchvision)`);
  }
  const imported = importCheckpointFile(options.from, { prefix: options.prefix });
  if (options.resnetVariant) imported.stride1x1 = options.resnetVariant === 'v1';
  const normalization = choice === 'auto' ? imported.suggestedNormalization : PIXEL_NORMALIZATIONS[choice];
  const manifest = await writeImportedCheckpoint(options.out, imported, normalization, 'mgta import-checkpoint');
  for (const line of describeImport(imported, normalization)) print(line);
  print(`wrote checkpoint ${options.out} (${manifest.tensors.length} tensors, weights sha256 ${manifest.weightsSha256.slice(0, 12)})`);
}
