/**
 * The part of a pretraining preset that decides one model's weights. A finished model is reused
 * only when its recorded recipe is this one: a preset edited after training (say, more
 * supervised epochs) must not silently evaluate the old weights under the new preset's name.
 */
import type { PretrainPreset } from './pretrain-preset.ts';
import type { PretrainModel } from './run-pretrain.ts';

/** Settings that change nothing in the weights: logging, checkpoint cadence, the k-selection diagnostic. */
const NOT_RECIPE = new Set(['comment', 'checkpointEverySteps', 'featureBatchSize', 'kCandidates', 'iae', 'supervised', 'mgta', 'iaeLong']);

export function recipeOf(preset: PretrainPreset, model: PretrainModel): Record<string, unknown> {
  const shared = Object.fromEntries(Object.entries(preset).filter(([key]) => !NOT_RECIPE.has(key)));
  const { kCandidates: _notRecipe, ...mgta } = preset.mgta as PretrainPreset['mgta'] & { kCandidates?: unknown };
  // MGTA and iae-long start from the IAE, so its recipe is part of theirs.
  const own = model === 'iae' ? { iae: preset.iae } : model === 'supervised' ? { supervised: preset.supervised } : { iae: preset.iae, mgta };
  return JSON.parse(JSON.stringify({ ...shared, ...own })) as Record<string, unknown>;
}

/** The first path at which two recipes differ, with both values; undefined when they are the same. */
export function recipeDifference(recorded: unknown, current: unknown, path = ''): { path: string; recorded: unknown; current: unknown } | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(recorded) && isObject(current)) {
    for (const key of [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort()) {
      const found = recipeDifference(recorded[key], current[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
    return undefined;
  }
  return JSON.stringify(recorded) === JSON.stringify(current) ? undefined : { path, recorded, current };
}
