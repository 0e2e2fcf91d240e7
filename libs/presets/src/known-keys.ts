import { InputError } from '@mgta/core';
import { closestName } from './closest-name.ts';

/**
 * The keys an object of a preset may have: each maps to the shape of its value. ANY_VALUE is
 * a leaf (number, string, list of numbers, null); a ListOf is a list of objects of one shape;
 * a function picks the shape from the object itself (`data`'s keys depend on its `source`).
 */
export type KeyShape = typeof ANY_VALUE | ListOf | { readonly [key: string]: KeyShape } | ((value: Record<string, unknown>) => KeyShape);
export const ANY_VALUE = 'any value';

export class ListOf {
  constructor(readonly item: KeyShape) {}
}

/**
 * Refuses the first key that the shape does not know, at any depth, naming the file, the key's
 * JSON path and the nearest valid key. A misspelt key would otherwise be ignored and its
 * setting silently take the default. Values are not checked here: the stage that owns a
 * section checks them (and reports a wrong type with its own message).
 */
export function checkKnownKeys(value: unknown, shape: KeyShape, path: string, file: string): void {
  if (shape instanceof ListOf) {
    if (Array.isArray(value)) value.forEach((item, index) => checkKnownKeys(item, shape.item, `${path}[${index}]`, file));
    return;
  }
  if (shape === ANY_VALUE || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const object = value as Record<string, unknown>;
  const keys = typeof shape === 'function' ? shape(object) : shape;
  if (keys === ANY_VALUE || keys instanceof ListOf || typeof keys === 'function') return checkKnownKeys(value, keys, path, file);
  const valid = Object.keys(keys);
  for (const [key, child] of Object.entries(object)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (!Object.hasOwn(keys, key)) {
      const where = path === '' ? 'the top level' : path;
      throw new InputError(file, `unknown key; did you mean "${closestName(key, valid)}"? (valid keys in ${where}: ${valid.join(', ')})`, { field });
    }
    checkKnownKeys(child, keys[key], field, file);
  }
}
