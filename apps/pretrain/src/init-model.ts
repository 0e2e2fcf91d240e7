/**
 * `mgta init-model`: a randomly initialised ResNet-50 checkpoint (torchvision's init: the paper's
 * "ResNet50 Random" row, and the starting point of MGTA pretraining with --decoder).
 */
import { InputError, withOutputLock } from '@mgta/core';
import { countParameters, describeArchitecture, initialWeights, parseWidth, saveCheckpoint, type CheckpointManifest, type ResNet50Architecture } from '@mgta/resnet';

export interface InitModelOptions {
  arch: string;
  seed: string;
  out: string;
  decoder?: boolean;
  decoderFrom?: string;
  headClasses?: string;
  /** Width multiplier ('1', '0.5', '1/4', ...): every channel count times this; default 1. */
  width?: string;
}

export async function runInitModel(options: InitModelOptions): Promise<CheckpointManifest> {
  const architecture = parseArchitecture(options);
  const seed = parseInteger('--seed', options.seed, 0, 2 ** 32 - 1);
  const weights = initialWeights(architecture, seed);
  // Locked like a training run: `mgta pretrain random` writes its model folder through here.
  const manifest = await withOutputLock(options.out, () => saveCheckpoint(options.out, weights, { createdBy: 'mgta init-model', seed }), { command: 'mgta init-model' });
  process.stdout.write(
    `${options.out}: ${describeArchitecture(architecture)}, ${countParameters(weights).toLocaleString('en-US')} parameters, seed ${seed}, weights sha256 ${manifest.weightsSha256}\n`,
  );
  return manifest;
}

function parseArchitecture(options: InitModelOptions): ResNet50Architecture {
  if (options.arch !== 'resnet50') throw new InputError('--arch', `"${options.arch}" is not supported (only resnet50)`);
  const architecture: ResNet50Architecture = { name: 'resnet50', decoder: options.decoder === true };
  if (options.decoderFrom !== undefined) {
    if (!architecture.decoder) throw new InputError('--decoder-from', 'needs --decoder');
    if (options.decoderFrom !== 'res5' && options.decoderFrom !== 'res4') throw new InputError('--decoder-from', `must be res5 or res4, got "${options.decoderFrom}"`);
    architecture.decoderFrom = options.decoderFrom;
  } else if (architecture.decoder) {
    architecture.decoderFrom = 'res5';
  }
  if (options.headClasses !== undefined) architecture.headClasses = parseInteger('--head-classes', options.headClasses, 1, 1_000_000);
  if (options.width !== undefined) {
    let width: number;
    try {
      width = parseWidth(options.width, 'the width');
    } catch (error) {
      throw new InputError('--width', (error as Error).message);
    }
    if (width !== 1) architecture.width = width; // width 1 stays implicit: the same checkpoint as without --width
  }
  return architecture;
}

function parseInteger(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InputError(option, `must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
