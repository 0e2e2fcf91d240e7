/**
 * The MGTA auto-encoder's decoder (paper Table 1, "decoder" column), pinned down as follows.
 *
 * Table 1 says the decoder is "symmetrical" to ResNet-50 with transposed convolutions in place of
 * convolutions and lists, bottom-up from res5: [1x1,2048; 3x3,512; 1x1,512] x3,
 * [1x1,1024; 3x3,256; 1x1,256] x6, [1x1,512; 3x3,128; 1x1,128] x4,
 * [1x1,256; 3x3,64; 1x1,64] x3 + "interpolate scale factor=2", then "Trans Conv 8x8, 3, padding 3,
 * stride 2". Choices where the table is ambiguous:
 *  1. Each listed triple is the encoder bottleneck read backwards, and each number is the channel
 *     count on the encoder side of that layer. So a decoder block is ConvT 1x1 C->w, BN, ReLU;
 *     ConvT 3x3 w->w, BN, ReLU; ConvT 1x1 w->C', BN; add shortcut; ReLU — the same block shape as
 *     the encoder's (read literally, [1x1,2048; 3x3,512; 1x1,512] would be an inverted bottleneck
 *     whose output, 512, contradicts the next stage's 1x1,1024 input).
 *  2. A stage keeps its encoder stage's output width C = 4w except its LAST block, which maps to
 *     the previous encoder stage's channels (2048->1024->512->256->64), mirroring the encoder's
 *     first block. That block's 3x3 ConvT has stride 2, padding 1, output_padding 1 (exact x2,
 *     mirroring v1.5's stride on the 3x3 conv), and its shortcut is ConvT 1x1 (stride 2,
 *     output_padding 1 where it upsamples) + BN, named `shortcut.{0,1}` (mirror of `downsample`).
 *     The conv2_x mirror does not upsample (conv2_x has stride 1); its last block maps 256->64.
 *  3. "interpolate scale factor=2" (mirror of the max pool) is nearest-neighbour.
 *  4. The last layer ConvT 8x8, 64->3, stride 2, padding 3 (exact x2: (H-1)*2 - 6 + 8 = 2H) mirrors
 *     conv1; it has a bias and no BN/ReLU: its linear output is compared (MSE) with the normalised
 *     input image.
 *  5. With `decoderFrom: 'res4'` the conv5_x mirror (decoder.layer4) is left out and decoding
 *     starts at decoder.layer3 from res4.
 * Output size equals input size whenever the input is divisible by the decoded feature's stride
 * (32 from res5, 16 from res4).
 * Names: decoder.layer{4,3,2,1}.{i}.conv{1,2,3}.weight ([in,out,kh,kw], ConvTranspose2d layout),
 * decoder.layerK.{i}.bn{1,2,3}.*, decoder.layerK.{last}.shortcut.0.weight, .shortcut.1.*,
 * decoder.conv1.weight [64,3,8,8], decoder.conv1.bias [3].
 * At a width multiplier w (width.ts) every channel count above scales by w exactly as the
 * encoder's does (2048w->1024w->512w->256w->64w; the last layer 64w->3); the 3 image channels do not.
 */
import {
  BOTTLENECK_EXPANSION, resnet50Stages, stageInputChannels, stemChannels, type DecoderStart, type StageSpec,
} from './encoder-architecture.ts';
import { batchNormSpecs, convTransposeSpec, type TensorSpec } from './tensor-spec.ts';

export interface DecoderStageSpec {
  /** e.g. 'decoder.layer4' for the mirror of layer4 (conv5_x). */
  name: string;
  mirrors: StageSpec['name'];
  blocks: number;
  width: number;
  inChannels: number;
  /** Channels after the stage's last block: the previous encoder stage's (or the stem's) channels. */
  outChannels: number;
  /** Upsampling of the last block: the mirrored encoder stage's stride. */
  upsample: number;
}

export interface DecoderBlockSpec {
  prefix: string;
  inChannels: number;
  width: number;
  outChannels: number;
  stride: number;
  /** Only the last block of each stage changes channels, so only it has a projection shortcut. */
  hasShortcut: boolean;
}

/** Nearest-neighbour upsampling between the conv2_x mirror and the last layer (choice 3). */
export const DECODER_INTERPOLATION_SCALE = 2;
/** The last layer (choice 4): ConvTranspose2d(64, 3, kernel 8, stride 2, padding 3) with bias. */
export const DECODER_OUTPUT_LAYER = { name: 'decoder.conv1', inChannels: 64, outChannels: 3, kernel: 8, stride: 2, padding: 3 } as const;

/** The last layer at a width multiplier: ConvTranspose2d(64w, 3, ...). */
export function decoderOutputLayer(width = 1): { name: 'decoder.conv1'; inChannels: number; outChannels: 3; kernel: 8; stride: 2; padding: 3 } {
  return { ...DECODER_OUTPUT_LAYER, inChannels: stemChannels(width) };
}

/** Decoder stages in execution order (deepest first). */
export function decoderStages(from: DecoderStart, width = 1): DecoderStageSpec[] {
  const stages: DecoderStageSpec[] = [];
  const encoderStages = resnet50Stages(width);
  for (let index = encoderStages.length - 1; index >= 0; index--) {
    const stage = encoderStages[index];
    if (from === 'res4' && stage.feature === 'res5') continue;
    stages.push({
      name: `decoder.${stage.name}`,
      mirrors: stage.name,
      blocks: stage.blocks,
      width: stage.width,
      inChannels: stage.width * BOTTLENECK_EXPANSION,
      outChannels: stageInputChannels(index, width),
      upsample: stage.stride,
    });
  }
  return stages;
}

export function decoderBlocks(stage: DecoderStageSpec): DecoderBlockSpec[] {
  const blocks: DecoderBlockSpec[] = [];
  for (let i = 0; i < stage.blocks; i++) {
    const last = i === stage.blocks - 1;
    blocks.push({
      prefix: `${stage.name}.${i}`,
      inChannels: stage.inChannels,
      width: stage.width,
      outChannels: last ? stage.outChannels : stage.inChannels,
      stride: last ? stage.upsample : 1,
      hasShortcut: last,
    });
  }
  return blocks;
}

export function decoderTensorSpecs(from: DecoderStart, width = 1): TensorSpec[] {
  const specs: TensorSpec[] = [];
  for (const stage of decoderStages(from, width)) {
    for (const block of decoderBlocks(stage)) {
      const { prefix, inChannels, width, outChannels } = block;
      specs.push(
        convTransposeSpec(`${prefix}.conv1.weight`, inChannels, width, 1), ...batchNormSpecs(`${prefix}.bn1`, width),
        convTransposeSpec(`${prefix}.conv2.weight`, width, width, 3), ...batchNormSpecs(`${prefix}.bn2`, width),
        convTransposeSpec(`${prefix}.conv3.weight`, width, outChannels, 1), ...batchNormSpecs(`${prefix}.bn3`, outChannels),
      );
      if (block.hasShortcut) {
        specs.push(
          convTransposeSpec(`${prefix}.shortcut.0.weight`, inChannels, outChannels, 1),
          ...batchNormSpecs(`${prefix}.shortcut.1`, outChannels),
        );
      }
    }
  }
  const last = decoderOutputLayer(width);
  specs.push(
    convTransposeSpec(`${last.name}.weight`, last.inChannels, last.outChannels, last.kernel),
    { name: `${last.name}.bias`, shape: [last.outChannels], kind: 'convBias' },
  );
  return specs;
}
