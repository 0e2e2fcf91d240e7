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
  };
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
  };
  voc2007: {
    trainval: number;
    test: number;
    /** Fraction of trainval that goes to val (VOC2007: 2510 of 5011 ≈ 0.5). */
    valFraction: number;
  };
  voc2012: { trainval: number; valFraction: number };
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
  };

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
  return { source, pretrain, scenes, voc2007, voc2012 };
}
