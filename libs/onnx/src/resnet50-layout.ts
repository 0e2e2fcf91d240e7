/**
 * The torchvision ResNet-50 (v1.5) layout: which convolutions exist, their shapes and strides,
 * and the names of their weights and batch norms (torchvision/models/resnet.py: Bottleneck with
 * the stride on the 3x3 conv, `downsample` = 1x1 conv + BN on the first block of each stage).
 */

/**
 * Weights in torchvision naming and PyTorch layouts (conv OIHW; BN weight/bias/running_mean/
 * running_var, eps 1e-5). The shared format of libs/resnet; declared structurally here so this
 * lib does not depend on the tfjs model. Optional `<conv>.bias` entries (a conv bias, which
 * torchvision's ResNet does not have) are honoured by the exporter, see `foldConvBn`.
 */
export type NamedWeights = Map<string, { shape: number[]; data: Float32Array }>;

export const BN_EPS = 1e-5;
export const STAGE_BLOCKS = [3, 4, 6, 3] as const;
const STAGE_PLANES = [64, 128, 256, 512];
const EXPANSION = 4;

export type EncoderLayer = 'conv1' | 'res2' | 'res3' | 'res4' | 'res5';
export const ENCODER_LAYERS: EncoderLayer[] = ['conv1', 'res2', 'res3', 'res4', 'res5'];

/** Goyal et al.'s layer names → the torchvision module whose output they are. */
export const LAYER_MODULE: Record<EncoderLayer, string> = {
  conv1: 'relu', res2: 'layer1', res3: 'layer2', res4: 'layer3', res5: 'layer4',
};

/** Output channels and total stride of each layer's feature map. */
export const LAYER_CHANNELS: Record<EncoderLayer, number> = { conv1: 64, res2: 256, res3: 512, res4: 1024, res5: 2048 };
export const LAYER_STRIDE: Record<EncoderLayer, number> = { conv1: 2, res2: 4, res3: 8, res4: 16, res5: 32 };

export interface ConvSpec {
  /** Weight name prefix, e.g. `layer3.0.conv2` (weight is `${conv}.weight`). */
  conv: string;
  /** BN name prefix, e.g. `layer3.0.bn2`. */
  bn: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  pad: number;
}

export interface BlockSpec {
  stage: number; // 1..4 (torchvision layer1..layer4)
  index: number;
  name: string; // `layer3.0`
  main: [ConvSpec, ConvSpec, ConvSpec];
  downsample?: ConvSpec;
}

export const STEM: ConvSpec = { conv: 'conv1', bn: 'bn1', inChannels: 3, outChannels: 64, kernel: 7, stride: 2, pad: 3 };

export function resnet50Blocks(): BlockSpec[] {
  const blocks: BlockSpec[] = [];
  let inChannels = 64;
  STAGE_BLOCKS.forEach((count, s) => {
    const planes = STAGE_PLANES[s];
    const outChannels = planes * EXPANSION;
    for (let i = 0; i < count; i++) {
      const name = `layer${s + 1}.${i}`;
      const stride = i === 0 && s > 0 ? 2 : 1;
      const conv = (k: number, cin: number, cout: number, kernel: number, st: number): ConvSpec => ({
        conv: `${name}.conv${k}`, bn: `${name}.bn${k}`, inChannels: cin, outChannels: cout, kernel, stride: st, pad: (kernel - 1) / 2,
      });
      blocks.push({
        stage: s + 1,
        index: i,
        name,
        main: [conv(1, inChannels, planes, 1, 1), conv(2, planes, planes, 3, stride), conv(3, planes, outChannels, 1, 1)],
        downsample: i === 0
          ? { conv: `${name}.downsample.0`, bn: `${name}.downsample.1`, inChannels, outChannels, kernel: 1, stride, pad: 0 }
          : undefined,
      });
      inChannels = outChannels;
    }
  });
  return blocks;
}

/** Blocks needed to compute a layer (none for conv1). */
export function blocksUpTo(layer: EncoderLayer): BlockSpec[] {
  const lastStage = { conv1: 0, res2: 1, res3: 2, res4: 3, res5: 4 }[layer];
  return resnet50Blocks().filter((b) => b.stage <= lastStage);
}

export function allConvs(layer: EncoderLayer = 'res5'): ConvSpec[] {
  return [STEM, ...blocksUpTo(layer).flatMap((b) => (b.downsample ? [...b.main, b.downsample] : b.main))];
}

export function convWeightShape(spec: ConvSpec): number[] {
  return [spec.outChannels, spec.inChannels, spec.kernel, spec.kernel];
}
