import { endianness } from 'node:os';
import {
  AttributeType, DataType, encodeModel,
  type AttributeProtoMsg, type NodeProtoMsg, type TensorProtoMsg, type ValueInfoProtoMsg,
} from './onnx-proto.ts';

export type ElemType = 'float32' | 'int64' | 'int32';
const elemTypeCode: Record<ElemType, number> = { float32: DataType.FLOAT, int64: DataType.INT64, int32: DataType.INT32 };

/** A dimension: a fixed size, or a name (dim_param) for a dynamic one. */
export type Dim = number | string;

/**
 * An attribute value. Plain numbers are INT attributes and number arrays INTS (the common case
 * for Conv/MaxPool); wrap floats explicitly, since 1 and 1.0 are the same number in JS.
 */
export type AttrValue =
  | number
  | number[]
  | string
  | { float: number }
  | { floats: number[] }
  | { tensor: { shape: number[]; data: Float32Array | BigInt64Array | Int32Array } };

export type TensorData = Float32Array | BigInt64Array | Int32Array;

/** ir_version 8 = ONNX 1.10+, the IR that goes with opset 15–17 (onnx/docs/Versioning.md). */
export const DEFAULT_IR_VERSION = 8;

/**
 * Builds one ONNX graph node by node and serializes it as a ModelProto. Names must be unique:
 * every tensor (input, initializer, node output) is produced exactly once, and nodes must be
 * added in topological order, which `toModelBytes` checks (ONNX requires it of graphs).
 */
export class GraphBuilder {
  private readonly nodes: NodeProtoMsg[] = [];
  private readonly initializers: TensorProtoMsg[] = [];
  private readonly inputs: ValueInfoProtoMsg[] = [];
  private readonly outputs: ValueInfoProtoMsg[] = [];
  private readonly defined = new Set<string>();
  private readonly nodeNames = new Set<string>();

  constructor(private readonly graphName = 'graph') {}

  /** Adds a constant weight tensor; returns its name for use as a node input. */
  addInitializer(name: string, shape: number[], data: TensorData): string {
    const count = shape.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new Error(`initializer ${name}: ${data.length} values for shape [${shape.join(', ')}]`);
    }
    this.define(name);
    this.initializers.push(tensorProto(name, shape, data));
    return name;
  }

  addInput(name: string, elemType: ElemType, dims: Dim[]): string {
    this.define(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output; the tensor must be produced by a node (checked at serialization). */
  addOutput(name: string, elemType: ElemType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a node; inputs must already be defined. Returns the node's outputs. */
  addNode(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): string[] {
    for (const input of inputs) {
      // '' is ONNX's marker for an omitted optional input.
      if (input !== '' && !this.defined.has(input)) {
        throw new Error(`node ${name ?? op}: input ${input} is not defined yet (add nodes in topological order)`);
      }
    }
    for (const output of outputs) this.define(output);
    const nodeName = name ?? `${op}_${this.nodes.length}`;
    if (this.nodeNames.has(nodeName)) throw new Error(`duplicate node name ${nodeName}`);
    this.nodeNames.add(nodeName);
    this.nodes.push({
      input: inputs,
      output: outputs,
      name: nodeName,
      op_type: op,
      attribute: Object.entries(attrs).map(([key, value]) => attributeProto(key, value)),
    });
    return outputs;
  }

  has(name: string): boolean {
    return this.defined.has(name);
  }

  toModelBytes(options: { opset: number; irVersion?: number; producer?: string; docString?: string }): Uint8Array {
    for (const output of this.outputs) {
      if (!this.defined.has(output.name)) throw new Error(`graph output ${output.name} is not produced by any node`);
    }
    return encodeModel({
      ir_version: options.irVersion ?? DEFAULT_IR_VERSION,
      opset_import: [{ domain: '', version: options.opset }],
      producer_name: options.producer ?? 'mgta',
      producer_version: '0.1.0',
      doc_string: options.docString,
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
  }

  private define(name: string): void {
    if (!name) throw new Error('tensor names must not be empty');
    if (this.defined.has(name)) throw new Error(`tensor ${name} is defined twice`);
    this.defined.add(name);
  }
}

function valueInfo(name: string, elemType: ElemType, dims: Dim[]): ValueInfoProtoMsg {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemTypeCode[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** Tensor data go in raw_data: little-endian bytes, as onnx.proto specifies. */
export function tensorProto(name: string, shape: number[], data: TensorData): TensorProtoMsg {
  if (endianness() !== 'LE') throw new Error('ONNX raw_data is little-endian; big-endian hosts are not supported');
  const dataType = data instanceof Float32Array ? DataType.FLOAT : data instanceof BigInt64Array ? DataType.INT64 : DataType.INT32;
  return {
    name,
    dims: shape,
    data_type: dataType,
    raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

function attributeProto(name: string, value: AttrValue): AttributeProtoMsg {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; use { float: ${value} }`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) throw new Error(`attribute ${name}: ints must be integers; use { floats }`);
    return { name, type: AttributeType.INTS, ints: value };
  }
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.TENSOR, t: tensorProto('', value.tensor.shape, value.tensor.data) };
}
