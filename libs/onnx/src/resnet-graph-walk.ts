import type { GraphProtoMsg, NodeProtoMsg, TensorProtoMsg } from './onnx-proto.ts';
import { findAttribute } from './tensor-data.ts';

/**
 * Finds the ResNet-50 structure in an arbitrary ONNX graph by its shape, not its names:
 * stem Conv[→BN]→Relu→MaxPool, then residual blocks, each three Conv[→BN] (Relu between) whose
 * result is Added to the block input or to a projection Conv[→BN] of it, then Relu. A block with
 * a projection starts a stage. Exporters name tensors differently (`/layer3/layer3.5/relu_2/
 * Relu_output_0` in torch ≥ 1.13, bare numbers before), so names are never relied on.
 */

export class NotResnetError extends Error {}

/** A Conv and the BatchNormalization that follows it, if the exporter did not fold it. */
export interface ConvUnit {
  conv: NodeProtoMsg;
  bn?: NodeProtoMsg;
  output: string;
}

export interface FoundBlock {
  main: [ConvUnit, ConvUnit, ConvUnit];
  downsample?: ConvUnit;
  output: string;
}

export interface FoundResnet {
  input: string;
  stem: ConvUnit;
  /** The stem Relu output: Goyal's conv1 features. */
  stemOutput: string;
  maxPoolOutput: string;
  /** Blocks grouped into stages (a projection shortcut starts a stage). */
  stages: FoundBlock[][];
}

export interface GraphIndex {
  graph: GraphProtoMsg;
  /** Constant tensors by name: initializers and Constant-node outputs. */
  constants: Map<string, TensorProtoMsg>;
  /** Identity outputs → their input, so walks can look through Identity nodes. */
  alias: Map<string, string>;
  consumers: Map<string, NodeProtoMsg[]>;
  canon(name: string): string;
}

export function indexGraph(graph: GraphProtoMsg): GraphIndex {
  const constants = new Map<string, TensorProtoMsg>();
  for (const tensor of graph.initializer) constants.set(tensor.name ?? '', tensor);
  const alias = new Map<string, string>();
  for (const node of graph.node) {
    if (node.op_type === 'Constant') {
      const value = findAttribute(node, 'value');
      if (value?.t) constants.set(node.output[0], value.t);
    } else if (node.op_type === 'Identity') {
      alias.set(node.output[0], node.input[0]);
    }
  }
  const canon = (name: string): string => {
    let current = name;
    for (let guard = 0; alias.has(current) && guard < 1000; guard++) current = alias.get(current)!;
    return current;
  };
  // Identity outputs of constants are constants too (older exporters share weights that way).
  for (const [out] of alias) {
    const source = constants.get(canon(out));
    if (source && !constants.has(out)) constants.set(out, source);
  }
  const consumers = new Map<string, NodeProtoMsg[]>();
  for (const node of graph.node) {
    if (node.op_type === 'Identity' || node.op_type === 'Constant') continue;
    for (const input of node.input) {
      if (input === '') continue;
      const key = canon(input);
      const list = consumers.get(key) ?? [];
      list.push(node);
      consumers.set(key, list);
    }
  }
  return { graph, constants, alias, consumers, canon };
}

/** The single non-initializer graph input: the image. */
export function imageInput(index: GraphIndex): string {
  const inputs = index.graph.input.filter((i) => !index.constants.has(i.name));
  if (inputs.length !== 1) {
    throw new NotResnetError(`expected one image input, found ${inputs.length} (${inputs.map((i) => i.name).join(', ') || 'none'})`);
  }
  return inputs[0].name;
}

export function walkResnet(index: GraphIndex): FoundResnet {
  const input = imageInput(index);
  const stem = convUnitFrom(index, input, 'the stem conv1');
  if (!stem) throw new NotResnetError(`no Conv consumes the input ${input} (expected the stem conv1)`);
  const stemOutput = single(index, stem.output, 'Relu', 'the stem relu after conv1').output[0];
  const maxPoolOutput = single(index, stemOutput, 'MaxPool', 'the stem maxpool').output[0];

  const stages: FoundBlock[][] = [];
  let x = maxPoolOutput;
  for (;;) {
    const block = blockFrom(index, x, `residual block ${stages.flat().length + 1}`);
    if (!block) break;
    if (block.downsample || stages.length === 0) stages.push([]);
    stages[stages.length - 1].push(block);
    x = block.output;
  }
  return { input, stem, stemOutput, maxPoolOutput, stages };
}

function consumersOf(index: GraphIndex, tensor: string): NodeProtoMsg[] {
  return index.consumers.get(index.canon(tensor)) ?? [];
}

/** Conv consuming `tensor` as its data input, plus a BatchNormalization right after it. */
function convUnitFrom(index: GraphIndex, tensor: string, what: string, conv?: NodeProtoMsg): ConvUnit | undefined {
  const node = conv ?? consumersOf(index, tensor).find((n) => n.op_type === 'Conv' && index.canon(n.input[0]) === index.canon(tensor));
  if (!node) return undefined;
  const next = consumersOf(index, node.output[0]);
  if (next.length === 1 && next[0].op_type === 'BatchNormalization') {
    return { conv: node, bn: next[0], output: next[0].output[0] };
  }
  if (next.length === 0) throw new NotResnetError(`${what}: nothing consumes the output of Conv ${node.name || node.output[0]}`);
  return { conv: node, output: node.output[0] };
}

function single(index: GraphIndex, tensor: string, op: string, what: string): NodeProtoMsg {
  const next = consumersOf(index, tensor);
  const match = next.filter((n) => n.op_type === op);
  if (match.length !== 1) {
    const found = next.map((n) => n.op_type).join(', ') || 'nothing';
    throw new NotResnetError(`${what}: expected one ${op} after ${tensor}, found ${found}`);
  }
  return match[0];
}

/**
 * One bottleneck block from its input `x`, or undefined when no Conv consumes `x` (end of the
 * encoder: the pooling head, or a cut graph's output).
 */
function blockFrom(index: GraphIndex, x: string, what: string): FoundBlock | undefined {
  const convs = consumersOf(index, x).filter((n) => n.op_type === 'Conv');
  if (convs.length === 0) return undefined;
  let main: ConvUnit[] | undefined;
  let downsample: ConvUnit | undefined;
  for (const conv of convs) {
    const unit = convUnitFrom(index, x, what, conv)!;
    const next = consumersOf(index, unit.output);
    if (next.length === 1 && next[0].op_type === 'Relu') {
      if (main) throw new NotResnetError(`${what}: two branches start at ${x}; expected one bottleneck branch`);
      const relu1 = next[0].output[0];
      const unit2 = convUnitFrom(index, relu1, `${what} conv2`);
      if (!unit2) throw new NotResnetError(`${what}: no Conv after the first relu (${relu1}); not a bottleneck block`);
      const relu2 = single(index, unit2.output, 'Relu', `${what} conv2`).output[0];
      const unit3 = convUnitFrom(index, relu2, `${what} conv3`);
      if (!unit3) throw new NotResnetError(`${what}: no Conv after the second relu (${relu2}); not a bottleneck block (ResNet-18/34 use two convs)`);
      main = [unit, unit2, unit3];
    } else if (next.length === 1 && next[0].op_type === 'Add') {
      downsample = unit;
    } else {
      const found = next.map((n) => n.op_type).join(', ') || 'nothing';
      throw new NotResnetError(`${what}: unsupported op after Conv ${conv.name || conv.output[0]}: ${found} (expected Relu, Add or BatchNormalization)`);
    }
  }
  if (!main) throw new NotResnetError(`${what}: no Conv→Relu branch starts at ${x}`);
  const add = single(index, main[2].output, 'Add', `${what} residual add`);
  const shortcut = downsample ? downsample.output : x;
  const addInputs = add.input.map((i) => index.canon(i));
  if (!addInputs.includes(index.canon(shortcut))) {
    throw new NotResnetError(`${what}: the residual Add does not take the block input or its projection`);
  }
  if (downsample && consumersOf(index, downsample.output)[0] !== add) {
    throw new NotResnetError(`${what}: the projection shortcut feeds a different Add than the main branch`);
  }
  const output = single(index, add.output[0], 'Relu', `${what} relu after the add`).output[0];
  return { main: main as [ConvUnit, ConvUnit, ConvUnit], downsample, output };
}
