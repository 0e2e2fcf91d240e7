/**
 * The weight format shared by this library, libs/onnx and the checkpoint files: a flat map
 * from torchvision state_dict names to tensors in PyTorch layouts
 * (Conv2d OIHW [out,in,kh,kw], ConvTranspose2d [in,out,kh,kw], Linear [out,in]).
 * Row-major, float32. BatchNorm's num_batches_tracked buffer is not stored.
 */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type NamedWeights = Map<string, NamedTensor>;

/** BatchNorm buffers: state, not learned parameters, so they are not counted as parameters. */
export function isBatchNormBuffer(name: string): boolean {
  return name.endsWith('.running_mean') || name.endsWith('.running_var');
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/**
 * Learned parameters, counted as torchvision's `sum(p.numel() for p in model.parameters())`:
 * BN running statistics are buffers and do not count. ResNet-50 without fc: 23,508,032.
 */
export function countParameters(weights: NamedWeights): number {
  let total = 0;
  for (const [name, tensor] of weights) {
    if (!isBatchNormBuffer(name)) total += elementCount(tensor.shape);
  }
  return total;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
