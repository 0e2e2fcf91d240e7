import { BN_EPS, convWeightShape, type ConvSpec, type NamedWeights } from './resnet50-layout.ts';

export interface FoldedConv {
  weight: Float32Array; // OIHW
  bias: Float32Array; // [O]
  shape: number[];
}

/**
 * Folds an eval-mode BatchNorm into the conv before it:
 *   BN(conv(x) + c) = γ·(conv(x) + c − μ)/√(σ² + ε) + β
 *   ⇒ w' = w·s,  b' = β + (c − μ)·s,  s = γ/√(σ² + ε)
 * (the same algebra as torch.nn.utils.fusion.fuse_conv_bn_weights; c is an optional conv bias).
 * σ² + ε is rounded to float32 as PyTorch's float32 BN does; this also makes the identity BN that
 * `importResnetOnnx` writes (σ² = 1 − ε in float32) give s = 1 exactly, so round trips are exact.
 */
export function foldConvBn(weights: NamedWeights, spec: ConvSpec): FoldedConv {
  const shape = convWeightShape(spec);
  const weight = requireTensor(weights, `${spec.conv}.weight`, shape).data;
  const convBias = weights.has(`${spec.conv}.bias`) ? requireTensor(weights, `${spec.conv}.bias`, [spec.outChannels]).data : undefined;
  const gamma = requireTensor(weights, `${spec.bn}.weight`, [spec.outChannels]).data;
  const beta = requireTensor(weights, `${spec.bn}.bias`, [spec.outChannels]).data;
  const mean = requireTensor(weights, `${spec.bn}.running_mean`, [spec.outChannels]).data;
  const variance = requireTensor(weights, `${spec.bn}.running_var`, [spec.outChannels]).data;
  const perFilter = weight.length / spec.outChannels;
  const folded = new Float32Array(weight.length);
  const bias = new Float32Array(spec.outChannels);
  for (let o = 0; o < spec.outChannels; o++) {
    const scale = gamma[o] / Math.sqrt(Math.fround(variance[o] + BN_EPS));
    for (let k = o * perFilter; k < (o + 1) * perFilter; k++) folded[k] = weight[k] * scale;
    bias[o] = beta[o] + ((convBias?.[o] ?? 0) - mean[o]) * scale;
  }
  return { weight: folded, bias, shape };
}

export function requireTensor(weights: NamedWeights, name: string, shape: number[]): { shape: number[]; data: Float32Array } {
  const tensor = weights.get(name);
  if (!tensor) throw new Error(`missing weight ${name} (expected torchvision ResNet-50 names)`);
  if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`weight ${name} has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return tensor;
}
