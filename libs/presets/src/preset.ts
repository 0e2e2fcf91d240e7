import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@mgta/core';
import { parseDataPreset, type DataPreset } from './data-preset.ts';
import { checkKnownKeys } from './known-keys.ts';
import { PRESET_SHAPE } from './preset-shape.ts';

/** benchmarks/presets/ in this repository. */
export const PRESETS_DIR = fileURLToPath(new URL('../../../benchmarks/presets/', import.meta.url));

/**
 * A benchmark preset: `benchmarks/presets/<name>.json`. Each stage owns one section (`data`
 * here) and validates its values itself; which keys may appear anywhere in the file is checked
 * here, on load (preset-shape.ts).
 */
export interface Preset {
  name: string;
  description: string;
  data: DataPreset;
  [stage: string]: unknown;
}

export function presetPath(name: string): string {
  return resolve(PRESETS_DIR, `${name}.json`);
}

export function listPresets(): string[] {
  if (!existsSync(PRESETS_DIR)) return [];
  return readdirSync(PRESETS_DIR).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json')).sort();
}

const isPresetPath = (nameOrPath: string): boolean =>
  nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');

/** The file a preset name or path refers to. */
export function presetFile(nameOrPath: string): string {
  return isPresetPath(nameOrPath) ? resolve(nameOrPath) : presetPath(nameOrPath);
}

/** A preset by name (`ci`, `embedded`, `paper`) or by path to a JSON file. */
export function loadPreset(nameOrPath: string): Preset {
  const isPath = isPresetPath(nameOrPath);
  const file = presetFile(nameOrPath);
  if (!existsSync(file)) {
    const known = listPresets();
    throw new InputError(file, isPath ? 'preset file does not exist' : `no preset "${nameOrPath}" (known: ${known.join(', ') || 'none'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(file, `is not valid JSON (${(error as Error).message})`);
  }
  return parsePreset(json, file);
}

export function parsePreset(json: unknown, file: string): Preset {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError(file, 'a preset must be a JSON object');
  const raw = json as Record<string, unknown>;
  checkKnownKeys(raw, PRESET_SHAPE, '', file);
  if (typeof raw.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(raw.name)) {
    throw new InputError(file, `must be a name of letters, digits, '.', '_' or '-', got ${JSON.stringify(raw.name) ?? 'nothing'}`, { field: 'name' });
  }
  if (typeof raw.description !== 'string') {
    throw new InputError(file, `must be a string, got ${JSON.stringify(raw.description) ?? 'nothing'}`, { field: 'description' });
  }
  return { ...raw, name: raw.name, description: raw.description, data: parseDataPreset(raw.data, file) };
}
