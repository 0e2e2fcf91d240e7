/**
 * Finds the one ResNet-50 trunk in a flattened checkpoint: every prefix under which a stem conv
 * sits is a candidate, and a candidate is complete when every tensor of the encoder (through
 * layer4, at the width the stem gives) is there with its shape. Known layouts pick among several
 * complete trunks (MoCo's query encoder over its key encoder, DINO's teacher over its student);
 * otherwise several are an error that lists them for `--prefix`.
 */
import { BATCH_NORM_EPS, tensorSpecs, widthFromStemChannels, type TensorSpec } from '@mgta/resnet';
import { NAMING_SCHEMES, type NamingScheme } from './naming-schemes.ts';
import type { TensorData } from './tensor-data.ts';
import { RefusedGlobalError } from './flatten.ts';

export interface KnownLayout {
  label: string;
  prefix: string;
  scheme: NamingScheme['id'];
}

/** In order of preference when a file holds more than one complete trunk. */
export const KNOWN_LAYOUTS: readonly KnownLayout[] = [
  { label: 'torchvision state_dict', prefix: '', scheme: 'torchvision' },
  { label: 'MoCo v1/v2 query encoder (main_moco.py)', prefix: 'state_dict.module.encoder_q.', scheme: 'torchvision' },
  { label: 'MoCo v3 base encoder (main_moco.py)', prefix: 'state_dict.module.base_encoder.', scheme: 'torchvision' },
  { label: 'DINO teacher', prefix: 'teacher.backbone.', scheme: 'torchvision' },
  { label: 'DINO teacher (DistributedDataParallel)', prefix: 'teacher.module.backbone.', scheme: 'torchvision' },
  { label: 'VISSL trunk', prefix: 'classy_state_dict.base_model.model.trunk._feature_blocks.', scheme: 'torchvision' },
  { label: 'SwAV / DeepCluster-v2 (DistributedDataParallel)', prefix: 'module.', scheme: 'torchvision' },
  { label: 'SwAV / DeepCluster-v2 checkpoint', prefix: 'state_dict.module.', scheme: 'torchvision' },
  { label: 'state_dict', prefix: 'state_dict.', scheme: 'torchvision' },
  { label: 'model', prefix: 'model.', scheme: 'torchvision' },
  { label: 'Detectron (Caffe2) blobs', prefix: 'blobs.', scheme: 'detectron' },
  { label: 'Detectron (Caffe2) weights', prefix: '', scheme: 'detectron' },
];

export interface TrunkCandidate {
  prefix: string;
  scheme: NamingScheme;
  width: number;
  /** The encoder's tensors at that width (empty when the stem itself is wrong). */
  specs: TensorSpec[];
  /** Tensors found with the right shape, out of `required`. */
  found: number;
  required: number;
  problems: string[];
}

export interface FoundTrunk {
  prefix: string;
  scheme: NamingScheme;
  width: number;
  layout: string;
  /** torchvision name → the file's tensor (undefined: synthesised, e.g. AffineChannel's statistics). */
  sources: Map<string, TensorData | undefined>;
  specs: TensorSpec[];
}

export class TrunkError extends Error {}

/**
 * `placeholders` (path → global) are the inert values met while flattening: one that sits where
 * a candidate trunk expects a tensor is refused by its global's name, not reported as missing.
 */
export function findTrunk(tensors: ReadonlyMap<string, TensorData>, source: string, prefix?: string, placeholders: ReadonlyMap<string, string> = new Map()): FoundTrunk {
  const candidates = candidatesOf(tensors);
  for (const candidate of candidates) {
    for (const spec of candidate.specs) {
      const name = candidate.scheme.sourceName(spec.name);
      const global = name === undefined ? undefined : placeholders.get(candidate.prefix + name);
      if (global) throw new RefusedGlobalError(source, global, candidate.prefix + name!);
    }
  }
  const complete = candidates.filter((c) => c.problems.length === 0);
  const label = (c: TrunkCandidate) => `'${c.prefix}' (${c.scheme.id} names${c.width !== 1 ? `, width ${c.width}` : ''})`;
  let chosen: TrunkCandidate | undefined;
  let layout = 'chosen with --prefix';
  if (prefix !== undefined) {
    const matching = candidates.filter((c) => c.prefix === prefix);
    chosen = matching.find((c) => c.problems.length === 0);
    if (!chosen) {
      const others = complete.length ? ` Complete trunks are under: ${complete.map(label).join(', ')}.` : '';
      const why = matching[0] ? `: ${summarise(matching[0])}` : ': no stem conv (conv1.weight or conv1_w) there';
      throw new TrunkError(`${source}: --prefix '${prefix}' holds no complete ResNet-50${why}.${others}`);
    }
  } else if (complete.length === 1) {
    chosen = complete[0];
    layout = layoutLabel(chosen) ?? 'found by search';
  } else if (complete.length > 1) {
    const known = KNOWN_LAYOUTS.find((k) => complete.some((c) => c.prefix === k.prefix && c.scheme.id === k.scheme));
    if (!known) {
      throw new TrunkError(`${source}: ${complete.length} complete ResNet-50 trunks, none under a known layout: ${complete.map(label).join(', ')}. Choose one with --prefix <prefix>.`);
    }
    chosen = complete.find((c) => c.prefix === known.prefix && c.scheme.id === known.scheme)!;
    layout = known.label;
  } else {
    const closest = [...candidates].sort((a, b) => b.found / b.required - a.found / a.required)[0];
    const near = closest ? ` The closest is ${label(closest)}: ${summarise(closest)}.` : ` It holds ${tensors.size} tensors and no stem conv (conv1.weight or conv1_w).`;
    throw new TrunkError(`${source}: no complete ResNet-50 (torchvision or Detectron names) found.${near}`);
  }
  const { specs } = chosen;
  const sources = new Map<string, TensorData | undefined>();
  for (const spec of specs) {
    const name = chosen.scheme.sourceName(spec.name);
    sources.set(spec.name, name === undefined ? undefined : tensors.get(chosen.prefix + name));
  }
  return { prefix: chosen.prefix, scheme: chosen.scheme, width: chosen.width, layout, sources, specs };
}

function layoutLabel(candidate: TrunkCandidate): string | undefined {
  return KNOWN_LAYOUTS.find((k) => k.prefix === candidate.prefix && k.scheme === candidate.scheme.id)?.label;
}

function candidatesOf(tensors: ReadonlyMap<string, TensorData>): TrunkCandidate[] {
  const candidates: TrunkCandidate[] = [];
  for (const scheme of NAMING_SCHEMES) {
    for (const [path, stem] of tensors) {
      if (path !== scheme.stem && !path.endsWith(`.${scheme.stem}`) && !(scheme.id === 'detectron' && path.endsWith(scheme.stem))) continue;
      const prefix = path.slice(0, path.length - scheme.stem.length);
      if (scheme.id === 'torchvision' && prefix !== '' && !prefix.endsWith('.')) continue;
      candidates.push(checkCandidate(tensors, prefix, scheme, stem));
    }
  }
  return candidates;
}

function checkCandidate(tensors: ReadonlyMap<string, TensorData>, prefix: string, scheme: NamingScheme, stem: TensorData): TrunkCandidate {
  let width = 1;
  const problems: string[] = [];
  if (stem.shape.length !== 4 || stem.shape[1] !== 3 || stem.shape[2] !== 7 || stem.shape[3] !== 7) {
    return { prefix, scheme, width, specs: [], found: 0, required: 1, problems: [`${prefix}${scheme.stem} has shape [${stem.shape}], a ResNet-50 stem is [64·w, 3, 7, 7]`] };
  }
  try {
    width = widthFromStemChannels(stem.shape[0], prefix + scheme.stem);
  } catch (error) {
    return { prefix, scheme, width, specs: [], found: 0, required: 1, problems: [(error as Error).message] };
  }
  const specs = tensorSpecs({ name: 'resnet50', decoder: false, ...(width !== 1 ? { width } : {}) });
  let required = 0;
  let found = 0;
  for (const spec of specs) {
    const name = scheme.sourceName(spec.name);
    if (name === undefined) continue;
    required++;
    const tensor = tensors.get(prefix + name);
    if (!tensor) problems.push(`${prefix}${name} is missing`);
    else if (tensor.shape.join() !== spec.shape.join()) problems.push(`${prefix}${name} has shape [${tensor.shape}], expected [${spec.shape}]`);
    else found++;
  }
  return { prefix, scheme, width, specs, found, required, problems };
}

function summarise(candidate: TrunkCandidate): string {
  const shown = candidate.problems.slice(0, 3).join('; ');
  const more = candidate.problems.length > 3 ? `; and ${candidate.problems.length - 3} more` : '';
  return `${candidate.found} of ${candidate.required} trunk tensors match (${shown}${more})`;
}

/** AffineChannel as a frozen BN: mean 0, var 1 − ε rounded to float32, so √(var + ε) is 1 in float32. */
export const AFFINE_RUNNING_VAR = Math.fround(1 - BATCH_NORM_EPS);
