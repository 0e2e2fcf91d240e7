/**
 * The whole model's architecture: ResNet-50 encoder, optional fc head, optional MGTA decoder.
 * Lists every tensor in checkpoint order and checks weight maps against it.
 */
import { encoderTensorSpecs, featureChannels, type DecoderStart } from './encoder-architecture.ts';
import { decoderTensorSpecs } from './decoder-architecture.ts';
import type { TensorSpec } from './tensor-spec.ts';
import { BASE_STEM_CHANNELS, DEFAULT_WIDTH, checkWidth, formatWidth, widthFromStemChannels } from './width.ts';

export interface ResNet50Architecture {
  name: 'resnet50';
  /** Whether the MGTA decoder (Table 1) is part of the model. */
  decoder: boolean;
  /** Which feature the decoder reads; only meaningful with `decoder`, default 'res5'. */
  decoderFrom?: DecoderStart;
  /** Classes of the `fc` head; absent means no fc (the encoder alone). */
  headClasses?: number;
  /**
   * Width multiplier (width.ts): every channel count times this. Absent means 1 (torchvision's
   * ResNet-50, and every checkpoint written before widths existed); written only when not 1.
   */
  width?: number;
  /** Detectron/Caffe2 MSRA ResNet v1 (RESNETS.STRIDE_1X1): the stage stride on layerN.0.conv1, not conv2. Absent = torchvision v1.5; written only when true. */
  stride1x1?: true;
}

/** The architecture's width multiplier, checked (1 when absent). */
export function widthOf(architecture: Pick<ResNet50Architecture, 'width'>): number {
  return architecture.width === undefined ? DEFAULT_WIDTH : checkWidth(architecture.width, 'architecture.width');
}

/**
 * Whether the architecture is ResNet v1 with the stage stride on the first 1x1 conv (Detectron's
 * RESNETS.STRIDE_1X1), false for torchvision's v1.5 (absent). Only `true` or absence are valid:
 * anything else is a bug in whoever built the object, not a variant.
 */
export function stride1x1Of(architecture: Pick<ResNet50Architecture, 'stride1x1'>): boolean {
  const value: unknown = architecture.stride1x1;
  if (value === undefined) return false;
  if (value === true) return true;
  throw new Error(`architecture.stride1x1 must be true or absent (absent: torchvision v1.5), got ${JSON.stringify(value)}`);
}

/** The variant fields of an architecture, spelled as stored: `{ stride1x1: true }` for v1, `{}` for v1.5. */
export function stride1x1Field(stride1x1: boolean): Pick<ResNet50Architecture, 'stride1x1'> {
  return stride1x1 ? { stride1x1: true } : {};
}

/** Every tensor of the architecture, in the order the checkpoint stores them. */
export function tensorSpecs(architecture: ResNet50Architecture): TensorSpec[] {
  const width = widthOf(architecture);
  const specs = encoderTensorSpecs(width);
  if (architecture.headClasses !== undefined) {
    const features = featureChannels('res5', width);
    specs.push(
      { name: 'fc.weight', shape: [architecture.headClasses, features], kind: 'linearWeight' },
      { name: 'fc.bias', shape: [architecture.headClasses], kind: 'linearBias' },
    );
  }
  if (architecture.decoder) specs.push(...decoderTensorSpecs(architecture.decoderFrom ?? 'res5', width));
  return specs;
}

/**
 * The width of a weight map, read off conv1.weight's out-channels / 64 (1 when conv1.weight is
 * absent: shapeProblems then reports it missing). Whether every other tensor agrees with that
 * width is shapeProblems' job.
 */
export function inferWidth(shapeOf: (name: string) => readonly number[] | undefined): number {
  const conv1 = shapeOf('conv1.weight');
  if (conv1 === undefined || conv1.length !== 4) return DEFAULT_WIDTH;
  return widthFromStemChannels(conv1[0]);
}

/**
 * Reads the architecture off a weight map (width from conv1; fc present? decoder present, from where?).
 * Never `stride1x1`: v1 and v1.5 have the same tensors, so the caller adds it from the source format.
 */
export function inferArchitecture(names: Iterable<string>, shapeOf: (name: string) => number[] | undefined): ResNet50Architecture {
  const all = new Set(names);
  const architecture: ResNet50Architecture = { name: 'resnet50', decoder: false };
  const width = inferWidth(shapeOf);
  if (width !== DEFAULT_WIDTH) architecture.width = width;
  const fcShape = shapeOf('fc.weight');
  if (fcShape !== undefined) architecture.headClasses = fcShape[0];
  if ([...all].some((name) => name.startsWith('decoder.'))) {
    architecture.decoder = true;
    architecture.decoderFrom = all.has('decoder.layer4.0.conv1.weight') ? 'res5' : 'res4';
  }
  return architecture;
}

/** Checks a name -> shape listing against the architecture; returns problems, one per tensor. */
export function shapeProblems(architecture: ResNet50Architecture, shapes: ReadonlyMap<string, readonly number[]>): string[] {
  const problems: string[] = [];
  const expected = tensorSpecs(architecture);
  const expectedNames = new Set(expected.map((spec) => spec.name));
  const width = widthOf(architecture);
  // At width 1 the message is as before widths existed; otherwise it says which width was checked.
  const model = width === DEFAULT_WIDTH ? 'resnet50' : `resnet50 ${widthLabel(width)} (width ${formatWidth(width)}: conv1 has ${BASE_STEM_CHANNELS * width} output channels)`;
  for (const spec of expected) {
    const shape = shapes.get(spec.name);
    if (shape === undefined) problems.push(`tensor ${spec.name} is missing`);
    else if (shape.length !== spec.shape.length || shape.some((size, i) => size !== spec.shape[i])) {
      problems.push(`tensor ${spec.name} has shape [${shape.join(',')}], ${model} expects [${spec.shape.join(',')}]`);
    }
  }
  for (const name of shapes.keys()) {
    if (!expectedNames.has(name)) problems.push(`tensor ${name} is not part of ${describeArchitecture(architecture)}`);
  }
  return problems;
}

/** 'x1/4' for width 1/4 (as in "ResNet-50 x1/4"). */
export function widthLabel(width: number): string {
  return `x${formatWidth(width)}`;
}

/** How a ResNet v1 (stride on the 1x1 conv) shows in descriptions and labels. */
export const STRIDE_1X1_LABEL = 'v1 (stride on 1x1)';

export function describeArchitecture(architecture: ResNet50Architecture): string {
  const width = widthOf(architecture);
  const name = width === DEFAULT_WIDTH ? 'resnet50' : `resnet50 ${widthLabel(width)}`;
  // v1.5 keeps its text unchanged (it appears in existing messages and logs).
  const parts = [stride1x1Of(architecture) ? `${name} ${STRIDE_1X1_LABEL}` : name];
  if (architecture.headClasses !== undefined) parts.push(`fc ${architecture.headClasses} classes`);
  if (architecture.decoder) parts.push(`decoder from ${architecture.decoderFrom ?? 'res5'}`);
  return parts.join(', ');
}
