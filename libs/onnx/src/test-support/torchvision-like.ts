import { GraphBuilder } from '../graph-builder.ts';
import { foldConvBn } from '../fold-batch-norm.ts';
import { resnet50Blocks, stemSpec, widthOfWeights, type ConvSpec, type NamedWeights } from '../resnet50-layout.ts';
import { Random } from '@mgta/core';

export interface TorchvisionLikeOptions {
  /** Fold BN into the convs (torch.onnx.export in eval mode) or keep BatchNormalization nodes. */
  foldBn?: boolean;
  /** BatchNormalization epsilon when not folded (weights' BN is rewritten to keep the function). */
  epsilon?: number;
  /** Weights as Constant nodes (some older exporters) instead of initializers. */
  constantNodes?: boolean;
  opset?: number;
  irVersion?: number;
  /** Blocks per stage; [3,4,6,3] for ResNet-50. */
  stageBlocks?: number[];
  /** Insert this op after the stem relu (to test unsupported-op errors). */
  insertAfterStem?: string;
  /** Feed conv1's weight through a Relu node instead of a constant (missing-initializer error). */
  computedStemWeight?: boolean;
}

/**
 * A full torchvision-style ResNet-50 ONNX (stem, bottlenecks, GlobalAveragePool, Flatten, Gemm
 * fc) as old torch.onnx exporters wrote it: tensors numbered ('input.1', '497', 'onnx::Conv_12'),
 * so an importer cannot lean on names. Built in TS so tests need no Python. At the width of
 * `weights` (conv1's out-channels / 64): a width-1/4 model is what PyTorch exports of a
 * torchvision-structured ResNet-50 with every channel count divided by 4.
 */
export function buildTorchvisionLikeResnet(weights: NamedWeights, options: TorchvisionLikeOptions = {}): Uint8Array {
  const width = widthOfWeights(weights);
  const foldBn = options.foldBn ?? true;
  const epsilon = options.epsilon ?? 1e-5;
  const stageBlocks = options.stageBlocks ?? [3, 4, 6, 3];
  const g = new GraphBuilder('torch_jit');
  let counter = 100;
  const fresh = (): string => String(counter++);
  const constant = (shape: number[], data: Float32Array): string => {
    const name = `onnx::Conv_${counter++}`;
    if (options.constantNodes) g.addNode('Constant', [], [name], { value: { tensor: { shape, data } } });
    else g.addInitializer(name, shape, data);
    return name;
  };

  const convUnit = (spec: ConvSpec, input: string, stemWeight = false): string => {
    const p = spec.pad;
    const attrs = { dilations: [1, 1], group: 1, kernel_shape: [spec.kernel, spec.kernel], pads: [p, p, p, p], strides: [spec.stride, spec.stride] };
    if (foldBn) {
      const folded = foldConvBn(weights, spec);
      let w = constant(folded.shape, folded.weight);
      if (stemWeight && options.computedStemWeight) w = g.addNode('Relu', [w], [fresh()])[0];
      return g.addNode('Conv', [input, w, constant([spec.outChannels], folded.bias)], [fresh()], attrs)[0];
    }
    const raw = weights.get(`${spec.conv}.weight`)!;
    const y = g.addNode('Conv', [input, constant(raw.shape, raw.data)], [fresh()], attrs)[0];
    const bn = (k: string): { shape: number[]; data: Float32Array } => weights.get(`${spec.bn}.${k}`)!;
    // Same function with another ε: var' = var + 1e-5 − ε.
    const variance = bn('running_var').data.map((v) => v + 1e-5 - epsilon);
    return g.addNode('BatchNormalization', [
      y, constant([spec.outChannels], bn('weight').data), constant([spec.outChannels], bn('bias').data),
      constant([spec.outChannels], bn('running_mean').data), constant([spec.outChannels], variance),
    ], [fresh()], { epsilon: { float: epsilon }, momentum: { float: 0.9 } })[0];
  };

  g.addInput('input.1', 'float32', [1, 3, 224, 224]);
  let x = g.addNode('Relu', [convUnit(stemSpec(width), 'input.1', true)], [fresh()])[0];
  if (options.insertAfterStem) x = g.addNode(options.insertAfterStem, [x], [fresh()])[0];
  x = g.addNode('MaxPool', [x], [fresh()], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] })[0];
  for (const block of resnet50Blocks(width)) {
    if (block.index >= (stageBlocks[block.stage - 1] ?? 0)) continue;
    let y = g.addNode('Relu', [convUnit(block.main[0], x)], [fresh()])[0];
    y = g.addNode('Relu', [convUnit(block.main[1], y)], [fresh()])[0];
    y = convUnit(block.main[2], y);
    const shortcut = block.downsample ? convUnit(block.downsample, x) : x;
    x = g.addNode('Relu', [g.addNode('Add', [y, shortcut], [fresh()])[0]], [fresh()])[0];
  }
  const pooled = g.addNode('GlobalAveragePool', [x], [fresh()])[0];
  const flat = g.addNode('Flatten', [pooled], [fresh()], { axis: 1 })[0];
  const random = new Random(7);
  const features = 2048 * width;
  const fcWeight = g.addInitializer('fc.weight', [10, features], Float32Array.from({ length: 10 * features }, () => random.normal() * 0.01));
  const fcBias = g.addInitializer('fc.bias', [10], new Float32Array(10));
  g.addNode('Gemm', [flat, fcWeight, fcBias], ['495'], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
  g.addOutput('495', 'float32', [1, 10]);
  return g.toModelBytes({ opset: options.opset ?? 17, irVersion: options.irVersion });
}
