/** How the forward code reaches the model's variables, by torchvision name. */
import type * as tf from '@tensorflow/tfjs';
import type { BatchNormMode, BatchNormVariables } from './batch-norm.ts';

export interface ParameterLookup {
  /** A conv or transposed-conv weight in tfjs layout (conv HWIO, transposed conv [kh,kw,out,in]). */
  filter(name: string): tf.Tensor4D;
  /** Any other tensor (biases, fc weight in PyTorch [out,in] layout). */
  tensor(name: string): tf.Tensor;
  batchNorm(prefix: string): BatchNormVariables;
}

export interface ForwardContext {
  parameters: ParameterLookup;
  batchNorm: BatchNormMode;
  /** ResNet v1: each stage's stride on the first 1x1 conv (architecture.stride1x1); absent/false: v1.5. */
  stride1x1?: boolean;
}
