// The issue-11 preset fields: parsed when given (and only then present in the parsed section),
// refused with the preset file and the field named, resolved per model by modelTraining.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { loadPreset, presetFile } from '@mgta/presets';
import { parsePretrainPreset, pretrainPreset } from './pretrain-preset.ts';
import { modelTraining } from './training-options.ts';

const section = () => ({
  comment: 'test', seed: 3, images: null, inputSize: 16, batchSize: 4, learningRate: 0.001, decoderFrom: 'res4',
  checkpointEverySteps: 100, featureBatchSize: 8, iae: { epochs: 1 } as Record<string, unknown>, supervised: { epochs: 1 } as Record<string, unknown>,
  mgta: { T: 1, E: 1, P: 2, K: 3, k: [2, 3], kCandidates: [2, 3], clusterFeature: 'res5', kmeansRestarts: 2, kmeansMaxIterations: 20 } as Record<string, unknown>,
} as Record<string, unknown>);
const parse = (value: Record<string, unknown>) => parsePretrainPreset(value, 'p.json');
const with_ = (patch: (s: Record<string, unknown>) => void) => { const s = section(); patch(s); return s; };

describe('issue-11 preset fields', () => {
  it('absent: not in the parsed section; every model gets today\'s Adam, constant rate, flips', () => {
    const parsed = parse(section());
    for (const key of ['optimizer', 'schedule', 'flip', 'iaeLong']) expect(key in parsed).toBe(false);
    for (const key of ['tripletFeature', 'keepOptimizerState', 'learningRate', 'optimizer', 'schedule']) expect(key in parsed.mgta).toBe(false);
    expect(parsed.iae).toEqual({ epochs: 1 });
    expect(parsed.supervised).toEqual({ epochs: 1 });
    expect(modelTraining(parsed, 'iae')).toEqual({ learningRate: 0.001, optimizer: { name: 'adam' }, batchSize: 4, flip: true });
    expect(modelTraining(parsed, 'supervised')).toEqual({ learningRate: 0.001, optimizer: { name: 'adam' }, batchSize: 4, flip: true });
    expect(modelTraining(parsed, 'mgta')).toEqual({ learningRate: 0.001, optimizer: { name: 'adam' }, batchSize: 6, flip: true });
  });

  it('the repository presets parse (whatever issue-11 fields they use)', () => {
    for (const name of ['ci', 'embedded', 'paper']) expect(pretrainPreset(loadPreset(name), presetFile(name)).learningRate).toBeGreaterThan(0);
  });

  it('a preset file using every new field loads (its keys are known to @mgta/presets) and parses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgta-options-preset-'));
    try {
      const ci = JSON.parse(readFileSync(presetFile('ci'), 'utf8'));
      const sgd = { name: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 };
      ci.pretrain = {
        ...ci.pretrain, optimizer: sgd, schedule: { shape: 'cosine', warmupFraction: 0.05 }, flip: true, iaeLong: true,
        iae: { epochs: 1, learningRate: 0.1, batchSize: 64, optimizer: sgd, schedule: { shape: 'cosine', warmupSteps: 20 } },
        supervised: { epochs: 1, learningRate: 0.1, batchSize: 64, optimizer: { name: 'adam' }, schedule: { shape: 'constant' }, shift: 4 },
        mgta: { ...ci.pretrain.mgta, clusterFeature: 'res4', tripletFeature: 'res4', keepOptimizerState: true, learningRate: 0.05, optimizer: sgd, schedule: { shape: 'cosine' } },
      };
      const file = join(dir, 'options.json');
      writeFileSync(file, JSON.stringify(ci));
      const parsed = pretrainPreset(loadPreset(file), file);
      expect(parsed).toMatchObject({ iaeLong: true, iae: { batchSize: 64 }, supervised: { shift: 4 }, mgta: { tripletFeature: 'res4', keepOptimizerState: true } });
      ci.pretrain.mgta.batchSize = 16;
      writeFileSync(file, JSON.stringify(ci));
      expect(() => pretrainPreset(loadPreset(file), file)).toThrow(/pretrain\.mgta\.batchSize: MGTA batches are P·K images/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('top-level settings with per-model overrides', () => {
    const parsed = parse(with_((s) => {
      s.optimizer = { name: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 };
      s.schedule = { shape: 'cosine', warmupFraction: 0.05 };
      s.learningRate = 0.1;
      s.flip = false;
      s.iaeLong = true;
      s.iae = { epochs: 2, batchSize: 64, learningRate: 0.05 };
      s.supervised = { epochs: 1, optimizer: { name: 'adam' }, learningRate: 0.001, schedule: { shape: 'constant' }, shift: 3 };
      s.mgta = { ...(s.mgta as object), learningRate: 0.02, schedule: { shape: 'cosine', warmupSteps: 10 }, tripletFeature: 'res5', keepOptimizerState: true };
    }));
    const sgd = { name: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 };
    expect(parsed).toMatchObject({ optimizer: sgd, schedule: { shape: 'cosine', warmupFraction: 0.05 }, flip: false, iaeLong: true });
    expect(parsed.mgta).toMatchObject({ tripletFeature: 'res5', keepOptimizerState: true });
    expect(modelTraining(parsed, 'iae')).toEqual({ learningRate: 0.05, optimizer: sgd, schedule: { shape: 'cosine', warmupFraction: 0.05 }, batchSize: 64, flip: false });
    expect(modelTraining(parsed, 'supervised')).toEqual({ learningRate: 0.001, optimizer: { name: 'adam' }, schedule: { shape: 'constant' }, batchSize: 4, flip: false, shift: 3 });
    const mgta = { learningRate: 0.02, optimizer: sgd, schedule: { shape: 'cosine', warmupSteps: 10 }, batchSize: 6, flip: false };
    expect(modelTraining(parsed, 'mgta')).toEqual(mgta);
    expect(modelTraining(parsed, 'iae-long')).toEqual(mgta); // MGTA's control trains like MGTA
    // SGD's fields default as in PyTorch.
    expect(parse(with_((s) => { s.optimizer = { name: 'sgd' }; })).optimizer).toEqual({ name: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 });
  });

  it('refuses bad values, naming the file and the field', () => {
    const cases: Array<[(s: Record<string, unknown>) => void, RegExp]> = [
      [(s) => { s.optimizer = { name: 'rmsprop' }; }, /p\.json: pretrain\.optimizer\.name: must be one of adam, sgd/],
      [(s) => { s.optimizer = 'sgd'; }, /pretrain\.optimizer: must be an object/],
      [(s) => { s.optimizer = { name: 'adam', momentum: 0.9 }; }, /pretrain\.optimizer\.momentum: unknown key/],
      [(s) => { s.optimizer = { name: 'sgd', momentum: 1.5 }; }, /pretrain\.optimizer\.momentum: must be a number in \[0, 1\)/],
      [(s) => { s.optimizer = { name: 'sgd', nesterov: true }; }, /pretrain\.optimizer\.nesterov: Nesterov momentum needs a momentum > 0/],
      [(s) => { s.optimizer = { name: 'sgd', momentum: 0.9, weightDecay: -1 }; }, /pretrain\.optimizer\.weightDecay: must be a number/],
      [(s) => { s.optimizer = { name: 'sgd', momentum: 0.9, nesterov: 'yes' }; }, /pretrain\.optimizer\.nesterov: must be true or false/],
      [(s) => { s.schedule = { shape: 'step' }; }, /pretrain\.schedule\.shape: must be one of constant, cosine/],
      [(s) => { s.schedule = { warmupSteps: 10 }; }, /pretrain\.schedule\.shape: must be one of/],
      [(s) => { s.schedule = { shape: 'cosine', warmupSteps: 10, warmupFraction: 0.1 }; }, /pretrain\.schedule: give warmupSteps or warmupFraction, not both/],
      [(s) => { s.schedule = { shape: 'cosine', warmupSteps: 1.5 }; }, /pretrain\.schedule\.warmupSteps: must be an integer ≥ 0/],
      [(s) => { s.schedule = { shape: 'cosine', warmupFraction: 1 }; }, /pretrain\.schedule\.warmupFraction: must be a number in \[0, 1\)/],
      [(s) => { s.schedule = { shape: 'cosine', warmup: 3 }; }, /pretrain\.schedule\.warmup: unknown key/],
      [(s) => { s.flip = 'no'; }, /pretrain\.flip: must be true or false/],
      [(s) => { s.iaeLong = 1; }, /pretrain\.iaeLong: must be true or false/],
      [(s) => { s.iae = { epochs: 1, learningRate: 0 }; }, /pretrain\.iae\.learningRate: must be a positive number/],
      [(s) => { s.supervised = { epochs: 1, batchSize: 1 }; }, /pretrain\.supervised\.batchSize: must be an integer ≥ 2/],
      [(s) => { s.supervised = { epochs: 1, optimizer: { name: 'sgd', momentum: 2 } }; }, /pretrain\.supervised\.optimizer\.momentum/],
      [(s) => { s.supervised = { epochs: 1, shift: 1.5 }; }, /pretrain\.supervised\.shift: must be an integer ≥ 0/],
      [(s) => { s.iae = { epochs: 1, shift: 16 }; }, /pretrain\.iae\.shift: must be smaller than pretrain\.inputSize \(16\), got 16/],
      [(s) => { (s.mgta as Record<string, unknown>).batchSize = 16; }, /pretrain\.mgta\.batchSize: MGTA batches are P·K images/],
      [(s) => { (s.mgta as Record<string, unknown>).schedule = { shape: 'linear' }; }, /pretrain\.mgta\.schedule\.shape/],
      [(s) => { (s.mgta as Record<string, unknown>).tripletFeature = 'res3'; }, /pretrain\.mgta\.tripletFeature: must be one of res5, res4/],
      [(s) => { (s.mgta as Record<string, unknown>).tripletFeature = 'res4'; }, /pretrain\.mgta\.tripletFeature: is res4 but pretrain\.mgta\.clusterFeature is res5/],
      [(s) => { (s.mgta as Record<string, unknown>).keepOptimizerState = 'true'; }, /pretrain\.mgta\.keepOptimizerState: must be true or false/],
    ];
    for (const [patch, message] of cases) {
      const value = with_(patch);
      expect(() => parse(value), JSON.stringify(value)).toThrow(InputError);
      expect(() => parse(value), JSON.stringify(value)).toThrow(message);
    }
  });
});
