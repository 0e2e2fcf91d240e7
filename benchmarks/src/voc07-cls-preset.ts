import { InputError } from '@mgta/core';
import { FEATURE_LAYERS, type FeatureLayer } from '@mgta/features';
import { presetFile, type Preset } from '@mgta/presets';
import { GOYAL_LOW_SHOT_K, GOYAL_LOW_SHOT_SAMPLES, type LowShotProtocol } from '@mgta/svm';
import { presetModelIds } from './model-registry.ts';

/** The `voc07Cls` section of a preset: which models and how the benchmark runs. */
export interface Voc07ClsPreset {
  /** Model ids under `models/<preset>/`: by default random, iae, mgta-k<K> for the pretrain section's two K, supervised. */
  models: string[];
  layer: FeatureLayer;
  /**
   * Layers to evaluate, each with Goyal's pooling (default: `layer` alone). `result` in the record
   * is `layer`'s when it is swept, else the first layer's; a sweep records every layer's too.
   */
  layers: FeatureLayer[];
  /** Goyal's low-shot SVM after the full one; null (the default): off. */
  lowShot: LowShotProtocol | null;
  year: string;
  trainSplit: string;
  testSplit: string;
  /** A cost-list name (goyal2019, vissl, mmselfsup) or comma-separated costs. */
  costs: string;
  batchSize: number;
  bootstrap: { resamples: number; seed: number };
}

export function voc07ClsSection(preset: Preset): Voc07ClsPreset {
  const file = presetFile(preset.name);
  const raw = preset.voc07Cls as Record<string, unknown> | undefined;
  if (raw === undefined || raw === null || typeof raw !== 'object') throw new InputError(file, 'has no voc07Cls section', { field: 'voc07Cls' });
  const field = (name: string) => `voc07Cls.${name}`;
  const models = raw.models ?? presetModelIds(preset, file);
  if (!Array.isArray(models) || models.length === 0 || models.some((m) => typeof m !== 'string' || !/^[A-Za-z0-9._-]+$/.test(m))) {
    throw new InputError(file, 'must be a non-empty list of model ids', { field: field('models') });
  }
  const layer = raw.layer ?? 'res4';
  if (!FEATURE_LAYERS.includes(layer as FeatureLayer)) throw new InputError(file, `must be one of ${FEATURE_LAYERS.join(', ')}`, { field: field('layer') });
  const layers = raw.layers ?? [layer];
  if (!Array.isArray(layers) || layers.length === 0 || layers.some((l) => !FEATURE_LAYERS.includes(l as FeatureLayer)) || new Set(layers).size !== layers.length) {
    throw new InputError(file, `must be a non-empty list of distinct layers from ${FEATURE_LAYERS.join(', ')}`, { field: field('layers') });
  }
  const text = (name: string, fallback: string): string => {
    const value = raw[name] ?? fallback;
    if (typeof value !== 'string' || value.length === 0) throw new InputError(file, 'must be a non-empty string', { field: field(name) });
    return value;
  };
  const positiveInteger = (value: unknown, name: string): number => {
    if (!Number.isInteger(value) || (value as number) < 1) throw new InputError(file, 'must be a positive integer', { field: field(name) });
    return value as number;
  };
  const bootstrap = (raw.bootstrap ?? { resamples: 1000, seed: 0 }) as Record<string, unknown>;
  return {
    models: models as string[],
    layer: layer as FeatureLayer,
    layers: layers as FeatureLayer[],
    lowShot: lowShotSection(raw.lowShot, file),
    year: text('year', '2007'),
    trainSplit: text('trainSplit', 'trainval'),
    testSplit: text('testSplit', 'test'),
    costs: text('costs', 'goyal2019'),
    batchSize: positiveInteger(raw.batchSize ?? 8, 'batchSize'),
    bootstrap: {
      resamples: positiveInteger(bootstrap.resamples, 'bootstrap.resamples'),
      seed: Number.isInteger(bootstrap.seed) ? (bootstrap.seed as number) : 0,
    },
  };
}

/**
 * `voc07Cls.lowShot`: absent, null or false (off), true (Goyal's k list, 5 samples, seed 0), or
 * `{"kValues": [..], "samples": n, "seed": n}` with each field optional.
 */
function lowShotSection(value: unknown, file: string): LowShotProtocol | null {
  if (value === undefined || value === null || value === false) return null;
  const defaults: LowShotProtocol = { kValues: [...GOYAL_LOW_SHOT_K], samples: GOYAL_LOW_SHOT_SAMPLES, seed: 0 };
  if (value === true) return defaults;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(file, 'must be true, false or {"kValues": [...], "samples": n, "seed": n}', { field: 'voc07Cls.lowShot' });
  }
  const raw = value as Record<string, unknown>;
  const kValues = raw.kValues ?? defaults.kValues;
  if (!Array.isArray(kValues) || kValues.length === 0 || kValues.some((k) => !Number.isInteger(k) || k < 1) || new Set(kValues).size !== kValues.length) {
    throw new InputError(file, 'must be a non-empty list of distinct positive integers', { field: 'voc07Cls.lowShot.kValues' });
  }
  const samples = raw.samples ?? defaults.samples;
  if (!Number.isInteger(samples) || (samples as number) < 1) throw new InputError(file, 'must be a positive integer', { field: 'voc07Cls.lowShot.samples' });
  const seed = raw.seed ?? defaults.seed;
  if (!Number.isInteger(seed) || (seed as number) < 0) throw new InputError(file, 'must be a non-negative integer', { field: 'voc07Cls.lowShot.seed' });
  return { kValues: kValues as number[], samples: samples as number, seed: seed as number };
}
