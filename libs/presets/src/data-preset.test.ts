import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { parseDataPreset, type FashionVocDataPreset } from './data-preset.ts';
import { loadPreset, parsePreset } from './preset.ts';

const FILE = '/presets/x.json';
const BASE = {
  source: 'fashion-voc',
  pretrain: { images: 10, size: 32, format: 'png' },
  scenes: { minSize: 64, maxSize: 80, maxItems: 4, minItemScale: 0.2, maxItemScale: 0.6, jpegQuality: 90 },
  voc2007: { trainval: 20, test: 20, valFraction: 0.5 },
  voc2012: { trainval: 10, valFraction: 0.5 },
};
type Json = Record<string, any>;
const withData = (change: (data: Json) => void): Json => {
  const data = structuredClone(BASE) as Json;
  change(data);
  return data;
};

describe('parseDataPreset: the optional nuisance settings', () => {
  it('leaves absent settings absent (the parsed preset, its manifest and request key are as before)', () => {
    const parsed = parseDataPreset(structuredClone(BASE), FILE) as FashionVocDataPreset;
    expect(parsed).toEqual(BASE);
    expect(Object.keys(parsed.pretrain)).toEqual(['images', 'size', 'format']);
    expect(parsed).not.toHaveProperty('appearance');
  });

  it('reads every setting, and only the ones given', () => {
    const parsed = parseDataPreset(withData((d) => {
      Object.assign(d.pretrain, { itemScale: [0.5, 0.9], maxOutsideOffset: 0.05, maxCentreShift: 0.05, renderingsPerItem: 2, holdoutFraction: 0.1 });
      d.appearance = { background: { textures: ['noise', 'plain'], saturation: [0, 0.3], brightness: [0.05, 0.3], contrast: 0.3, noise: 6 }, tint: { brightness: [0.8, 1] } };
    }), FILE) as FashionVocDataPreset;
    expect(parsed.pretrain).toEqual({ images: 10, size: 32, format: 'png', itemScale: [0.5, 0.9], maxOutsideOffset: 0.05, maxCentreShift: 0.05, renderingsPerItem: 2, holdoutFraction: 0.1 });
    expect(parsed.appearance).toEqual({
      background: { textures: ['noise', 'plain'], saturation: [0, 0.3], brightness: [0.05, 0.3], contrast: 0.3, noise: 6 },
      tint: { brightness: [0.8, 1] },
    });
    expect(parseDataPreset(withData((d) => { d.appearance = { tint: {} }; }), FILE)).toMatchObject({ appearance: { tint: {} } });
  });

  it.each([
    ['data.pretrain.itemScale', (d: Json) => { d.pretrain.itemScale = [0.9, 0.5]; }, 'must be [low, high] with 0.1 <= low <= high <= 1, got [0.9,0.5]'],
    ['data.pretrain.itemScale', (d: Json) => { d.pretrain.itemScale = 0.5; }, 'must be [low, high] with 0.1 <= low <= high <= 1, got 0.5'],
    ['data.pretrain.itemScale', (d: Json) => { d.pretrain.itemScale = [0.05, 0.5]; }, 'got [0.05,0.5]'],
    ['data.pretrain.maxOutsideOffset', (d: Json) => { d.pretrain.maxOutsideOffset = 0.8; }, 'must be a number in [0, 0.5], got 0.8'],
    ['data.pretrain.maxCentreShift', (d: Json) => { d.pretrain.maxCentreShift = -0.1; }, 'must be a number in [0, 0.5], got -0.1'],
    ['data.pretrain.renderingsPerItem', (d: Json) => { d.pretrain.renderingsPerItem = 1.5; }, 'must be an integer in [1, 100], got 1.5'],
    ['data.pretrain.renderingsPerItem', (d: Json) => { d.pretrain.renderingsPerItem = 0; }, 'must be an integer in [1, 100], got 0'],
    ['data.pretrain.holdoutFraction', (d: Json) => { d.pretrain.holdoutFraction = '10%'; }, 'must be a number in [0, 0.5], got "10%"'],
    ['data.pretrain.holdoutFraction', (d: Json) => { d.pretrain.holdoutFraction = 0.9; }, 'must be a number in [0, 0.5], got 0.9'],
    ['data.appearance', (d: Json) => { d.appearance = [1]; }, 'must be an object, got [1]'],
    ['data.appearance.background', (d: Json) => { d.appearance = { background: 'dark' }; }, 'must be an object, got "dark"'],
    ['data.appearance.background.textures', (d: Json) => { d.appearance = { background: { textures: ['checkers'] } }; },
      'must be a non-empty list of distinct names out of "noise", "stripes", "gradient", "plain", got ["checkers"]'],
    ['data.appearance.background.textures', (d: Json) => { d.appearance = { background: { textures: [] } }; }, 'got []'],
    ['data.appearance.background.textures', (d: Json) => { d.appearance = { background: { textures: ['noise', 'noise'] } }; }, 'got ["noise","noise"]'],
    ['data.appearance.background.saturation', (d: Json) => { d.appearance = { background: { saturation: [0, 1.5] } }; }, 'must be [low, high] with 0 <= low <= high <= 1, got [0,1.5]'],
    ['data.appearance.background.brightness', (d: Json) => { d.appearance = { background: { brightness: [0.2] } }; }, 'got [0.2]'],
    ['data.appearance.background.contrast', (d: Json) => { d.appearance = { background: { contrast: 2 } }; }, 'must be a number in [0, 1], got 2'],
    ['data.appearance.background.noise', (d: Json) => { d.appearance = { background: { noise: -1 } }; }, 'must be a number in [0, 128], got -1'],
    ['data.appearance.tint.saturation', (d: Json) => { d.appearance = { tint: { saturation: ['0', 1] } }; }, 'got ["0",1]'],
    ['data.appearance.tint.brightness', (d: Json) => { d.appearance = { tint: { brightness: [1, 0.5] } }; }, 'got [1,0.5]'],
  ])('refuses a bad %s, naming the preset file and the field', (field, spoil, message) => {
    const data = withData(spoil);
    expect(() => parseDataPreset(data, FILE)).toThrow(InputError);
    expect(() => parseDataPreset(data, FILE)).toThrow(`${FILE}: ${field}: `);
    expect(() => parseDataPreset(data, FILE)).toThrow(message);
  });

  it('refuses a misspelt nuisance key when the preset is loaded (preset-shape.ts knows the new keys)', () => {
    const preset = (data: Json) => ({ name: 'x', description: '', data });
    expect(() => parsePreset(preset(withData((d) => { d.appearance = { backgrund: {} }; })), FILE))
      .toThrow(`${FILE}: data.appearance.backgrund: unknown key; did you mean "background"?`);
    expect(() => parsePreset(preset(withData((d) => { d.pretrain.holdoutFraktion = 0.1; })), FILE))
      .toThrow(`${FILE}: data.pretrain.holdoutFraktion: unknown key; did you mean "holdoutFraction"?`);
  });

  it('reads the optional scene settings (sizes, classesByTint, reuseItems) and refuses bad ones', () => {
    const scenes = (change: (scenes: Json) => void) => parseDataPreset(withData((d) => { d.scenes.minSize = 64; d.scenes.maxSize = 500; change(d.scenes); }), FILE) as FashionVocDataPreset;
    expect(Object.keys(scenes(() => {}).scenes)).toEqual(['minSize', 'maxSize', 'maxItems', 'minItemScale', 'maxItemScale', 'jpegQuality']);
    expect(scenes((s) => { s.sizes = [[500, 375], [375, 500]]; s.classesByTint = true; s.reuseItems = false; }).scenes)
      .toMatchObject({ sizes: [[500, 375], [375, 500]], classesByTint: true, reuseItems: false });
    const refuse = (change: (scenes: Json) => void, field: string, message: string) => {
      expect(() => scenes(change)).toThrow(InputError);
      expect(() => scenes(change)).toThrow(`${FILE}: data.scenes.${field}: `);
      expect(() => scenes(change)).toThrow(message);
    };
    refuse((s) => { s.sizes = [[501, 375]]; }, 'sizes', 'must be a non-empty list of [width, height] with whole sides in [minSize, maxSize] = [64, 500], got [[501,375]]');
    refuse((s) => { s.sizes = []; }, 'sizes', 'got []');
    refuse((s) => { s.sizes = [[500]]; }, 'sizes', 'got [[500]]');
    refuse((s) => { s.sizes = [[500, 37.5]]; }, 'sizes', 'got [[500,37.5]]');
    refuse((s) => { s.classesByTint = 'yes'; }, 'classesByTint', 'must be true or false, got "yes"');
    refuse((s) => { s.reuseItems = 1; }, 'reuseItems', 'must be true or false, got 1');
    const preset = (data: Json) => ({ name: 'x', description: '', data });
    expect(() => parsePreset(preset(withData((d) => { d.scenes.classesByTints = true; })), FILE))
      .toThrow(`${FILE}: data.scenes.classesByTints: unknown key; did you mean "classesByTint"?`);
  });

  it('parses the shipped ci preset\'s settings', () => {
    const data = loadPreset('ci').data as FashionVocDataPreset;
    expect(data.pretrain.holdoutFraction).toBe(0.1);
    expect(data.appearance?.background?.textures).toEqual(['noise', 'stripes', 'gradient']);
  });
});
