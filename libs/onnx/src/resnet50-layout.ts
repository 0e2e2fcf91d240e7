/**
 * The torchvision ResNet-50 (v1.5) layout: which convolutions exist, their shapes and strides,
 * and the names of their weights and batch norms (torchvision/models/resnet.py: Bottleneck with
 * the stride on the 3x3 conv, `downsample` = 1x1 conv + BN on the first block of each stage).
 * Detectron's ResNet v1 (`stride1x1`, see ResnetVariant) has the same convs and shapes; only
 * where each stage's stride sits differs.
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
/** Bottleneck planes and stem channels at width 1; at width w each is times w. */
const STAGE_PLANES = [64, 128, 256, 512];
const STEM_CHANNELS = 64;
const EXPANSION = 4;

/**
 * Width multiplier w: every conv/BN channel count times w (stem 64w, planes 64w..512w, res4 1024w,
 * res5 2048w); depth, strides and names unchanged. Valid when 64w is a positive integer (the same
 * rule as libs/resnet's width.ts; repeated here so this lib does not depend on the tfjs model).
 */
export function checkWidth(width: number): number {
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0 || !Number.isInteger(STEM_CHANNELS * width)) {
    throw new Error(`width ${width} is not a ResNet-50 width: 64 × width must be a positive integer (e.g. 1, 0.5, 0.25, 0.125)`);
  }
  return width;
}

/** '1/4' for 0.25: the width as a fraction k/64 in lowest terms. */
export function formatWidth(width: number): string {
  let numerator = STEM_CHANNELS * width;
  let denominator = STEM_CHANNELS;
  while (Number.isInteger(numerator) && numerator % 2 === 0 && denominator % 2 === 0) {
    numerator /= 2;
    denominator /= 2;
  }
  return denominator === 1 ? String(numerator) : `${numerator}/${denominator}`;
}

/** The width of a conv1 weight shape [64w, 3, 7, 7]; throws when no width fits it. */
export function widthFromStemShape(shape: readonly number[], what = 'conv1.weight'): number {
  const channels = shape[0];
  if (shape.length !== 4 || !Number.isInteger(channels) || channels < 1) {
    throw new Error(`${what} has shape [${shape.join(', ')}]; a ResNet-50 stem conv is [64·width, 3, 7, 7]`);
  }
  return channels / STEM_CHANNELS;
}

/**
 * The width of torchvision-named weights, read off conv1.weight's out-channels / 64. Without a
 * conv1.weight it is 1 (the export then names the missing weight).
 */
export function widthOfWeights(weights: NamedWeights): number {
  const conv1 = weights.get('conv1.weight');
  return conv1 ? widthFromStemShape(conv1.shape) : 1;
}

/** How a width shows in messages: '' at width 1, else ' at width 1/4 (conv1 has 16 output channels)'. */
export function widthNote(width: number): string {
  return width === 1 ? '' : ` at width ${formatWidth(width)} (conv1 has ${STEM_CHANNELS * width} output channels)`;
}

/**
 * Where a stage's stride sits. torchvision v1.5 (default): on the first block's 3x3 conv2.
 * `stride1x1`: on its 1x1 conv1, as Detectron's MSRA/Caffe2 ResNet v1 (lib/modeling/ResNet.py,
 * bottleneck_transformation: `(str1x1, str3x3) = (stride, 1) if cfg.RESNETS.STRIDE_1X1 else (1, stride)`).
 * The projection shortcut carries the stride in both. Mirrors libs/resnet's architecture.stride1x1.
 */
export interface ResnetVariant {
  stride1x1?: boolean;
}

/** How the variant shows in messages and doc strings: '' for v1.5, ' v1 (stride on 1x1)' for v1. */
export function variantNote(variant: ResnetVariant): string {
  return variant.stride1x1 === true ? ' v1 (stride on 1x1)' : '';
}

export type EncoderLayer = 'conv1' | 'res2' | 'res3' | 'res4' | 'res5';
export const ENCODER_LAYERS: EncoderLayer[] = ['conv1', 'res2', 'res3', 'res4', 'res5'];

/** Goyal et al.'s layer names → the torchvision module whose output they are. */
export const LAYER_MODULE: Record<EncoderLayer, string> = {
  conv1: 'relu', res2: 'layer1', res3: 'layer2', res4: 'layer3', res5: 'layer4',
};

/** Output channels (at width 1; layerChannels for any width) and total stride of each layer's feature map. */
export const LAYER_CHANNELS: Record<EncoderLayer, number> = { conv1: 64, res2: 256, res3: 512, res4: 1024, res5: 2048 };

/** A layer's channels at a width multiplier: conv1 64w, res2 256w, res3 512w, res4 1024w, res5 2048w. */
export function layerChannels(layer: EncoderLayer, width = 1): number {
  return LAYER_CHANNELS[layer] * checkWidth(width);
}

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

/** The stem conv at width 1 (stemSpec(width) in general). */
export const STEM: ConvSpec = { conv: 'conv1', bn: 'bn1', inChannels: 3, outChannels: 64, kernel: 7, stride: 2, pad: 3 };

export function stemSpec(width = 1): ConvSpec {
  return { ...STEM, outChannels: STEM_CHANNELS * checkWidth(width) };
}

export function resnet50Blocks(width = 1, variant: ResnetVariant = {}): BlockSpec[] {
  checkWidth(width);
  const stride1x1 = variant.stride1x1 === true;
  const blocks: BlockSpec[] = [];
  let inChannels = STEM_CHANNELS * width;
  STAGE_BLOCKS.forEach((count, s) => {
    const planes = STAGE_PLANES[s] * width;
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
        main: [
          conv(1, inChannels, planes, 1, stride1x1 ? stride : 1),
          conv(2, planes, planes, 3, stride1x1 ? 1 : stride),
          conv(3, planes, outChannels, 1, 1),
        ],
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
export function blocksUpTo(layer: EncoderLayer, width = 1, variant: ResnetVariant = {}): BlockSpec[] {
  const lastStage = { conv1: 0, res2: 1, res3: 2, res4: 3, res5: 4 }[layer];
  return resnet50Blocks(width, variant).filter((b) => b.stage <= lastStage);
}

export function allConvs(layer: EncoderLayer = 'res5', width = 1, variant: ResnetVariant = {}): ConvSpec[] {
  return [stemSpec(width), ...blocksUpTo(layer, width, variant).flatMap((b) => (b.downsample ? [...b.main, b.downsample] : b.main))];
}

export function convWeightShape(spec: ConvSpec): number[] {
  return [spec.outChannels, spec.inChannels, spec.kernel, spec.kernel];
}
