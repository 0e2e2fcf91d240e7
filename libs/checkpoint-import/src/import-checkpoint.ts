/**
 * A foreign checkpoint file → the ResNet-50 encoder in mgta's weight format (torchvision names,
 * float32), with an account of what was kept, dropped and never called.
 */
import { readFileSync } from 'node:fs';
import { InputError, sha256 } from '@mgta/core';
import { DETECTRON_CAFFE2_NORMALIZATION, TORCHVISION_NORMALIZATION, type Normalization } from '@mgta/imaging';
import type { NamedWeights } from '@mgta/resnet';
import { readCheckpointBytes, type CheckpointFormat } from './formats/read-checkpoint.ts';
import { flattenCheckpoint } from './flatten.ts';
import { AFFINE_RUNNING_VAR, findTrunk } from './find-trunk.ts';
import { isFloatDType, toFloat32, type DType } from './tensor-data.ts';

export interface ImportOptions {
  /** The dotted prefix of the trunk (as listed in an ambiguity error); default: found. */
  prefix?: string;
}

export interface DroppedGroup {
  /** e.g. `state_dict.module.encoder_k.*`, `state_dict.module.queue`. */
  group: string;
  tensors: number;
}

export interface ImportedCheckpoint {
  source: string;
  sha256: string;
  format: CheckpointFormat;
  /** Which known layout matched ('MoCo v1/v2 query encoder ...'), or how the trunk was chosen. */
  layout: string;
  prefix: string;
  naming: 'torchvision' | 'detectron';
  width: number;
  /** ResNet v1 (Detectron's STRIDE_1X1): stride on the first 1x1 conv of each stage. */
  stride1x1: boolean;
  weights: NamedWeights;
  /** The trunk's tensors read from the file, by stored dtype. */
  keptByDType: Partial<Record<DType, number>>;
  /** BN statistics the file has no tensors for (AffineChannel): written as the identity. */
  synthesised: number;
  dropped: DroppedGroup[];
  /** Globals turned into inert placeholders (never called), and where. */
  placeholders: Array<{ global: string; path: string }>;
  /** torchvision's, or Detectron's BGR 0–255 means for Detectron files. */
  suggestedNormalization: Normalization;
}

export function importCheckpointFile(path: string, options: ImportOptions = {}): ImportedCheckpoint {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new InputError(path, `cannot read the checkpoint (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return importCheckpointBytes(bytes, path, options);
}

export function importCheckpointBytes(bytes: Uint8Array, source: string, options: ImportOptions = {}): ImportedCheckpoint {
  try {
    return importOrThrow(bytes, source, options);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = (error as Error).message;
    // The readers' messages start with the source; InputError adds it once.
    throw new InputError(source, message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message);
  }
}

function importOrThrow(bytes: Uint8Array, source: string, options: ImportOptions): ImportedCheckpoint {
  const read = readCheckpointBytes(bytes, source);
  const flat = flattenCheckpoint(read.value, source);
  const trunk = findTrunk(flat.tensors, source, options.prefix, new Map(flat.placeholders.map((p) => [p.path, p.global])));

  const weights: NamedWeights = new Map();
  const keptByDType: Partial<Record<DType, number>> = {};
  const used = new Set<string>();
  let synthesised = 0;
  for (const spec of trunk.specs) {
    const tensor = trunk.sources.get(spec.name);
    if (tensor === undefined) {
      // Only AffineChannel's statistics are absent (find-trunk checked everything else).
      const channels = spec.shape[0];
      const value = spec.kind === 'bnRunningVar' ? AFFINE_RUNNING_VAR : 0;
      weights.set(spec.name, { shape: spec.shape, data: new Float32Array(channels).fill(value) });
      synthesised++;
      continue;
    }
    const name = trunk.prefix + trunk.scheme.sourceName(spec.name)!;
    if (!isFloatDType(tensor.dtype)) throw new InputError(source, `tensor ${name} is ${tensor.dtype}, expected a floating-point type`);
    weights.set(spec.name, { shape: [...spec.shape], data: toFloat32(tensor, name) });
    keptByDType[tensor.dtype] = (keptByDType[tensor.dtype] ?? 0) + 1;
    used.add(name);
  }
  const dropped = groupDropped([...flat.tensors.keys()].filter((name) => !used.has(name)), trunk.prefix);
  return {
    source,
    sha256: sha256(bytes),
    format: read.format,
    layout: trunk.layout,
    prefix: trunk.prefix,
    naming: trunk.scheme.id,
    width: trunk.width,
    stride1x1: trunk.scheme.stride1x1,
    weights,
    keptByDType,
    synthesised,
    dropped,
    placeholders: flat.placeholders,
    suggestedNormalization: trunk.scheme.id === 'detectron' ? DETECTRON_CAFFE2_NORMALIZATION : TORCHVISION_NORMALIZATION,
  };
}

/**
 * Dropped tensors grouped where their path leaves the trunk's: `state_dict.module.encoder_k.*`
 * beside `state_dict.module.encoder_q.`, `fc.*` inside a torchvision trunk, BN counters apart.
 */
export function groupDropped(names: string[], trunkPrefix: string): DroppedGroup[] {
  const trunkParts = trunkPrefix.split('.').filter(Boolean);
  const groups = new Map<string, number>();
  // Flat Caffe2 names (no dots under the prefix) group by their last '_' suffix when it repeats:
  // `res2_0_branch2a_b` and 54 others become `*_b`, the solver's `*_momentum` blobs one group.
  const flatSuffix = (name: string) => (name.startsWith(trunkPrefix) && !name.slice(trunkPrefix.length).includes('.') ? /_[^_]+$/.exec(name)?.[0] : undefined);
  const suffixCounts = new Map<string, number>();
  for (const name of names) {
    const suffix = flatSuffix(name);
    if (suffix) suffixCounts.set(suffix, (suffixCounts.get(suffix) ?? 0) + 1);
  }
  for (const name of names) {
    let group: string;
    const suffix = flatSuffix(name);
    if (suffix && suffixCounts.get(suffix)! > 1) {
      group = `${trunkPrefix}*${suffix}`;
    } else if (name.startsWith(trunkPrefix) && name.endsWith('.num_batches_tracked')) {
      group = `${trunkPrefix}*.num_batches_tracked`;
    } else {
      const parts = name.split('.');
      let common = 0;
      while (common < trunkParts.length && common < parts.length - 1 && parts[common] === trunkParts[common]) common++;
      const head = parts.slice(0, common + 1).join('.');
      group = parts.length > common + 1 ? `${head}.*` : head;
    }
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }
  return [...groups].map(([group, tensors]) => ({ group, tensors })).sort((a, b) => a.group.localeCompare(b.group));
}
