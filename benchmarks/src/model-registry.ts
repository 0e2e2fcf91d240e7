import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '@mgta/core';
import { pretrainPreset } from '@mgta/pretrain';
import { presetFile, type Preset } from '@mgta/presets';

export interface BenchModel {
  id: string;
  path: string;
}

/** Where the pretraining project writes a preset's models (`models/<preset>/<id>/`). */
export function presetModelsDir(preset: string): string {
  return resolve('models', preset);
}

/** The command that builds a preset model, named in errors so a missing model is never skipped silently. */
export function buildCommandFor(id: string, preset: string): string {
  const mgta = /^mgta-k(\d+)$/.exec(id);
  return mgta ? `npx mgta pretrain mgta --k ${mgta[1]} --preset ${preset}` : `npx mgta pretrain ${id} --preset ${preset}`;
}

/**
 * The preset's models (all must exist) followed by the user's `--model` paths, whose id is the
 * file name (`resnet50.onnx`, `my-checkpoint`).
 */
export function resolveBenchModels(preset: string, presetModelIds: string[], userModels: string[] = [], dir = presetModelsDir(preset)): BenchModel[] {
  const models = presetModelIds.map((id) => {
    const path = join(dir, id);
    if (!existsSync(join(path, 'manifest.json'))) {
      throw new InputError(path, `model "${id}" of preset "${preset}" has not been trained; build it with \`${buildCommandFor(id, preset)}\` (or \`npx nx run bench:voc07-cls --preset=${preset}\`, which builds every model)`);
    }
    return { id, path };
  });
  for (const path of userModels) {
    if (!existsSync(path)) throw new InputError(path, '--model does not exist (expected a checkpoint directory, an .onnx file or a PyTorch / safetensors / Detectron checkpoint)');
    const id = basename(resolve(path));
    if (models.some((model) => model.id === id)) throw new InputError(path, `a model with id "${id}" is already in the list`);
    models.push({ id, path });
  }
  return models;
}

/**
 * The models the pretraining project trains for a preset, in the paper's row order; the control
 * iae-long (after the MGTA rows) only when the preset's `pretrain.iaeLong` is true.
 */
export function presetModelIds(preset: Preset, file = presetFile(preset.name)): string[] {
  const section = pretrainPreset(preset, file);
  const [k1, k2] = section.mgta.k;
  return ['random', 'iae', `mgta-k${k1}`, `mgta-k${k2}`, ...(section.iaeLong ? ['iae-long'] : []), 'supervised'];
}
