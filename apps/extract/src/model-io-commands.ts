import { existsSync, readFileSync, statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { InputError, sha256, writeFileAtomic } from '@mgta/core';
import { ENCODER_LAYERS, createSession, exportEncoderOnnx, importResnetOnnx, type EncoderLayer } from '@mgta/onnx';
import { STRIDE_1X1_LABEL, loadCheckpoint, saveCheckpoint, stride1x1Of } from '@mgta/resnet';

export interface ExportOnnxOptions {
  checkpoint: string;
  layer: string;
  out: string;
}

export interface ImportOnnxOptions {
  model: string;
  out: string;
}

type Print = (line: string) => void;
const stdout: Print = (line) => process.stdout.write(`${line}\n`);

/** `mgta export-onnx`: the checkpoint's encoder up to a layer as ONNX (BN folded). */
export async function runExportOnnx(options: ExportOnnxOptions, print: Print = stdout): Promise<{ sha256: string; outputDims: number[] }> {
  if (!ENCODER_LAYERS.includes(options.layer as EncoderLayer)) {
    throw new InputError('--layer', `unknown layer ${options.layer} (expected ${ENCODER_LAYERS.join(', ')})`);
  }
  const layer = options.layer as EncoderLayer;
  const { manifest, weights } = await loadCheckpoint(options.checkpoint);
  const bytes = exportEncoderOnnx(weights, { layer, stride1x1: stride1x1Of(manifest.architecture) });
  // Check the model by running it once at 224x224 before writing it.
  const { session } = await createSession(bytes, { device: 'cpu' });
  let outputDims: number[];
  try {
    const image = new ort.Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]);
    outputDims = [...(await session.run({ image }))[layer].dims];
  } finally {
    await session.release();
  }
  writeFileAtomic(options.out, bytes);
  const digest = sha256(bytes);
  print(`wrote ${options.out} (${(bytes.length / 2 ** 20).toFixed(1)} MiB, opset 17): input image [N,3,H,W] → ${layer}`);
  print(`output shape at 224x224: [${outputDims.join(', ')}]`);
  print(`sha256 ${digest}`);
  return { sha256: digest, outputDims };
}

/** `mgta import-onnx`: a torchvision ResNet-50 ONNX → checkpoint (encoder weights). */
export async function runImportOnnx(options: ImportOnnxOptions, print: Print = stdout): Promise<void> {
  if (!existsSync(options.model) || !statSync(options.model).isFile()) throw new InputError(options.model, 'no such file');
  const bytes = readFileSync(options.model);
  const imported = importResnetOnnx(bytes, options.model);
  if (imported.deepestLayer !== 'res5') {
    throw new InputError(options.model, 'has no layer4 (res5); a checkpoint needs the whole ResNet-50 encoder');
  }
  await saveCheckpoint(options.out, imported.weights, {
    createdBy: 'mgta import-onnx',
    // Read off the graph (stride on the 1x1 conv): the weights alone cannot tell v1 from v1.5.
    stride1x1: imported.stride1x1,
    training: {
      importedFrom: options.model,
      sourceSha256: sha256(bytes),
      opset: imported.opset,
      bnFolded: imported.bnFolded,
      originalInputName: imported.originalInputName,
    },
  });
  print(`read ${options.model}: opset ${imported.opset}, input ${imported.originalInputName}, ResNet-50${imported.width !== 1 ? ` at width ${imported.width}` : ''}${imported.stride1x1 ? ` ${STRIDE_1X1_LABEL}` : ''} blocks 3,4,6,3, BN ${imported.bnFolded ? 'folded (stored as identity BN carrying the conv bias)' : 'kept'}`);
  print(`wrote checkpoint ${options.out} (${imported.weights.size} tensors, encoder only; the fc head is not imported)`);
}
