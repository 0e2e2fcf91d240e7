/**
 * Random initialisation (the paper's "ResNet50 Random" row), as torchvision's ResNet.__init__:
 * convs kaiming_normal_(mode='fan_out', nonlinearity='relu'), i.e. N(0, 2 / (out * kh * kw));
 * BN weight 1, bias 0, running mean 0, running var 1; zero_init_residual=False (the default).
 * fc keeps nn.Linear's default: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
 *
 * Decoder (our choice; torchvision's loop only touches Conv2d): the same He rule with the
 * transposed conv's OUTPUT channels, out * kh * kw, so the decoder's blocks keep the same
 * activation scale as the encoder's. The last layer's bias starts at 0.
 *
 * Each tensor draws from its own stream, seeded by (seed, name): the same seed gives identical
 * bytes, and the encoder's weights do not change when the decoder or the head is added.
 */
import { Random } from '@mgta/core';
import { tensorSpecs, type ResNet50Architecture } from './architecture.ts';
import { elementCount, type NamedWeights } from './named-weights.ts';
import type { TensorSpec } from './tensor-spec.ts';

export function initialWeights(architecture: ResNet50Architecture, seed: number): NamedWeights {
  const weights: NamedWeights = new Map();
  const specs = tensorSpecs(architecture);
  const fcFanIn = specs.find((spec) => spec.name === 'fc.weight')?.shape[1] ?? 0;
  for (const spec of specs) {
    weights.set(spec.name, { shape: [...spec.shape], data: initialTensor(spec, tensorRandom(seed, spec.name), fcFanIn) });
  }
  return weights;
}

function initialTensor(spec: TensorSpec, random: Random, fcFanIn: number): Float32Array {
  const data = new Float32Array(elementCount(spec.shape));
  switch (spec.kind) {
    case 'conv': {
      const [out, , kh, kw] = spec.shape;
      fillNormal(data, Math.sqrt(2 / (out * kh * kw)), random);
      break;
    }
    case 'convTranspose': {
      const [, out, kh, kw] = spec.shape;
      fillNormal(data, Math.sqrt(2 / (out * kh * kw)), random);
      break;
    }
    case 'linearWeight':
    case 'linearBias': {
      // nn.Linear.reset_parameters: bound 1/sqrt(fan_in) for both weight and bias.
      // The only Linear is fc [classes, 2048·width], fed by the pooled res5 features.
      const fanIn = fcFanIn;
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < data.length; i++) data[i] = random.uniform(-bound, bound);
      break;
    }
    case 'bnWeight':
    case 'bnRunningVar':
      data.fill(1);
      break;
    case 'bnBias':
    case 'bnRunningMean':
    case 'convBias':
      break; // zeros
  }
  return data;
}

function fillNormal(data: Float32Array, std: number, random: Random): void {
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * std;
}

/** A stream per (seed, tensor name): FNV-1a of the name salts a fork of the seed's stream. */
function tensorRandom(seed: number, name: string): Random {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return new Random(seed).fork(hash);
}
