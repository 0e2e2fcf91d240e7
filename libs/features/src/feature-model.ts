import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, sha256 } from '@mgta/core';
import { TORCHVISION_NORMALIZATION, type Normalization } from '@mgta/imaging';
import { exportEncoderOnnx, importResnetOnnx, INPUT_NAME } from '@mgta/onnx';
import { loadCheckpoint, MANIFEST_FILE, stride1x1Field, stride1x1Of, widthOf } from '@mgta/resnet';
import { isForeignCheckpoint, resolveModelPath } from '@mgta/checkpoint-import';
import type { FeatureLayer } from './pooling.ts';

/** An encoder cut at one layer, ready for ONNX Runtime. */
export interface FeatureModel {
  path: string;
  onnx: Uint8Array;
  inputName: string;
  outputName: string;
  /** The pixel normalisation the weights were trained with (from the checkpoint manifest). */
  normalization: Normalization;
  /** sha256 of what determines the features: the checkpoint's weights or the ONNX file. */
  sha256: string;
  /** ResNet-50 width multiplier (1 = torchvision's; res4 then has 1024·width channels). */
  width: number;
  /** ResNet v1, stride on the 1x1 conv (the manifest's architecture.stride1x1, or read off the ONNX graph); absent: v1.5. */
  stride1x1?: true;
}

/**
 * A checkpoint directory (exported to ONNX with BN folded), a PyTorch / safetensors / Detectron
 * checkpoint file (imported into a cached checkpoint directory first), or a user's ONNX file (a full
 * torchvision ResNet-50 at any width, cut at the layer by graph structure). ONNX files carry no pixel
 * normalisation, so they get torchvision's, the convention of the models users bring.
 */
export async function loadFeatureModel(path: string, layer: FeatureLayer): Promise<FeatureModel> {
  if (!existsSync(path)) throw new InputError(path, 'model not found (expected a checkpoint directory, an .onnx file or a PyTorch / safetensors / Detectron checkpoint)');
  if (statSync(path).isDirectory() || isForeignCheckpoint(path)) {
    // A PyTorch / safetensors / Detectron file is imported once into a cached checkpoint folder.
    const dir = await resolveModelPath(path);
    if (!existsSync(join(dir, MANIFEST_FILE))) throw new InputError(path, `not a checkpoint directory: no ${MANIFEST_FILE}`);
    const { manifest, weights } = await loadCheckpoint(dir);
    return {
      path,
      onnx: exportEncoderOnnx(weights, { layer, stride1x1: stride1x1Of(manifest.architecture) }),
      inputName: INPUT_NAME,
      outputName: layer,
      normalization: manifest.pixelNormalization,
      sha256: manifest.weightsSha256,
      width: widthOf(manifest.architecture),
      ...stride1x1Field(stride1x1Of(manifest.architecture)),
    };
  }
  const bytes = new Uint8Array(readFileSync(path));
  const imported = importResnetOnnx(bytes, path);
  return {
    path,
    onnx: imported.cut(layer),
    inputName: INPUT_NAME,
    outputName: layer,
    normalization: TORCHVISION_NORMALIZATION,
    sha256: sha256(bytes),
    width: imported.width,
    ...stride1x1Field(imported.stride1x1),
  };
}
