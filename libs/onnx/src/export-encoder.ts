import { GraphBuilder } from './graph-builder.ts';
import { foldConvBn } from './fold-batch-norm.ts';
import {
  LAYER_CHANNELS, blocksUpTo, formatWidth, layerChannels, stemSpec, variantNote, widthNote, widthOfWeights,
  type ConvSpec, type EncoderLayer, type NamedWeights, type ResnetVariant,
} from './resnet50-layout.ts';

export const EXPORT_OPSET = 17;
export const INPUT_NAME = 'image';

export interface ExportEncoderOptions extends ResnetVariant {
  layer: EncoderLayer;
}

/**
 * The ResNet-50 encoder up to `layer` as ONNX (opset 17, IR 8), BN folded into the convs.
 * Input `image` [N,3,H,W] float32 (normalized as the weights expect), dynamic N/H/W; output named
 * after the layer: conv1 (after bn1+relu, before the max pool, as in Goyal et al. 2019), res2..res5
 * (outputs of torchvision layer1..layer4). Conv/Relu/MaxPool/Add only.
 * Any width (resnet50-layout.ts): it is read off conv1.weight and every other weight must agree.
 * `stride1x1`: Detectron's ResNet v1, the stage strides on the 1x1 conv1s (the weights cannot
 * tell; the checkpoint's architecture.stride1x1 does). Default torchvision v1.5.
 */
export function exportEncoderOnnx(weights: NamedWeights, options: ExportEncoderOptions): Uint8Array {
  const { layer } = options;
  if (!(layer in LAYER_CHANNELS)) throw new Error(`unknown layer ${layer} (expected conv1, res2, res3, res4 or res5)`);
  const width = widthOfWeights(weights);
  const g = new GraphBuilder(`resnet50_${layer}`);
  g.addInput(INPUT_NAME, 'float32', ['N', 3, 'H', 'W']);
  const blocks = blocksUpTo(layer, width, options);

  // Stem (torchvision: conv1 7x7/2 pad 3 → bn1 → relu → maxpool 3x3/2 pad 1).
  let x = conv(g, weights, stemSpec(width), INPUT_NAME, '/conv1/Conv', width);
  x = g.addNode('Relu', [x], [layer === 'conv1' ? 'conv1' : '/relu/Relu_output_0'], {}, '/relu/Relu')[0];
  if (layer !== 'conv1') {
    x = g.addNode('MaxPool', [x], ['/maxpool/MaxPool_output_0'], {
      kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1],
    }, '/maxpool/MaxPool')[0];
  }

  blocks.forEach((block, i) => {
    const isLast = i === blocks.length - 1;
    const scope = `/layer${block.stage}/layer${block.stage}.${block.index}`;
    const input = x;
    let y = input;
    block.main.forEach((spec, k) => {
      y = conv(g, weights, spec, y, `${scope}/conv${k + 1}/Conv`, width);
      if (k < 2) y = g.addNode('Relu', [y], [`${scope}/relu${k === 0 ? '' : '_1'}/Relu_output_0`], {}, `${scope}/relu${k === 0 ? '' : '_1'}/Relu`)[0];
    });
    const shortcut = block.downsample ? conv(g, weights, block.downsample, input, `${scope}/downsample/downsample.0/Conv`, width) : input;
    const sum = g.addNode('Add', [y, shortcut], [`${scope}/Add_output_0`], {}, `${scope}/Add`)[0];
    x = g.addNode('Relu', [sum], [isLast ? layer : `${scope}/relu_2/Relu_output_0`], {}, `${scope}/relu_2/Relu`)[0];
  });

  g.addOutput(layer, 'float32', ['N', layerChannels(layer, width), 'h', 'w']);
  // Width 1 v1.5 keeps its original doc string, so its exports stay byte-identical.
  const model = options.stride1x1 === true
    ? `ResNet-50${width === 1 ? '' : ` x${formatWidth(width)}`}${variantNote(options)} with torchvision names`
    : width === 1 ? 'torchvision ResNet-50' : `torchvision-structured ResNet-50 x${formatWidth(width)}`;
  return g.toModelBytes({ opset: EXPORT_OPSET, docString: `${model} encoder up to ${layer}, BN folded (mgta)` });
}

function conv(g: GraphBuilder, weights: NamedWeights, spec: ConvSpec, input: string, nodeName: string, width: number): string {
  let folded: ReturnType<typeof foldConvBn>;
  try {
    folded = foldConvBn(weights, spec);
  } catch (error) {
    if (width === 1) throw error;
    throw new Error(`${(error as Error).message}: a ResNet-50${widthNote(width)} needs every weight at that width`);
  }
  const w = g.addInitializer(`${spec.conv}.weight`, folded.shape, folded.weight);
  const b = g.addInitializer(`${spec.conv}.bias`, [spec.outChannels], folded.bias);
  const p = spec.pad;
  return g.addNode('Conv', [input, w, b], [`${nodeName}_output_0`], {
    kernel_shape: [spec.kernel, spec.kernel],
    strides: [spec.stride, spec.stride],
    pads: [p, p, p, p],
    dilations: [1, 1],
    group: 1,
  }, nodeName)[0];
}
