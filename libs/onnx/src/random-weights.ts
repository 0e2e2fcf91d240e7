import { Random } from '@mgta/core';
import { allConvs, convWeightShape, type EncoderLayer, type NamedWeights } from './resnet50-layout.ts';

/**
 * Seeded random ResNet-50 weights for tests and benchmarks: He-normal convs and non-trivial BN
 * statistics (so BN folding is really exercised). The last BN of each block gets a small γ, as a
 * trained net's residual branches have, which keeps activations in range through 16 blocks.
 * `width`: the width multiplier (resnet50-layout.ts); 1 is torchvision's ResNet-50.
 */
export function randomResnet50Weights(seed: number, layer: EncoderLayer = 'res5', width = 1): NamedWeights {
  const random = new Random(seed);
  const weights: NamedWeights = new Map();
  for (const spec of allConvs(layer, width)) {
    const shape = convWeightShape(spec);
    const fanIn = spec.inChannels * spec.kernel * spec.kernel;
    const std = Math.sqrt(2 / fanIn);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = random.normal() * std;
    weights.set(`${spec.conv}.weight`, { shape, data });
    const c = spec.outChannels;
    const residualEnd = spec.bn.endsWith('bn3') || spec.bn.endsWith('downsample.1');
    const vector = (low: number, high: number): { shape: number[]; data: Float32Array } => {
      const v = new Float32Array(c);
      for (let i = 0; i < c; i++) v[i] = random.uniform(low, high);
      return { shape: [c], data: v };
    };
    weights.set(`${spec.bn}.weight`, residualEnd ? vector(0.1, 0.4) : vector(0.5, 1.5));
    weights.set(`${spec.bn}.bias`, vector(-0.1, 0.1));
    weights.set(`${spec.bn}.running_mean`, vector(-0.1, 0.1));
    weights.set(`${spec.bn}.running_var`, vector(0.5, 1.5));
  }
  return weights;
}
