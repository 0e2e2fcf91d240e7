/** A tensor of the architecture: its torchvision-style name, PyTorch-layout shape and role. */

/** What a tensor is; decides its initialisation and its PyTorch <-> tfjs layout conversion. */
export type TensorKind =
  | 'conv' // Conv2d weight [out,in,kh,kw]
  | 'convTranspose' // ConvTranspose2d weight [in,out,kh,kw]
  | 'convBias'
  | 'bnWeight'
  | 'bnBias'
  | 'bnRunningMean'
  | 'bnRunningVar'
  | 'linearWeight' // [out,in]
  | 'linearBias';

export interface TensorSpec {
  name: string;
  shape: number[];
  kind: TensorKind;
}

/** BatchNorm2d's two parameters and two buffers, in state_dict order. */
export function batchNormSpecs(prefix: string, channels: number): TensorSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [channels], kind: 'bnWeight' },
    { name: `${prefix}.bias`, shape: [channels], kind: 'bnBias' },
    { name: `${prefix}.running_mean`, shape: [channels], kind: 'bnRunningMean' },
    { name: `${prefix}.running_var`, shape: [channels], kind: 'bnRunningVar' },
  ];
}

export function convSpec(name: string, out: number, input: number, kernel: number): TensorSpec {
  return { name, shape: [out, input, kernel, kernel], kind: 'conv' };
}

export function convTransposeSpec(name: string, input: number, out: number, kernel: number): TensorSpec {
  return { name, shape: [input, out, kernel, kernel], kind: 'convTranspose' };
}
