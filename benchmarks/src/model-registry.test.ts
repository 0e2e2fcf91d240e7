import { describe, expect, it } from 'vitest';
import { loadPreset, presetFile } from '@mgta/presets';
import { buildCommandFor, presetModelIds } from './model-registry.ts';

describe('presetModelIds', () => {
  it('lists iae-long only when the preset\'s pretrain.iaeLong is true', () => {
    const ci = loadPreset('ci');
    const file = presetFile('ci');
    const [k1, k2] = (ci.pretrain as { mgta: { k: number[] } }).mgta.k;
    const withoutIaeLong = { ...ci, pretrain: { ...(ci.pretrain as object), iaeLong: false } };
    expect(presetModelIds(withoutIaeLong, file)).toEqual(['random', 'iae', `mgta-k${k1}`, `mgta-k${k2}`, 'supervised']);
    const withIaeLong = { ...ci, pretrain: { ...(ci.pretrain as object), iaeLong: true } };
    expect(presetModelIds(withIaeLong, file)).toEqual(['random', 'iae', `mgta-k${k1}`, `mgta-k${k2}`, 'iae-long', 'supervised']);
    expect(buildCommandFor('iae-long', 'ci')).toBe('npx mgta pretrain iae-long --preset ci');
  });
});
