import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPresets, loadPreset, presetPath } from './preset.ts';

function writePreset(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'preset-')), 'p.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadPreset', () => {
  it('loads the shipped presets by name', () => {
    expect(listPresets()).toEqual(expect.arrayContaining(['ci', 'embedded', 'paper']));
    const ci = loadPreset('ci');
    expect(ci.name).toBe('ci');
    expect(ci.data.source).toBe('fashion-voc');
    if (ci.data.source === 'fashion-voc') expect(ci.data.pretrain.size).toBe(64);
    expect(loadPreset('paper').data.source).toBe('real');
    expect(presetPath('ci')).toMatch(/benchmarks\/presets\/ci\.json$/);
  });

  it('keeps other stages\' sections', () => {
    const ci = JSON.parse(JSON.stringify(loadPreset('ci')));
    const file = writePreset({ ...ci, svm: { costs: [1] } });
    expect(loadPreset(file).svm).toEqual({ costs: [1] });
  });

  it('names unknown presets and lists the known ones', () => {
    expect(() => loadPreset('nope')).toThrow(/no preset "nope" \(known: .*ci.*\)/);
  });

  it('names file and field of a bad setting', () => {
    const ci = JSON.parse(JSON.stringify(loadPreset('ci')));
    ci.data.scenes.maxSize = 10;
    const file = writePreset(ci);
    expect(() => loadPreset(file)).toThrow(`${file}: data.scenes.maxSize: must be an integer in [112, 2048], got 10`);
    ci.data.scenes.maxSize = 144;
    ci.data.pretrain.format = 'gif';
    expect(() => loadPreset(writePreset(ci))).toThrow(/data\.pretrain\.format: must be one of "png", "jpeg", got "gif"/);
    delete ci.data.pretrain.format;
    ci.data.pretrain.fromat = 'png';
    expect(() => loadPreset(writePreset(ci))).toThrow(/data\.pretrain\.fromat: unknown setting/);
  });

  it('rejects bad JSON and a missing name', () => {
    expect(() => loadPreset(writePreset('{'))).toThrow(/is not valid JSON/);
    expect(() => loadPreset(writePreset({ description: '', data: {} }))).toThrow(/: name: must be a name/);
  });
});
