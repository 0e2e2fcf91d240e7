import { InputError } from '@mgta/core';
import { checkKnownKeys } from './known-keys.ts';
import { DATA_SHAPE } from './preset-shape.ts';

/**
 * The `data` section of a preset. `fashion-voc` presets describe the embedded data set that
 * `mgta make-fashion-voc` generates; `real` presets name real data sets (the paper's setting)
 * that must be provided by the user and are never generated.
 */
export type DataPreset = FashionVocDataPreset | RealDataPreset;

export interface FashionVocDataPreset {
  source: 'fashion-voc';
  pretrain: {
    /** Number of object-centric images (stand-in for miniImageNet's 60,000). */
    images: number;
    /** Square side in pixels. */
    size: number;
    format: 'png' | 'jpeg';
    /** Item side as a fraction of `size`, uniform in [min, max]; default [0.55, 0.95] (fashion-voc rules.ts). */
    itemScale?: [number, number];
    /** How far (fraction of the item's side) an item may start outside the image; default 0.1. */
    maxOutsideOffset?: number;
    /** The item's centre stays within this fraction of `size` of the image centre, on each axis; default: no limit. */
    maxCentreShift?: number;
    /** Images per distinct item, each with its own tint, background, place and scale; default 1. */
    renderingsPerItem?: number;
    /** Fraction of pretraining ITEMS held out (all their renderings) in pretrain/holdout.txt; default 0: no file. */
    holdoutFraction?: number;
  };
  /** Background and tint strengths, shared by pretraining images and scenes; every field optional (fashion-voc texture.ts). */
  appearance?: FashionVocAppearance;
  scenes: {
    /** Each scene's width and height are drawn independently from [minSize, maxSize]. */
    minSize: number;
    maxSize: number;
    /** Items per scene are drawn uniformly from [1, maxItems]. */
    maxItems: number;
    /** An item's drawn side is this fraction of the scene's shorter side, uniform in [min, max]. */
    minItemScale: number;
    maxItemScale: number;
    /** JPEG quality of JPEGImages/ (VOC's own JPEGs are around quality 90). */
    jpegQuality: number;
    /**
     * Each scene's [width, height] drawn uniformly from this list (repeat an entry to weight it)
     * instead of width and height each from [minSize, maxSize]; every side lies in [minSize, maxSize].
     * E.g. PASCAL VOC's usual 500x375, 500x333, 375x500. Default: absent.
     */
    sizes?: Array<[number, number]>;
    /**
     * Name each scene object `<class>-warm` or `<class>-cool` by the hue of its tint (fashion-voc
     * rules.ts), so the 10 item classes give 20 (VOC's count of one-vs-rest problems). Default false.
     */
    classesByTint?: boolean;
    /**
     * When the scenes need more Fashion-MNIST items than the set holds, each scene pool cycles
     * through its share of the items instead of failing: items repeat within a pool, pools stay
     * disjoint (for speed benchmarks at VOC's size). Default false.
     */
    reuseItems?: boolean;
  };
  voc2007: {
    trainval: number;
    test: number;
    /** Fraction of trainval that goes to val (VOC2007: 2510 of 5011 ≈ 0.5). */
    valFraction: number;
  };
  voc2012: { trainval: number; valFraction: number };
}

/** The background texture families of Fashion-VOC (libs/fashion-voc texture.ts draws them). */
export const BACKGROUND_TEXTURE_NAMES = ['noise', 'stripes', 'gradient', 'plain'] as const;
export type BackgroundTextureName = (typeof BACKGROUND_TEXTURE_NAMES)[number];

export interface FashionVocAppearance {
  background?: {
    /** Families each background picks from, uniformly; default ["noise", "stripes", "gradient"]. */
    textures?: BackgroundTextureName[];
    /** HSV saturation and value ranges of the background colours; default [0, 0.5] and [0.2, 0.85]. */
    saturation?: [number, number];
    brightness?: [number, number];
    /** Second colour pulled towards the first: 1 = independent (default), 0 = one colour. */
    contrast?: number;
    /** Per-pixel noise amplitude, grey levels ±; default 12. */
    noise?: number;
  };
  tint?: {
    /** HSV saturation and value ranges of item tints; default [0.45, 1] and [0.7, 1]. */
    saturation?: [number, number];
    brightness?: [number, number];
  };
}

export interface RealDataPreset {
  source: 'real';
  pretrain: { dataset: string; images: number };
  /** Description of the evaluation data (kept as written; its keys are in preset-shape.ts). */
  [key: string]: unknown;
}

type Json = Record<string, unknown>;

class Checker {
  constructor(readonly file: string) {}

  object(value: unknown, field: string): Json {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(this.file, `must be an object, got ${JSON.stringify(value) ?? 'nothing'}`, { field });
    }
    return value as Json;
  }

  integer(parent: Json, key: string, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = parent[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new InputError(this.file, `must be an integer in [${min}, ${max}], got ${JSON.stringify(value) ?? 'nothing'}`, { field: `${field}.${key}` });
    }
    return value;
  }

  fraction(parent: Json, key: string, field: string, min: number, max: number): number {
    const value = parent[key];
    if (typeof value !== 'number' || !(value >= min && value <= max)) {
      throw new InputError(this.file, `must be a number in [${min}, ${max}], got ${JSON.stringify(value) ?? 'nothing'}`, { field: `${field}.${key}` });
    }
    return value;
  }

  oneOf<T extends string>(parent: Json, key: string, field: string, options: readonly T[]): T {
    const value = parent[key];
    if (typeof value !== 'string' || !options.includes(value as T)) {
      throw new InputError(this.file, `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(value) ?? 'nothing'}`, { field: `${field}.${key}` });
    }
    return value as T;
  }

  string(parent: Json, key: string, field: string): string {
    const value = parent[key];
    if (typeof value !== 'string' || value.length === 0) {
      throw new InputError(this.file, `must be a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`, { field: `${field}.${key}` });
    }
    return value;
  }

}

/** Validates a preset's `data` section; `file` names the preset in errors. */
export function parseDataPreset(value: unknown, file: string): DataPreset {
  const check = new Checker(file);
  const data = check.object(value, 'data');
  checkKnownKeys(data, DATA_SHAPE, 'data', file);
  const source = check.oneOf(data, 'source', 'data', ['fashion-voc', 'real'] as const);
  if (source === 'real') {
    const pretrain = check.object(data.pretrain, 'data.pretrain');
    check.string(pretrain, 'dataset', 'data.pretrain');
    check.integer(pretrain, 'images', 'data.pretrain', 1);
    return data as RealDataPreset;
  }

  const pretrainJson = check.object(data.pretrain, 'data.pretrain');
  const pretrain = {
    images: check.integer(pretrainJson, 'images', 'data.pretrain', 1),
    size: check.integer(pretrainJson, 'size', 'data.pretrain', 16, 1024),
    format: check.oneOf(pretrainJson, 'format', 'data.pretrain', ['png', 'jpeg'] as const),
    ...parsePretrainNuisances(pretrainJson, file),
  };
  const appearance = data.appearance === undefined ? {} : { appearance: parseAppearance(data.appearance, file) };

  const scenesJson = check.object(data.scenes, 'data.scenes');
  const minSize = check.integer(scenesJson, 'minSize', 'data.scenes', 32, 2048);
  const maxSize = check.integer(scenesJson, 'maxSize', 'data.scenes', minSize, 2048);
  const minItemScale = check.fraction(scenesJson, 'minItemScale', 'data.scenes', 0.05, 1);
  const scenes = {
    minSize,
    maxSize,
    maxItems: check.integer(scenesJson, 'maxItems', 'data.scenes', 1, 20),
    minItemScale,
    maxItemScale: check.fraction(scenesJson, 'maxItemScale', 'data.scenes', minItemScale, 1),
    jpegQuality: check.integer(scenesJson, 'jpegQuality', 'data.scenes', 50, 100),
    ...parseSceneOptions(scenesJson, minSize, maxSize, file),
  };

  const voc2007Json = check.object(data.voc2007, 'data.voc2007');
  const voc2007 = {
    trainval: check.integer(voc2007Json, 'trainval', 'data.voc2007', 2),
    test: check.integer(voc2007Json, 'test', 'data.voc2007', 1),
    valFraction: check.fraction(voc2007Json, 'valFraction', 'data.voc2007', 0.01, 0.99),
  };
  const voc2012Json = check.object(data.voc2012, 'data.voc2012');
  const voc2012 = {
    trainval: check.integer(voc2012Json, 'trainval', 'data.voc2012', 2),
    valFraction: check.fraction(voc2012Json, 'valFraction', 'data.voc2012', 0.01, 0.99),
  };
  return { source, pretrain, ...appearance, scenes, voc2007, voc2012 };
}

/*
 * The optional nuisance settings of Fashion-VOC. A field the preset leaves out stays out of the
 * parsed preset (not `undefined`), so the manifest and request key of a preset without them are
 * what they were before these settings existed, and so are the generated files.
 */

function optionalNumber(parent: Json, key: string, field: string, file: string, min: number, max: number, integer = false): number | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    throw new InputError(file, `must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(value)}`, { field: `${field}.${key}` });
  }
  return value;
}

function optionalRange(parent: Json, key: string, field: string, file: string, min: number, max: number): [number, number] | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && v >= min && v <= max) && value[0] <= value[1];
  if (!ok) {
    throw new InputError(file, `must be [low, high] with ${min} <= low <= high <= ${max}, got ${JSON.stringify(value)}`, { field: `${field}.${key}` });
  }
  return [value[0], value[1]];
}

function optionalObject(parent: Json, key: string, field: string, file: string): Json | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(file, `must be an object, got ${JSON.stringify(value)}`, { field: `${field}.${key}` });
  }
  return value as Json;
}

/** Only the keys that are set. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function parsePretrainNuisances(
  pretrain: Json, file: string,
): Pick<FashionVocDataPreset['pretrain'], 'itemScale' | 'maxOutsideOffset' | 'maxCentreShift' | 'renderingsPerItem' | 'holdoutFraction'> {
  const field = 'data.pretrain';
  return defined({
    itemScale: optionalRange(pretrain, 'itemScale', field, file, 0.1, 1),
    maxOutsideOffset: optionalNumber(pretrain, 'maxOutsideOffset', field, file, 0, 0.5),
    maxCentreShift: optionalNumber(pretrain, 'maxCentreShift', field, file, 0, 0.5),
    renderingsPerItem: optionalNumber(pretrain, 'renderingsPerItem', field, file, 1, 100, true),
    holdoutFraction: optionalNumber(pretrain, 'holdoutFraction', field, file, 0, 0.5),
  });
}

function optionalBoolean(parent: Json, key: string, field: string, file: string): boolean | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InputError(file, `must be true or false, got ${JSON.stringify(value)}`, { field: `${field}.${key}` });
  return value;
}

function parseSceneOptions(
  scenes: Json, minSize: number, maxSize: number, file: string,
): Pick<FashionVocDataPreset['scenes'], 'sizes' | 'classesByTint' | 'reuseItems'> {
  const field = 'data.scenes';
  let sizes: Array<[number, number]> | undefined;
  if (scenes.sizes !== undefined) {
    const list = scenes.sizes;
    const side = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= minSize && v <= maxSize;
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => Array.isArray(s) && s.length === 2 && side(s[0]) && side(s[1]))) {
      throw new InputError(file, `must be a non-empty list of [width, height] with whole sides in [minSize, maxSize] = [${minSize}, ${maxSize}], got ${JSON.stringify(list)}`, { field: `${field}.sizes` });
    }
    sizes = list.map((s) => [s[0], s[1]] as [number, number]);
  }
  return defined({
    sizes,
    classesByTint: optionalBoolean(scenes, 'classesByTint', field, file),
    reuseItems: optionalBoolean(scenes, 'reuseItems', field, file),
  });
}

function parseAppearance(value: unknown, file: string): FashionVocAppearance {
  const appearance = optionalObject({ appearance: value }, 'appearance', 'data', file)!;
  const out: FashionVocAppearance = {};
  const background = optionalObject(appearance, 'background', 'data.appearance', file);
  if (background) {
    const field = 'data.appearance.background';
    let textures: BackgroundTextureName[] | undefined;
    if (background.textures !== undefined) {
      const list = background.textures;
      const known = BACKGROUND_TEXTURE_NAMES as readonly string[];
      if (!Array.isArray(list) || list.length === 0 || !list.every((t) => typeof t === 'string' && known.includes(t)) || new Set(list).size !== list.length) {
        throw new InputError(file, `must be a non-empty list of distinct names out of ${known.map((t) => JSON.stringify(t)).join(', ')}, got ${JSON.stringify(list)}`, { field: `${field}.textures` });
      }
      textures = [...list] as BackgroundTextureName[];
    }
    out.background = defined({
      textures,
      saturation: optionalRange(background, 'saturation', field, file, 0, 1),
      brightness: optionalRange(background, 'brightness', field, file, 0, 1),
      contrast: optionalNumber(background, 'contrast', field, file, 0, 1),
      noise: optionalNumber(background, 'noise', field, file, 0, 128),
    });
  }
  const tint = optionalObject(appearance, 'tint', 'data.appearance', file);
  if (tint) {
    const field = 'data.appearance.tint';
    out.tint = defined({
      saturation: optionalRange(tint, 'saturation', field, file, 0, 1),
      brightness: optionalRange(tint, 'brightness', field, file, 0, 1),
    });
  }
  return out;
}
