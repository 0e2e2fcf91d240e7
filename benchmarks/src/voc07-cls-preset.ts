import { InputError } from '@mgta/core';
import { FEATURE_LAYERS, type FeatureLayer } from '@mgta/features';
import { presetFile, type Preset } from '@mgta/presets';
import { presetModelIds } from './model-registry.ts';

/** The `voc07Cls` section of a preset: which models and how the benchmark runs. */
export interface Voc07ClsPreset {
  /** Model ids under `models/<preset>/`: by default random, iae, mgta-k<K> for the pretrain section's two K, supervised. */
  models: string[];
  layer: FeatureLayer;
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
