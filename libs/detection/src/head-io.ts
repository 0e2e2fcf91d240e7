import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '@mgta/core';
import type { HeadWeights } from './heads.ts';

type Arrays = Map<string, { shape: number[]; data: Float32Array }>;

const INDEX = 'tensors.json';
const DATA = 'tensors.bin';

/** Writes named float32 tensors (groups: e.g. trainable, frozen, momentum) + metadata as one folder, atomically. */
export function writeTensorFolder(dir: string, groups: Record<string, Arrays>, meta: Record<string, unknown>): void {
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const entries: Array<{ group: string; name: string; shape: number[]; offset: number; length: number }> = [];
  let total = 0;
  for (const [group, tensors] of Object.entries(groups)) for (const [name, t] of tensors) { entries.push({ group, name, shape: t.shape, offset: total, length: t.data.length }); total += t.data.length; }
  const data = new Float32Array(total);
  for (const e of entries) data.set(groups[e.group].get(e.name)!.data, e.offset);
  writeFileAtomic(join(temp, DATA), new Uint8Array(data.buffer));
  writeJsonAtomic(join(temp, INDEX), { ...meta, tensors: entries });
  // The previous folder is moved aside, not deleted, until the new one is in place: a crash
  // between the two renames leaves the old weights beside the folder (`.old-<pid>`), not nothing.
  const old = `${dir}.old-${process.pid}`;
  const hadPrevious = existsSync(dir);
  if (hadPrevious) renameSync(dir, old);
  renameSync(temp, dir);
  if (hadPrevious) rmSync(old, { recursive: true, force: true });
}

export function readTensorFolder(dir: string): { groups: Record<string, Arrays>; meta: Record<string, unknown> } {
  const index = JSON.parse(readFileSync(join(dir, INDEX), 'utf8')) as { tensors: Array<{ group: string; name: string; shape: number[]; offset: number; length: number }> } & Record<string, unknown>;
  const bytes = readFileSync(join(dir, DATA));
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const groups: Record<string, Arrays> = {};
  for (const e of index.tensors) {
    (groups[e.group] ??= new Map()).set(e.name, { shape: e.shape, data: data.slice(e.offset, e.offset + e.length) });
  }
  const { tensors: _, ...meta } = index;
  return { groups, meta };
}

export function hasTensorFolder(dir: string): boolean {
  return existsSync(join(dir, INDEX));
}

export function readVariables(map: Map<string, tf.Tensor>): Arrays {
  return new Map([...map].map(([name, t]) => [name, { shape: [...t.shape], data: new Float32Array(t.dataSync() as Float32Array) }]));
}

/** Head weights from arrays (as written by writeTensorFolder). */
export function headWeightsFromArrays(trainable: Arrays, frozen: Arrays): HeadWeights {
  return {
    trainable: new Map([...trainable].map(([name, t]) => [name, tf.variable(tf.tensor(t.data, t.shape), true, `det/${name}/${Math.random().toString(36).slice(2)}`)])),
    frozen: new Map([...frozen].map(([name, t]) => [name, tf.tensor(t.data, t.shape)])),
  };
}

/** A trained detector's heads + its protocol and provenance (`<dir>/tensors.json|bin`). */
export function saveDetectorHeads(dir: string, weights: HeadWeights, meta: Record<string, unknown>): void {
  writeTensorFolder(dir, { trainable: readVariables(weights.trainable), frozen: readVariables(weights.frozen) }, { format: 'mgta-det-heads', version: 1, ...meta });
}

export function loadDetectorHeads(dir: string): { weights: HeadWeights; meta: Record<string, unknown> } {
  const { groups, meta } = readTensorFolder(dir);
  if (meta.format !== 'mgta-det-heads') throw new Error(`${dir} is not a detector heads folder (format ${String(meta.format)})`);
  return { weights: headWeightsFromArrays(groups.trainable, groups.frozen), meta };
}
