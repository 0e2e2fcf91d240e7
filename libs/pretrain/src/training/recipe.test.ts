import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '@mgta/presets';
import { pretrainPreset } from './pretrain-preset.ts';
import { recipeDifference, recipeOf } from './recipe.ts';
import { refuseStaleRecipe, type PretrainRequest } from './run-pretrain.ts';

const ci = pretrainPreset(loadPreset('ci'), 'ci.json');
const edited = (change: (p: typeof ci) => void): typeof ci => {
  const copy = structuredClone(ci);
  change(copy);
  return copy;
};

describe('recipeOf / recipeDifference', () => {
  it('a changed supervised epoch count changes the supervised recipe only', () => {
    const more = edited((p) => (p.supervised.epochs += 4));
    expect(recipeDifference(recipeOf(ci, 'supervised'), recipeOf(more, 'supervised'))).toEqual({ path: 'supervised.epochs', recorded: ci.supervised.epochs, current: ci.supervised.epochs + 4 });
    for (const model of ['iae', 'mgta', 'iae-long'] as const) expect(recipeDifference(recipeOf(ci, model), recipeOf(more, model))).toBeUndefined();
  });

  it('an IAE change reaches MGTA and iae-long, which start from the IAE', () => {
    const longer = edited((p) => (p.iae.epochs += 1));
    for (const model of ['iae', 'mgta', 'iae-long'] as const) expect(recipeDifference(recipeOf(ci, model), recipeOf(longer, model))?.path).toBe('iae.epochs');
    expect(recipeDifference(recipeOf(ci, 'supervised'), recipeOf(longer, 'supervised'))).toBeUndefined();
  });

  it('shared settings reach every model; comments, checkpoint cadence and k candidates reach none', () => {
    const wider = edited((p) => (p.width = 0.5));
    expect(recipeDifference(recipeOf(ci, 'iae'), recipeOf(wider, 'iae'))).toEqual({ path: 'width', recorded: 0.25, current: 0.5 });
    const cosmetic = edited((p) => { p.comment = 'other'; p.checkpointEverySteps += 7; p.featureBatchSize *= 2; p.mgta.kCandidates = [3]; });
    for (const model of ['iae', 'supervised', 'mgta', 'iae-long'] as const) expect(recipeDifference(recipeOf(ci, model), recipeOf(cosmetic, model))).toBeUndefined();
  });

  it('a key present on one side only is a difference', () => {
    expect(recipeDifference({ a: 1 }, { a: 1, b: [2] })).toEqual({ path: 'b', recorded: undefined, current: [2] });
    expect(recipeDifference({ a: [1, 2] }, { a: [1, 2] })).toBeUndefined();
  });
});

describe('refuseStaleRecipe', () => {
  const dirWith = (training: object): string => {
    const dir = mkdtempSync(join(tmpdir(), 'mgta-recipe-'));
    writeFileSync(join(dir, 'training.json'), JSON.stringify(training));
    return dir;
  };
  const request = (preset: typeof ci, seed = ci.seed): PretrainRequest => ({ model: 'supervised', presetName: 'ci', preset, images: 'unused', out: 'unused', seed, iaeDir: 'unused' }) as PretrainRequest;

  it('names the file, the field, both values and the command that retrains', () => {
    const dir = dirWith({ status: 'finished', pretrain: ci, seed: ci.seed });
    const more = edited((p) => (p.supervised.epochs += 4));
    expect(() => refuseStaleRecipe(dir, request(more))).toThrow(
      new RegExp(`training\\.json: this supervised model was trained with pretrain\\.supervised\\.epochs = ${ci.supervised.epochs}, but preset ci now says ${ci.supervised.epochs + 4}; retrain it with \`mgta pretrain supervised --preset ci --force\``),
    );
    expect(() => refuseStaleRecipe(dir, request(ci, ci.seed + 1))).toThrow(/pretrain\.seed = 0, but preset ci now says 1/);
  });

  it('reuses a model trained with this recipe, and one recorded before recipes were', () => {
    expect(() => refuseStaleRecipe(dirWith({ status: 'finished', pretrain: JSON.parse(JSON.stringify(ci)), seed: ci.seed }), request(ci))).not.toThrow();
    expect(() => refuseStaleRecipe(dirWith({ status: 'finished' }), request(edited((p) => (p.supervised.epochs = 99))))).not.toThrow();
  });
});
