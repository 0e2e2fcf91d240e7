import { InputError } from '@mgta/core';
import { decodeModel, toNumber, type ModelProtoMsg } from './onnx-proto.ts';
import { cutGraph } from './cut-graph.ts';
import { INPUT_NAME } from './export-encoder.ts';
import {
  BN_EPS, ENCODER_LAYERS, STAGE_BLOCKS, convWeightShape, layerChannels, resnet50Blocks, stemSpec, variantNote, widthFromStemShape, widthNote,
  type ConvSpec, type EncoderLayer, type NamedWeights,
} from './resnet50-layout.ts';
import { detectStridePlacement } from './stride-placement.ts';
import { NotResnetError, indexGraph, walkResnet, type ConvUnit, type FoundResnet, type GraphIndex } from './resnet-graph-walk.ts';
import { floatAttribute, intAttribute, intsAttribute, readFloatTensor } from './tensor-data.ts';

export interface ImportedResnet {
  /** Encoder weights (through layer4 when the model has it) in the shared NamedWeights format. */
  weights: NamedWeights;
  /** True when the model had its BN folded into conv biases (torch.onnx.export in eval mode). */
  bnFolded: boolean;
  /** The model's own input name (renamed to `image` in cut models). */
  originalInputName: string;
  opset: number;
  /** The tensor in the original graph that holds each layer's features. */
  layerTensors: Record<EncoderLayer, string>;
  /** The deepest layer present (res5 for a full ResNet-50; res4 for a model cut at res4). */
  deepestLayer: EncoderLayer;
  /** Width multiplier, read off the stem conv (out-channels / 64): 1 for torchvision's ResNet-50. */
  width: number;
  /**
   * ResNet v1 (Detectron's RESNETS.STRIDE_1X1): every strided stage has its stride on the first
   * 1x1 conv, read off the graph; false for torchvision's v1.5. The weights alone cannot tell:
   * a checkpoint made from them must record it (saveCheckpoint's `stride1x1`).
   */
  stride1x1: boolean;
  /** Model bytes computing `layer`: input `image` [N,3,H,W] (dynamic), output named `layer`. */
  cut(layer: EncoderLayer): Uint8Array;
}

/** Ops allowed on the way from the input to a cut point. */
const ENCODER_OPS = new Set(['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Add', 'Identity', 'Constant']);

/**
 * Reads a torchvision ResNet-50 ONNX model (opset 11–17; BN folded or not; weights as
 * initializers or Constant nodes). The structure is found by walking the graph (3,4,6,3
 * bottleneck blocks), then each conv is matched to its torchvision name by position. Any width:
 * the stem conv's out-channels / 64 gives it, and every conv's shape must agree with it.
 * Either stride placement: torchvision v1.5 or Detectron's v1 (stride on the 1x1 conv,
 * `stride1x1`), read off the strided stages (stride-placement.ts); a mix is refused.
 * Errors name the file: `source` is used only in messages.
 */
export function importResnetOnnx(bytes: Uint8Array, source = 'model.onnx'): ImportedResnet {
  let model: ModelProtoMsg;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new InputError(source, `not an ONNX model: ${(error as Error).message}`);
  }
  const fail = (problem: string): never => {
    throw new InputError(source, `not a ResNet-50: ${problem}`);
  };
  const index = indexGraph(model.graph);
  let found: FoundResnet;
  try {
    found = walkResnet(index);
  } catch (error) {
    if (error instanceof NotResnetError) fail(error.message);
    throw error;
  }
  const counts = found.stages.map((s) => s.length);
  const expectedPrefix = STAGE_BLOCKS.slice(0, counts.length);
  const isPrefix = counts.length >= 3 && counts.length <= 4 && counts.every((c, i) => c === expectedPrefix[i]);
  if (!isPrefix) {
    const missing = counts.length < 3 ? `no node produces layer${counts.length + 1} output; ` : '';
    fail(`${missing}residual stages have ${counts.join(',') || 'no'} blocks, expected 3,4,6,3`);
  }
  const deepestLayer: EncoderLayer = counts.length === 4 ? 'res5' : 'res4';

  const layerTensors = {
    conv1: found.stemOutput,
    res2: found.stages[0].at(-1)!.output,
    res3: found.stages[1].at(-1)!.output,
    res4: found.stages[2].at(-1)!.output,
    res5: found.stages[3]?.at(-1)!.output,
  } as Record<EncoderLayer, string>;

  // The width: the stem conv's out-channels / 64 (every other conv is checked against it below).
  let width = 1;
  try {
    const stemWhere = `conv1 (Conv ${found.stem.conv.name || found.stem.conv.output[0]})`;
    width = widthFromStemShape(constant(index, found.stem.conv.input[1], `${stemWhere} weight`).shape, `${stemWhere} weight`);
  } catch (error) {
    fail((error as Error).message);
  }

  const placement = detectStridePlacement(found.stages);
  if (placement.problem) fail(placement.problem);
  const variant = { stride1x1: placement.stride1x1 };

  // Match found convs to torchvision names by position, checking shapes and strides.
  const weights: NamedWeights = new Map();
  let bnFolded = true;
  const take = (unit: ConvUnit, spec: ConvSpec): void => {
    try {
      if (readConv(index, unit, spec, weights)) bnFolded = false;
    } catch (error) {
      if (error instanceof NotResnetError) fail(`${error.message}${widthNote(width)}${variant.stride1x1 ? ` (expected for a ResNet-50${variantNote(variant)}, as the strided stages read)` : ''}`);
      throw error;
    }
  };
  take(found.stem, stemSpec(width));
  const blocks = resnet50Blocks(width, variant).filter((b) => b.stage <= counts.length);
  const foundBlocks = found.stages.flat();
  blocks.forEach((spec, i) => {
    const block = foundBlocks[i];
    spec.main.forEach((convSpec, k) => take(block.main[k], convSpec));
    if (spec.downsample) take(block.downsample!, spec.downsample);
  });

  const opset = toNumber(model.opset_import.find((o) => (o.domain ?? '') === '')?.version);
  return {
    weights,
    bnFolded,
    originalInputName: found.input,
    opset,
    layerTensors,
    deepestLayer,
    width,
    stride1x1: variant.stride1x1,
    cut(layer: EncoderLayer): Uint8Array {
      if (!ENCODER_LAYERS.includes(layer)) throw new Error(`unknown layer ${layer}`);
      if (!layerTensors[layer]) fail(`no node produces ${layer} (layer4) output`);
      return cutGraph(model, {
        input: found.input,
        newInputName: INPUT_NAME,
        target: layerTensors[layer],
        outputName: layer,
        outputChannels: layerChannels(layer, width),
        allowedOps: ENCODER_OPS,
        onProblem: (problem) => fail(problem),
      });
    },
  };
}

/**
 * Reads one conv (and its BN) into `weights` under torchvision names. When BN was folded into
 * the conv, writes an identity BN that carries the conv bias: weight 1, bias = conv bias,
 * mean 0, var = 1 − ε rounded to float32, so that √(var + ε) is exactly 1 in float32 and the
 * tfjs model (conv without bias → BN) computes exactly conv + bias. Returns true for a real BN.
 */
function readConv(index: GraphIndex, unit: ConvUnit, spec: ConvSpec, weights: NamedWeights): boolean {
  const where = `${spec.conv} (Conv ${unit.conv.name || unit.conv.output[0]})`;
  const weight = constant(index, unit.conv.input[1], `${where} weight`);
  const expected = convWeightShape(spec);
  if (weight.shape.join() !== expected.join()) {
    throw new NotResnetError(`${where} weight has shape [${weight.shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
  checkConvAttributes(unit, spec, where);
  const c = spec.outChannels;
  const convBias = unit.conv.input[2] ? constant(index, unit.conv.input[2], `${where} bias`).data : new Float32Array(c);
  weights.set(`${spec.conv}.weight`, weight);
  if (!unit.bn) {
    weights.set(`${spec.bn}.weight`, { shape: [c], data: new Float32Array(c).fill(1) });
    weights.set(`${spec.bn}.bias`, { shape: [c], data: Float32Array.from(convBias) });
    weights.set(`${spec.bn}.running_mean`, { shape: [c], data: new Float32Array(c) });
    weights.set(`${spec.bn}.running_var`, { shape: [c], data: new Float32Array(c).fill(1 - BN_EPS) });
    return false;
  }
  // ONNX BatchNormalization inputs: X, scale, B, input_mean, input_var (onnx/docs/Operators.md).
  const bnWhere = `${spec.bn} (BatchNormalization ${unit.bn.name || unit.bn.output[0]})`;
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((k) => constant(index, unit.bn!.input[k], bnWhere).data);
  const epsilon = floatAttribute(unit.bn, 'epsilon', 1e-5);
  // Rewrite to the shared format's ε = 1e-5 and no conv bias, without changing the function:
  // var + ε is kept, and a conv bias c shifts the mean: BN(conv + c) uses (conv − (μ − c)).
  weights.set(`${spec.bn}.weight`, { shape: [c], data: Float32Array.from(scale) });
  weights.set(`${spec.bn}.bias`, { shape: [c], data: Float32Array.from(bias) });
  weights.set(`${spec.bn}.running_mean`, { shape: [c], data: mean.map((m, i) => m - convBias[i]) });
  weights.set(`${spec.bn}.running_var`, { shape: [c], data: variance.map((v) => v + epsilon - BN_EPS) });
  return true;
}

function constant(index: GraphIndex, name: string | undefined, what: string): { shape: number[]; data: Float32Array } {
  const tensor = name ? index.constants.get(index.canon(name)) ?? index.constants.get(name) : undefined;
  if (!tensor) throw new NotResnetError(`missing initializer for ${what} (${name || 'no input'}): weights must be initializers or Constant nodes`);
  try {
    return readFloatTensor(tensor, what);
  } catch (error) {
    throw new NotResnetError((error as Error).message);
  }
}

function checkConvAttributes(unit: ConvUnit, spec: ConvSpec, where: string): void {
  const k = spec.kernel;
  const strides = intsAttribute(unit.conv, 'strides', [1, 1]);
  const pads = intsAttribute(unit.conv, 'pads', [0, 0, 0, 0]);
  const dilations = intsAttribute(unit.conv, 'dilations', [1, 1]);
  const group = intAttribute(unit.conv, 'group', 1);
  const autoPad = unit.conv.attribute?.find((a) => a.name === 'auto_pad');
  const autoPadValue = autoPad?.s ? new TextDecoder().decode(autoPad.s) : 'NOTSET';
  if (group !== 1 || dilations.some((d) => d !== 1)) throw new NotResnetError(`${where}: group ${group}, dilations [${dilations}] are not supported`);
  if (autoPadValue !== 'NOTSET') throw new NotResnetError(`${where}: auto_pad ${autoPadValue} is not supported (explicit pads expected)`);
  if (strides.some((s) => s !== spec.stride)) {
    // The caller appends the variant (v1 or v1.5) these expectations come from.
    throw new NotResnetError(`${where}: strides [${strides}], expected [${spec.stride}, ${spec.stride}]`);
  }
  if (pads.some((p) => p !== spec.pad)) throw new NotResnetError(`${where}: pads [${pads}], expected ${spec.pad} on each side for a ${k}x${k} conv`);
}
