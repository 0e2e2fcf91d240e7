import { decodeModel, toNumber, type ModelProtoMsg } from './onnx-proto.ts';

/**
 * A structural check in the spirit of onnx.checker (which is Python-only): the rules from
 * onnx/docs/IR.md that a graph builder can break. Returns problems, empty when the model is fine.
 *  - every tensor name is produced once (graph inputs, initializers, node outputs: SSA form);
 *  - nodes are in topological order: each node input is a graph input, an initializer, or an
 *    output of an earlier node ('' marks an omitted optional input);
 *  - node names are unique where given; graph outputs are produced; opset and IR are set.
 */
export function checkModelStructure(modelOrBytes: Uint8Array | ModelProtoMsg): string[] {
  const model = modelOrBytes instanceof Uint8Array ? decodeModel(modelOrBytes) : modelOrBytes;
  const problems: string[] = [];
  const graph = model.graph;
  if (toNumber(model.ir_version) <= 0) problems.push('ir_version is not set');
  if (!model.opset_import?.some((o) => (o.domain ?? '') === '' && toNumber(o.version) > 0)) {
    problems.push('no opset_import for the default domain');
  }
  const defined = new Set<string>();
  const define = (name: string, what: string): void => {
    if (defined.has(name)) problems.push(`${what} ${name} redefines an existing tensor`);
    defined.add(name);
  };
  // An initializer may also be listed as a graph input (IR < 4 style); that is one tensor, not two.
  const initializerNames = new Set(graph.initializer.map((t) => t.name ?? ''));
  for (const input of graph.input) if (!initializerNames.has(input.name)) define(input.name, 'graph input');
  for (const tensor of graph.initializer) define(tensor.name ?? '', 'initializer');
  const nodeNames = new Set<string>();
  graph.node.forEach((node, index) => {
    const label = `node ${index} (${node.op_type}${node.name ? ` ${node.name}` : ''})`;
    if (node.name) {
      if (nodeNames.has(node.name)) problems.push(`${label}: duplicate node name`);
      nodeNames.add(node.name);
    }
    for (const input of node.input) {
      if (input !== '' && !defined.has(input)) problems.push(`${label}: input ${input} is not defined before this node`);
    }
    for (const output of node.output) if (output !== '') define(output, `${label} output`);
  });
  for (const output of graph.output) {
    if (!defined.has(output.name)) problems.push(`graph output ${output.name} is never produced`);
  }
  return problems;
}
