import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { listPresets, loadPreset, presetPath } from './preset.ts';

/** A preset as plain JSON, so that tests can spoil any field. */
type Preset = Record<string, any>;

function writePreset(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'preset-')), 'p.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadPreset', () => {
  it('loads the shipped presets by name', () => {
    expect(listPresets()).toEqual(expect.arrayContaining(['ci', 'embedded', 'paper']));
    for (const name of listPresets()) expect(loadPreset(name).name).toBe(name);
    const ci = loadPreset('ci');
    expect(ci.name).toBe('ci');
    expect(ci.data.source).toBe('fashion-voc');
    if (ci.data.source === 'fashion-voc') expect(ci.data.pretrain.size).toBe(64);
    expect(loadPreset('paper').data.source).toBe('real');
    expect(presetPath('ci')).toMatch(/benchmarks\/presets\/ci\.json$/);
  });

  it('keeps other stages\' sections', () => {
    expect(loadPreset('ci').pretrain).toMatchObject({ learningRate: 0.001, mgta: { k: [8, 16] } });
  });

  it.each([
    ['a misspelt section', (p: Preset) => { p.pretrian = p.pretrain; delete p.pretrain; }, 'pretrian', 'pretrain', 'the top level'],
    ['a misspelt key in a section', (p: Preset) => { p.pretrain.learningRte = 0.01; }, 'pretrain.learningRte', 'learningRate', 'pretrain'],
    ['a key nested two deep', (p: Preset) => { p.detection.rpnTestProposals.nmsTresh = 0.5; }, 'detection.rpnTestProposals.nmsTresh', 'nmsThresh', 'detection.rpnTestProposals'],
    ['a key in a schedule', (p: Preset) => { p.detection.schedules['07'].step = [1]; }, 'detection.schedules.07.step', 'steps', 'detection.schedules.07'],
    ['a key of the voc07Cls section', (p: Preset) => { p.voc07Cls.bootstrap.resample = 3; }, 'voc07Cls.bootstrap.resample', 'resamples', 'voc07Cls.bootstrap'],
    ['a key of the data section', (p: Preset) => { p.data.pretrain.fromat = 'png'; }, 'data.pretrain.fromat', 'format', 'data.pretrain'],
    ['a key of a list item', (p: Preset) => { p.regress = { invariants: [{ metric: 'a/b/c', margin: 1, wyh: 'x' }] }; }, 'regress.invariants[0].wyh', 'why', 'regress.invariants[0]'],
    ['a comment where no shipped preset has one', (p: Preset) => { p.data.comment = 'x'; }, 'data.comment', 'source', 'data'],
  ])('refuses %s, naming file, JSON path and the nearest valid key', (_case, spoil, field, suggestion, where) => {
    const preset = JSON.parse(JSON.stringify(loadPreset('ci')));
    spoil(preset);
    const file = writePreset(preset);
    expect(() => loadPreset(file)).toThrow(InputError);
    expect(() => loadPreset(file)).toThrow(`${file}: ${field}: unknown key; did you mean "${suggestion}"? (valid keys in ${where}: `);
  });

  it('checks the keys of a real-data section too', () => {
    const paper = JSON.parse(JSON.stringify(loadPreset('paper')));
    paper.data.classification.tset = 'test';
    const file = writePreset(paper);
    expect(() => loadPreset(file)).toThrow(`${file}: data.classification.tset: unknown key; did you mean "test"?`);
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
    expect(() => loadPreset(writePreset(ci))).toThrow(/data\.pretrain\.format: must be one of "png", "jpeg", got nothing/);
  });

  it('rejects bad JSON and a missing name', () => {
    expect(() => loadPreset(writePreset('{'))).toThrow(/is not valid JSON/);
    expect(() => loadPreset(writePreset({ description: '', data: {} }))).toThrow(/: name: must be a name/);
  });
});

