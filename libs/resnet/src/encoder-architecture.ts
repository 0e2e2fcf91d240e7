/**
 * ResNet-50 v1.5 as torchvision builds it (torchvision/models/resnet.py; He et al. 2016, with the
 * stride on the 3x3 conv of each bottleneck as in torchvision >= 0.3), as tensor specs in
 * state_dict order. Detectron's v1 (stride on the 1x1) has the same tensors; only the forward
 * pass differs (bottleneck-strides.ts).
 */
import { batchNormSpecs, convSpec, type TensorSpec } from './tensor-spec.ts';
import { checkWidth, scaleChannels } from './width.ts';

export type FeatureName = 'res2' | 'res3' | 'res4' | 'res5';

/** Where the MGTA decoder starts: the paper's Table 1 decodes res5; a res4 encoder decodes res4. */
export type DecoderStart = 'res5' | 'res4';

export interface StageSpec {
  /** torchvision module name: layer1..layer4. */
  name: 'layer1' | 'layer2' | 'layer3' | 'layer4';
  /** The feature this stage outputs, named as in the detection/SVM literature (res2 = conv2_x). */
  feature: FeatureName;
  blocks: number;
  /** Bottleneck width (planes); the block outputs width * BOTTLENECK_EXPANSION channels. */
  width: number;
  /** Stride of the first block: on its 3x3 conv2 (v1.5) or its 1x1 conv1 (v1), and its projection (bottleneck-strides.ts). */
  stride: number;
}

export const BOTTLENECK_EXPANSION = 4;
/** Stem channels at width 1 (stemChannels(width) in general). */
export const STEM_CHANNELS = 64;
/** The stages at width 1 (resnet50Stages(width) in general). */
export const RESNET50_STAGES: readonly StageSpec[] = [
  { name: 'layer1', feature: 'res2', blocks: 3, width: 64, stride: 1 },
  { name: 'layer2', feature: 'res3', blocks: 4, width: 128, stride: 2 },
  { name: 'layer3', feature: 'res4', blocks: 6, width: 256, stride: 2 },
  { name: 'layer4', feature: 'res5', blocks: 3, width: 512, stride: 2 },
];
/** Feature channels at width 1 (featureChannels(feature, width) in general). */
export const FEATURE_CHANNELS: Readonly<Record<FeatureName, number>> = {
  res2: 256, res3: 512, res4: 1024, res5: 2048,
};
/** Downsampling factor of each feature relative to the input (for inputs divisible by it). */
export const FEATURE_STRIDE: Readonly<Record<FeatureName, number>> = {
  res2: 4, res3: 8, res4: 16, res5: 32,
};
export const BATCH_NORM_EPS = 1e-5; // torchvision default
export const BATCH_NORM_MOMENTUM = 0.1; // PyTorch default

/** Stem (conv1, bn1) channels at a width multiplier: 64w. */
export function stemChannels(width = 1): number {
  return scaleChannels(STEM_CHANNELS, checkWidth(width));
}

/** The four stages at a width multiplier: planes 64w/128w/256w/512w; blocks and strides unchanged. */
export function resnet50Stages(width = 1): StageSpec[] {
  checkWidth(width);
  return RESNET50_STAGES.map((stage) => ({ ...stage, width: scaleChannels(stage.width, width) }));
}

/** Channels of a feature at a width multiplier: res2 256w, res3 512w, res4 1024w, res5 2048w. */
export function featureChannels(feature: FeatureName, width = 1): number {
  return scaleChannels(FEATURE_CHANNELS[feature], checkWidth(width));
}

/** Input channels of a stage: the stem's 64w for layer1, else the previous stage's output. */
export function stageInputChannels(stageIndex: number, width = 1): number {
  return stageIndex === 0 ? stemChannels(width) : resnet50Stages(width)[stageIndex - 1].width * BOTTLENECK_EXPANSION;
}

export function encoderTensorSpecs(width = 1): TensorSpec[] {
  const stem = stemChannels(width);
  const specs: TensorSpec[] = [convSpec('conv1.weight', stem, 3, 7), ...batchNormSpecs('bn1', stem)];
  resnet50Stages(width).forEach((stage, stageIndex) => {
    const out = stage.width * BOTTLENECK_EXPANSION;
    for (let block = 0; block < stage.blocks; block++) {
      const prefix = `${stage.name}.${block}`;
      const input = block === 0 ? stageInputChannels(stageIndex, width) : out;
      specs.push(
        convSpec(`${prefix}.conv1.weight`, stage.width, input, 1), ...batchNormSpecs(`${prefix}.bn1`, stage.width),
        convSpec(`${prefix}.conv2.weight`, stage.width, stage.width, 3), ...batchNormSpecs(`${prefix}.bn2`, stage.width),
        convSpec(`${prefix}.conv3.weight`, out, stage.width, 1), ...batchNormSpecs(`${prefix}.bn3`, out),
      );
      // torchvision adds the projection shortcut whenever stride or channels change: block 0 of every stage.
      if (block === 0) {
        specs.push(convSpec(`${prefix}.downsample.0.weight`, out, input, 1), ...batchNormSpecs(`${prefix}.downsample.1`, out));
      }
    }
  });
  return specs;
}

