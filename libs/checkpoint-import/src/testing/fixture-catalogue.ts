/**
 * The committed checkpoint fixtures (written once by PyTorch with
 * benchmarks/reference/make-checkpoint-fixtures.py; see fixtures/README.md) and a reader for
 * their N-dimensional float32 .npy files (libs/features' reader is for 2-D feature matrices).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

export interface FixtureEntry {
  file: string;
  format: string;
  trunk?: { path: string[]; keyPrefix: string; naming: 'torchvision' | 'detectron' };
  width?: number;
  variant?: 'v1' | 'v1.5';
  dtype?: string;
  res4?: string;
  nonTensorGlobals?: Array<{ global: string; at: string[] }>;
  malicious?: { expect: string; refusedGlobal?: string; alsoKnownAs?: string; placeholderGlobal?: string; at: string[]; marker: string };
}

export function readCatalogue(): FixtureEntry[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'fixtures.json'), 'utf8')) as { fixtures: FixtureEntry[] }).fixtures;
}

export interface NdArray {
  shape: number[];
  data: Float32Array;
}

export function readFloat32Npy(file: string): NdArray {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True")) throw new Error(`${file}: expected a C-order float32 .npy`);
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const raw = bytes.subarray(10 + headerLength);
  const data = new Float32Array(raw.byteLength / 4);
  for (let i = 0; i < data.length; i++) data[i] = raw.readFloatLE(4 * i);
  return { shape, data };
}
