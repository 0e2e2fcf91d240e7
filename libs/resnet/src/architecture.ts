/**
 * The whole model's architecture: ResNet-50 encoder, optional fc head, optional MGTA decoder.
 * Lists every tensor in checkpoint order and checks weight maps against it.
 */
import { FEATURE_CHANNELS, encoderTensorSpecs, type DecoderStart } from './encoder-architecture.ts';
import { decoderTensorSpecs } from './decoder-architecture.ts';
import type { TensorSpec } from './tensor-spec.ts';

export interface ResNet50Architecture {
  name: 'resnet50';
  /** Whether the MGTA decoder (Table 1) is part of the model. */
  decoder: boolean;
  /** Which feature the decoder reads; only meaningful with `decoder`, default 'res5'. */
  decoderFrom?: DecoderStart;
  /** Classes of the `fc` head; absent means no fc (the encoder alone). */
  headClasses?: number;
}

/** Every tensor of the architecture, in the order the checkpoint stores them. */
export function tensorSpecs(architecture: ResNet50Architecture): TensorSpec[] {
  const specs = encoderTensorSpecs();
  if (architecture.headClasses !== undefined) {
    const features = FEATURE_CHANNELS.res5;
    specs.push(
      { name: 'fc.weight', shape: [architecture.headClasses, features], kind: 'linearWeight' },
      { name: 'fc.bias', shape: [architecture.headClasses], kind: 'linearBias' },
    );
  }
  if (architecture.decoder) specs.push(...decoderTensorSpecs(architecture.decoderFrom ?? 'res5'));
  return specs;
}

/** Reads the architecture off a weight map (fc present? decoder present, from where?). */
export function inferArchitecture(names: Iterable<string>, shapeOf: (name: string) => number[] | undefined): ResNet50Architecture {
  const all = new Set(names);
  const architecture: ResNet50Architecture = { name: 'resnet50', decoder: false };
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
  for (const spec of expected) {
    const shape = shapes.get(spec.name);
    if (shape === undefined) problems.push(`tensor ${spec.name} is missing`);
    else if (shape.length !== spec.shape.length || shape.some((size, i) => size !== spec.shape[i])) {
      problems.push(`tensor ${spec.name} has shape [${shape.join(',')}], resnet50 expects [${spec.shape.join(',')}]`);
    }
  }
  for (const name of shapes.keys()) {
    if (!expectedNames.has(name)) problems.push(`tensor ${name} is not part of ${describeArchitecture(architecture)}`);
  }
  return problems;
}

export function describeArchitecture(architecture: ResNet50Architecture): string {
  const parts = ['resnet50'];
  if (architecture.headClasses !== undefined) parts.push(`fc ${architecture.headClasses} classes`);
  if (architecture.decoder) parts.push(`decoder from ${architecture.decoderFrom ?? 'res5'}`);
  return parts.join(', ');
}
