export { GraphBuilder, tensorProto, DEFAULT_IR_VERSION, type AttrValue, type Dim, type ElemType, type TensorData } from './graph-builder.ts';
export { checkModelStructure } from './graph-check.ts';
export { decodeModel, encodeModel, type ModelProtoMsg } from './onnx-proto.ts';
export { exportEncoderOnnx, EXPORT_OPSET, INPUT_NAME, type ExportEncoderOptions } from './export-encoder.ts';
export { importResnetOnnx, type ImportedResnet } from './import-resnet.ts';
export { foldConvBn } from './fold-batch-norm.ts';
export { appendAveragePool, type AppendPoolingOptions } from './append-pooling.ts';
export { randomResnet50Weights } from './random-weights.ts';
export {
  ENCODER_LAYERS, LAYER_CHANNELS, LAYER_STRIDE, BN_EPS, resnet50Blocks, allConvs, blocksUpTo, layerChannels, stemSpec, variantNote, widthOfWeights,
  widthFromStemShape, type ConvSpec, type EncoderLayer, type NamedWeights, type ResnetVariant,
} from './resnet50-layout.ts';
export { createSession, cudaProviderInstalled, DEVICES, type Device, type SessionOptions, type CreatedSession } from './session.ts';
