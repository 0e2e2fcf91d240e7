import { encodeModel, type ModelProtoMsg, type NodeProtoMsg, type ValueInfoProtoMsg } from './onnx-proto.ts';
import { DataType } from './onnx-proto.ts';

export interface CutOptions {
  /** The model's image input, renamed to `newInputName` with dims [N, C, H, W] all but C dynamic. */
  input: string;
  newInputName: string;
  /** The tensor to compute, renamed to `outputName`. */
  target: string;
  outputName: string;
  outputChannels: number;
  /** Ops allowed in the kept subgraph. */
  allowedOps: Set<string>;
  onProblem: (problem: string) => never;
}

/**
 * A new model that computes only `target`: the nodes it depends on (in their original,
 * topological order), the constants they use, one input and one output. Node attributes and
 * tensors are copied untouched. value_info is dropped: an export traced at a fixed size records
 * intermediate shapes that would contradict the now dynamic H and W.
 */
export function cutGraph(model: ModelProtoMsg, options: CutOptions): Uint8Array {
  const graph = model.graph;
  const producer = new Map<string, NodeProtoMsg>();
  for (const node of graph.node) for (const output of node.output) producer.set(output, node);

  const keep = new Set<NodeProtoMsg>();
  const needed = new Set<string>();
  const stack = [options.target];
  while (stack.length > 0) {
    const tensor = stack.pop()!;
    if (needed.has(tensor)) continue;
    needed.add(tensor);
    const node = producer.get(tensor);
    if (!node || keep.has(node)) continue;
    keep.add(node);
    for (const input of node.input) if (input !== '') stack.push(input);
  }
  const nodes = graph.node.filter((n) => keep.has(n));
  for (const node of nodes) {
    if (!options.allowedOps.has(node.op_type)) {
      options.onProblem(`unsupported op ${node.op_type} (node ${node.name || node.output[0]}) before ${options.outputName}; the encoder may only use ${[...options.allowedOps].join(', ')}`);
    }
  }
  if (!needed.has(options.input)) options.onProblem(`${options.outputName} does not depend on the input ${options.input}`);

  // Rename input and output; move any unrelated tensor that already has one of the new names.
  const renames = new Map<string, string>([[options.input, options.newInputName], [options.target, options.outputName]]);
  const taken = new Set([...needed].filter((t) => t !== options.input && t !== options.target));
  for (const name of [options.newInputName, options.outputName]) {
    if (taken.has(name)) renames.set(name, `${name}__original`);
  }
  const rename = (name: string): string => renames.get(name) ?? name;
  const renamedNodes: NodeProtoMsg[] = nodes.map((node) => ({
    ...node,
    input: node.input.map((i) => (i === '' ? i : rename(i))),
    output: node.output.map(rename),
  }));
  const initializers = graph.initializer
    .filter((t) => needed.has(t.name ?? ''))
    .map((t) => ({ ...t, name: rename(t.name ?? '') }));

  const inputInfo: ValueInfoProtoMsg = tensorInfo(options.newInputName, ['N', 3, 'H', 'W']);
  const outputInfo: ValueInfoProtoMsg = tensorInfo(options.outputName, ['N', options.outputChannels, 'h', 'w']);
  return encodeModel({
    ...model,
    doc_string: `${model.doc_string ? `${model.doc_string}\n` : ''}cut at ${options.target} → ${options.outputName} by mgta`,
    graph: {
      name: `${graph.name || 'graph'}_${options.outputName}`,
      node: renamedNodes,
      initializer: initializers,
      input: [inputInfo],
      output: [outputInfo],
    },
  });
}

function tensorInfo(name: string, dims: Array<number | string>): ValueInfoProtoMsg {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}
