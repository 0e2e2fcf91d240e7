/**
 * Checkpoints on disk: a directory with manifest.json and weights.bin (little-endian float32
 * tensors, concatenated in manifest order; offset and length in BYTES). A new directory is built
 * under a temporary name and renamed into place, so a reader never sees a torn checkpoint.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { endianness } from 'node:os';
import { InputError, sha256, tempPathFor, withFsWriteErrors, writeFileAtomic, writeJsonAtomic } from '@mgta/core';
import { describeArchitecture, inferArchitecture, shapeProblems, stride1x1Field, tensorSpecs, type ResNet50Architecture } from './architecture.ts';
import { countParameters, elementCount, formatShape, type NamedWeights } from './named-weights.ts';
import { pixelNormalizationDefault, type PixelNormalization } from './pixel-normalization.ts';
import { assertWeightsMatch } from './weights-check.ts';
import { isValidWidth } from './width.ts';

export const CHECKPOINT_FORMAT = 'mgta-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

export interface CheckpointTensorEntry {
  name: string;
  /** PyTorch layout (see named-weights.ts). */
  shape: number[];
  /** Byte offset in weights.bin. */
  offset: number;
  /** Byte length: 4 * product(shape). */
  length: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  architecture: ResNet50Architecture;
  /** Learned parameters, torchvision's count (no BN running statistics). */
  parameterCount: number;
  pixelNormalization: PixelNormalization;
  tensors: CheckpointTensorEntry[];
  weightsFile: typeof WEIGHTS_FILE;
  weightsSha256: string;
  /** e.g. 'mgta init-model'. */
  createdBy: string;
  seed?: number;
  training?: Record<string, unknown>;
}

export interface CheckpointExtras {
  createdBy: string;
  seed?: number;
  training?: Record<string, unknown>;
  /** Default: pixelNormalizationDefault. */
  pixelNormalization?: PixelNormalization;
  /**
   * ResNet v1, the stage stride on layerN.0.conv1 (Detectron's RESNETS.STRIDE_1X1): recorded as
   * architecture.stride1x1, since the weights' shapes cannot tell. Default false: torchvision v1.5.
   */
  stride1x1?: boolean;
}

export interface LoadedCheckpoint {
  manifest: CheckpointManifest;
  weights: NamedWeights;
}

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('checkpoints are little-endian float32; this host is big-endian, which is not supported');
}

/**
 * Writes `weights` (whose architecture is read off the names and checked) as a checkpoint at
 * `dir`. Replaces an existing checkpoint's manifest.json and weights.bin there, leaving every
 * other file in the folder alone; refuses a non-empty directory that is not a checkpoint.
 */
export async function saveCheckpoint(dir: string, weights: NamedWeights, extras: CheckpointExtras): Promise<CheckpointManifest> {
  assertLittleEndian();
  const architecture: ResNet50Architecture = {
    ...inferArchitecture(weights.keys(), (name) => weights.get(name)?.shape),
    // Only when true, so a v1.5 manifest (and its hash) is exactly what it was before variants.
    ...stride1x1Field(extras.stride1x1 === true),
  };
  assertWeightsMatch(architecture, weights);

  const specs = tensorSpecs(architecture);
  const totalBytes = specs.reduce((sum, spec) => sum + 4 * elementCount(spec.shape), 0);
  const bytes = new Uint8Array(totalBytes);
  const tensors: CheckpointTensorEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const { data, shape } = weights.get(spec.name)!;
    new Float32Array(bytes.buffer, offset, data.length).set(data);
    tensors.push({ name: spec.name, shape: [...shape], offset, length: 4 * data.length });
    offset += 4 * data.length;
  }

  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    architecture,
    parameterCount: countParameters(weights),
    pixelNormalization: extras.pixelNormalization ?? { ...pixelNormalizationDefault },
    tensors,
    weightsFile: WEIGHTS_FILE,
    weightsSha256: sha256(bytes),
    createdBy: extras.createdBy,
    ...(extras.seed !== undefined ? { seed: extras.seed } : {}),
    ...(extras.training !== undefined ? { training: extras.training } : {}),
  };

  const target = resolve(dir);
  assertReplaceable(target);
  withFsWriteErrors(target, () => (existsSync(target) ? replaceFilesIn(target, bytes, manifest) : createDirectory(target, bytes, manifest)));
  return manifest;
}

function assertReplaceable(target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new InputError(target, 'exists and is not a directory; will not overwrite it with a checkpoint');
  if (readdirSync(target).length === 0) return;
  const manifestPath = join(target, MANIFEST_FILE);
  let isCheckpoint = false;
  try {
    isCheckpoint = JSON.parse(readFileSync(manifestPath, 'utf8')).format === CHECKPOINT_FORMAT;
  } catch {
    isCheckpoint = false;
  }
  if (!isCheckpoint) throw new InputError(target, 'is a non-empty directory that is not an mgta checkpoint; will not overwrite it');
}

/** A new checkpoint folder: built under a temp name beside it and renamed into place whole. */
function createDirectory(target: string, bytes: Uint8Array, manifest: CheckpointManifest): void {
  mkdirSync(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  try {
    writeFileAtomic(join(temp, WEIGHTS_FILE), bytes);
    writeJsonAtomic(join(temp, MANIFEST_FILE), manifest);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * An existing folder: only the checkpoint's own files are replaced, so notes or an exported
 * .onnx kept beside them survive. The new weights are staged in full first; then the old
 * manifest goes, the weights move in and the new manifest last, so a reader (or a kill) at any
 * moment finds either no manifest or one that matches weights.bin, never a mismatched pair.
 */
function replaceFilesIn(target: string, bytes: Uint8Array, manifest: CheckpointManifest): void {
  const staged = tempPathFor(join(target, WEIGHTS_FILE));
  try {
    writeFileAtomic(staged, bytes);
    rmSync(join(target, MANIFEST_FILE), { force: true });
    renameSync(staged, join(target, WEIGHTS_FILE));
  } catch (error) {
    rmSync(staged, { force: true });
    throw error;
  }
  writeJsonAtomic(join(target, MANIFEST_FILE), manifest);
}

/** Reads and checks manifest.json alone (format, architecture, tensor shapes and byte ranges). */
export function readCheckpointManifest(dir: string): CheckpointManifest {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new InputError(dir, `is not a checkpoint: ${MANIFEST_FILE} is missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new InputError(manifestPath, `is not valid JSON (${(error as Error).message})`);
  }
  return validateManifest(manifestPath, parsed);
}

/** Loads a checkpoint, verifying the weights file's sha256 and every tensor's shape. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  assertLittleEndian();
  const manifest = readCheckpointManifest(dir);
  const weightsPath = join(dir, manifest.weightsFile);
  if (!existsSync(weightsPath)) throw new InputError(weightsPath, 'is missing (named by manifest.json)');
  const bytes = await readFile(weightsPath);
  const expectedBytes = manifest.tensors.reduce((sum, entry) => sum + entry.length, 0);
  if (bytes.length !== expectedBytes) {
    throw new InputError(weightsPath, `has ${bytes.length} bytes, manifest.json describes ${expectedBytes}: truncated or not this checkpoint's weights`);
  }
  const actual = sha256(bytes);
  if (actual !== manifest.weightsSha256) {
    throw new InputError(weightsPath, `sha256 is ${actual}, manifest.json says ${manifest.weightsSha256}: the file is corrupted or was modified`);
  }
  const weights: NamedWeights = new Map();
  for (const entry of manifest.tensors) {
    // Copy out: a Buffer's byte offset need not be a multiple of 4, which Float32Array views require.
    const data = new Float32Array(entry.length / 4);
    new Uint8Array(data.buffer).set(bytes.subarray(entry.offset, entry.offset + entry.length));
    weights.set(entry.name, { shape: [...entry.shape], data });
  }
  return { manifest, weights };
}

function validateManifest(file: string, value: unknown): CheckpointManifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(file, 'must hold a JSON object');
  const manifest = value as Record<string, unknown>;
  if (manifest.format !== CHECKPOINT_FORMAT) throw new InputError(file, `format must be "${CHECKPOINT_FORMAT}", got ${JSON.stringify(manifest.format)}`, { field: 'format' });
  if (manifest.version !== CHECKPOINT_VERSION) throw new InputError(file, `version ${JSON.stringify(manifest.version)} is not supported (this reader knows version ${CHECKPOINT_VERSION})`, { field: 'version' });
  if (manifest.weightsFile !== WEIGHTS_FILE) throw new InputError(file, `weightsFile must be "${WEIGHTS_FILE}"`, { field: 'weightsFile' });
  if (typeof manifest.weightsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(manifest.weightsSha256)) {
    throw new InputError(file, 'weightsSha256 must be 64 lowercase hex digits', { field: 'weightsSha256' });
  }
  if (typeof manifest.createdBy !== 'string') throw new InputError(file, 'createdBy must be a string', { field: 'createdBy' });
  const architecture = validateArchitecture(file, manifest.architecture);
  validatePixelNormalization(file, manifest.pixelNormalization);
  const tensors = validateTensorEntries(file, manifest.tensors);

  const shapes = new Map(tensors.map((entry) => [entry.name, entry.shape] as const));
  const problems = shapeProblems(architecture, shapes);
  if (problems.length > 0) {
    throw new InputError(file, `${problems[0]} (architecture: ${describeArchitecture(architecture)})${problems.length > 1 ? `; and ${problems.length - 1} more problems` : ''}`, { field: 'tensors' });
  }
  const parameterCount = tensors
    .filter((entry) => !entry.name.endsWith('.running_mean') && !entry.name.endsWith('.running_var'))
    .reduce((sum, entry) => sum + elementCount(entry.shape), 0);
  if (manifest.parameterCount !== parameterCount) {
    throw new InputError(file, `parameterCount is ${JSON.stringify(manifest.parameterCount)}, the tensors hold ${parameterCount}`, { field: 'parameterCount' });
  }
  return manifest as unknown as CheckpointManifest;
}

function validateArchitecture(file: string, value: unknown): ResNet50Architecture {
  const field = 'architecture';
  if (typeof value !== 'object' || value === null) throw new InputError(file, 'architecture must be an object', { field });
  const architecture = value as Record<string, unknown>;
  if (architecture.name !== 'resnet50') throw new InputError(file, `architecture.name ${JSON.stringify(architecture.name)} is not supported (only "resnet50")`, { field });
  if (typeof architecture.decoder !== 'boolean') throw new InputError(file, 'architecture.decoder must be true or false', { field });
  if (architecture.decoderFrom !== undefined && architecture.decoderFrom !== 'res5' && architecture.decoderFrom !== 'res4') {
    throw new InputError(file, 'architecture.decoderFrom must be "res5" or "res4"', { field });
  }
  const classes = architecture.headClasses;
  if (classes !== undefined && !(Number.isInteger(classes) && (classes as number) > 0)) {
    throw new InputError(file, 'architecture.headClasses must be a positive integer', { field });
  }
  // Absent: width 1 (every checkpoint written before widths existed). See width.ts.
  if (architecture.width !== undefined && !isValidWidth(architecture.width)) {
    throw new InputError(file, `architecture.width ${JSON.stringify(architecture.width)} is not a ResNet-50 width: it must be a positive number with 64 × width a whole number of channels (e.g. 1, 0.5, 0.25, 0.125)`, { field });
  }
  // Absent: torchvision v1.5 (every checkpoint written before variants). Written only when true.
  if (architecture.stride1x1 !== undefined && architecture.stride1x1 !== true) {
    throw new InputError(file, `architecture.stride1x1 must be true (ResNet v1, Detectron's STRIDE_1X1) or absent (torchvision v1.5), got ${JSON.stringify(architecture.stride1x1)}`, { field });
  }
  return value as ResNet50Architecture;
}

function validatePixelNormalization(file: string, value: unknown): void {
  const field = 'pixelNormalization';
  const triple = (v: unknown): boolean => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  const p = value as Record<string, unknown> | null;
  if (typeof p !== 'object' || p === null || (p.channelOrder !== 'RGB' && p.channelOrder !== 'BGR')
    || typeof p.scale !== 'number' || !triple(p.mean) || !triple(p.std)) {
    throw new InputError(file, 'pixelNormalization must be {channelOrder: "RGB"|"BGR", scale, mean: [3], std: [3]}', { field });
  }
}

function validateTensorEntries(file: string, value: unknown): CheckpointTensorEntry[] {
  if (!Array.isArray(value)) throw new InputError(file, 'tensors must be an array', { field: 'tensors' });
  let expectedOffset = 0;
  const seen = new Set<string>();
  return value.map((raw, index) => {
    const field = `tensors[${index}]`;
    const entry = raw as Record<string, unknown>;
    const name = typeof entry?.name === 'string' ? entry.name : undefined;
    if (name === undefined) throw new InputError(file, 'tensor entry has no name', { field });
    if (seen.has(name)) throw new InputError(file, `tensor ${name} is listed twice`, { field });
    seen.add(name);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && size > 0)) {
      throw new InputError(file, `tensor ${name}: shape must be an array of positive integers`, { field });
    }
    if (entry.length !== 4 * elementCount(shape)) {
      throw new InputError(file, `tensor ${name}: length ${JSON.stringify(entry.length)} bytes does not fit shape ${formatShape(shape)} (${4 * elementCount(shape)} bytes)`, { field });
    }
    if (entry.offset !== expectedOffset) {
      throw new InputError(file, `tensor ${name}: offset ${JSON.stringify(entry.offset)}, expected ${expectedOffset} (tensors are stored back to back in manifest order)`, { field });
    }
    expectedOffset += entry.length as number;
    return { name, shape: shape as number[], offset: entry.offset as number, length: entry.length as number };
  });
}
