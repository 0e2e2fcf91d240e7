import { DataType, toNumber, type AttributeProtoMsg, type NodeProtoMsg, type TensorProtoMsg } from './onnx-proto.ts';

/** A float tensor read out of a model. */
export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Reads a TensorProto as float32. Data live either in raw_data (little-endian bytes) or in the
 * typed repeated field (float_data for FLOAT), per onnx.proto's TensorProto comments. Exporters
 * write raw_data; float_data shows up in hand-written and some converted models.
 */
export function readFloatTensor(tensor: TensorProtoMsg, where: string): FloatTensor {
  const shape = (tensor.dims ?? []).map(toNumber);
  const count = shape.reduce((a, b) => a * b, 1);
  if (tensor.data_location === 1) throw new Error(`${where}: tensor ${tensor.name} uses external data, which is not supported (save the model with all tensors inside)`);
  let data: Float32Array;
  if (tensor.data_type === DataType.FLOAT) {
    if (tensor.raw_data && tensor.raw_data.length > 0) {
      // Copy: the decoded bytes are a view into the file buffer, not 4-byte aligned.
      data = new Float32Array(new Uint8Array(tensor.raw_data).buffer);
    } else {
      data = Float32Array.from(tensor.float_data ?? []);
    }
  } else if (tensor.data_type === DataType.DOUBLE) {
    data = tensor.raw_data && tensor.raw_data.length > 0
      ? Float32Array.from(new Float64Array(new Uint8Array(tensor.raw_data).buffer))
      : Float32Array.from(tensor.double_data ?? []);
  } else {
    throw new Error(`${where}: tensor ${tensor.name} has data type ${tensor.data_type}, expected float32`);
  }
  if (data.length !== count) {
    throw new Error(`${where}: tensor ${tensor.name} has ${data.length} values for shape [${shape.join(', ')}]`);
  }
  return { shape, data };
}

export function findAttribute(node: NodeProtoMsg, name: string): AttributeProtoMsg | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function intsAttribute(node: NodeProtoMsg, name: string, fallback: number[]): number[] {
  const attribute = findAttribute(node, name);
  return attribute ? (attribute.ints ?? []).map(toNumber) : fallback;
}

export function intAttribute(node: NodeProtoMsg, name: string, fallback: number): number {
  const attribute = findAttribute(node, name);
  return attribute ? toNumber(attribute.i) : fallback;
}

export function floatAttribute(node: NodeProtoMsg, name: string, fallback: number): number {
  const attribute = findAttribute(node, name);
  return attribute?.f ?? fallback;
}

export function stringAttribute(node: NodeProtoMsg, name: string, fallback: string): string {
  const attribute = findAttribute(node, name);
  return attribute?.s ? new TextDecoder().decode(attribute.s) : fallback;
}
