import * as tf from '@tensorflow/tfjs';
import { blocksUpTo, stemSpec, widthOfWeights, BN_EPS, type ConvSpec, type EncoderLayer, type NamedWeights } from '../resnet50-layout.ts';

/**
 * An independent ResNet-50 encoder in tfjs (NHWC, BN not folded) for parity tests of the ONNX
 * export, kept on purpose beside libs/resnet's: a second implementation written from the
 * torchvision definition, so that the export is checked against more than one reading of it
 * (resnet-parity.test.ts checks the export against libs/resnet as well).
 */
export async function tfjsEncoder(weights: NamedWeights, layer: EncoderLayer, nchw: Float32Array, dims: number[]): Promise<Float32Array> {
  await setBackend();
  const width = widthOfWeights(weights);
  return tf.tidy(() => {
    const [n, c, h, w] = dims;
    let x = tf.tensor4d(nchw, [n, c, h, w]).transpose([0, 2, 3, 1]) as tf.Tensor4D;
    x = convBn(weights, stemSpec(width), x).relu() as tf.Tensor4D;
    if (layer !== 'conv1') {
      // Zero padding is exact for the max pool here: its input is post-ReLU, so ≥ 0.
      x = tf.maxPool(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]) as tf.Tensor4D, 3, 2, 'valid');
    }
    for (const block of blocksUpTo(layer, width)) {
      let y = convBn(weights, block.main[0], x).relu() as tf.Tensor4D;
      y = convBn(weights, block.main[1], y).relu() as tf.Tensor4D;
      y = convBn(weights, block.main[2], y);
      const shortcut = block.downsample ? convBn(weights, block.downsample, x) : x;
      x = y.add(shortcut).relu() as tf.Tensor4D;
    }
    return x.transpose([0, 3, 1, 2]).dataSync() as Float32Array;
  });
}

function convBn(weights: NamedWeights, spec: ConvSpec, x: tf.Tensor4D): tf.Tensor4D {
  const w = weights.get(`${spec.conv}.weight`)!;
  const filter = tf.tensor4d(w.data, w.shape as [number, number, number, number]).transpose([2, 3, 1, 0]) as tf.Tensor4D;
  const p = spec.pad;
  let y = tf.conv2d(x, filter, spec.stride, [[0, 0], [p, p], [p, p], [0, 0]]);
  const bias = weights.get(`${spec.conv}.bias`);
  if (bias) y = y.add(tf.tensor1d(bias.data));
  const v = (name: string): tf.Tensor1D => tf.tensor1d(weights.get(`${spec.bn}.${name}`)!.data);
  return tf.batchNorm(y, v('running_mean'), v('running_var'), v('bias'), v('weight'), BN_EPS);
}

/** The wasm backend (XNNPACK) is ~5x faster than tfjs's pure-JS cpu backend in Node. */
async function setBackend(): Promise<void> {
  if (tf.getBackend() === 'wasm') return;
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) await tf.setBackend('cpu');
}
