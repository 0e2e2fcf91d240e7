/**
 * A direct float64 ResNet-50 forward to res4 (NHWC, eval-mode BN), plain loops written from the
 * definitions and independent of tfjs and of this library's layout code: the stride placement is
 * spelled out here, not taken from bottleneck-strides.ts. For tests only.
 *
 * Blocks per stage 3, 4, 6 (He et al. 2016, Table 1); stage strides 1, 2, 2; the stride of a
 * stage's first block on conv2 (torchvision v1.5, torchvision/models/resnet.py Bottleneck) or on
 * conv1 (Detectron's v1, lib/modeling/ResNet.py bottleneck_transformation with STRIDE_1X1), and on
 * the projection shortcut in both.
 */
import type { NamedWeights } from '../named-weights.ts';

export interface TensorF64 {
  /** NHWC. */
  shape: [number, number, number, number];
  data: Float64Array;
}

const BN_EPS = 1e-5; // torch.nn.BatchNorm2d default

/** Conv with a PyTorch OIHW weight, symmetric zero padding, no bias. */
function conv(x: TensorF64, weights: NamedWeights, name: string, stride: number, pad: number): TensorF64 {
  const w = weights.get(`${name}.weight`);
  if (!w) throw new Error(`reference: no ${name}.weight`);
  const [co, ci, kh, kw] = w.shape;
  const [n, h, wd, c] = x.shape;
  if (c !== ci) throw new Error(`reference: ${name} takes ${ci} channels, got ${c}`);
  const ho = Math.floor((h + 2 * pad - kh) / stride) + 1, wo = Math.floor((wd + 2 * pad - kw) / stride) + 1;
  const out = new Float64Array(n * ho * wo * co);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let i = 0; i < kh; i++) {
            const iy = y * stride + i - pad;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < kw; j++) {
              const ix = xx * stride + j - pad;
              if (ix < 0 || ix >= wd) continue;
              for (let k = 0; k < ci; k++) sum += x.data[((b * h + iy) * wd + ix) * c + k] * w.data[((o * ci + k) * kh + i) * kw + j];
            }
          }
          out[((b * ho + y) * wo + xx) * co + o] = sum;
        }
  return { shape: [n, ho, wo, co], data: out };
}

/** Eval-mode BN: (x − running_mean) / √(running_var + ε) · weight + bias. */
function batchNorm(x: TensorF64, weights: NamedWeights, prefix: string): TensorF64 {
  const get = (k: string) => weights.get(`${prefix}.${k}`)!.data;
  const [gamma, beta, mean, variance] = [get('weight'), get('bias'), get('running_mean'), get('running_var')];
  const c = x.shape[3];
  return { shape: x.shape, data: x.data.map((v, i) => ((v - mean[i % c]) / Math.sqrt(variance[i % c] + BN_EPS)) * gamma[i % c] + beta[i % c]) };
}

const relu = (x: TensorF64): TensorF64 => ({ shape: x.shape, data: x.data.map((v) => Math.max(0, v)) });
const add = (a: TensorF64, b: TensorF64): TensorF64 => ({ shape: a.shape, data: a.data.map((v, i) => v + b.data[i]) });

/** Max pool 3x3, stride 2, padding 1 (padding never wins: −∞). */
function maxPool(x: TensorF64): TensorF64 {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor((h + 2 - 3) / 2) + 1, wo = Math.floor((w + 2 - 3) / 2) + 1;
  const out = new Float64Array(n * ho * wo * c).fill(-Infinity);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++)
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++) {
            const iy = 2 * y + i - 1, ix = 2 * xx + j - 1;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let k = 0; k < c; k++) {
              const at = ((b * ho + y) * wo + xx) * c + k;
              out[at] = Math.max(out[at], x.data[((b * h + iy) * w + ix) * c + k]);
            }
          }
  return { shape: [n, ho, wo, c], data: out };
}

/** res4 (layer3 output) of a ResNet-50 with the stage strides on `strideOn` ('conv1': v1, 'conv2': v1.5). */
export function res4F64(weights: NamedWeights, image: TensorF64, strideOn: 'conv1' | 'conv2'): TensorF64 {
  let x = maxPool(relu(batchNorm(conv(image, weights, 'conv1', 2, 3), weights, 'bn1')));
  const stages = [{ blocks: 3, stride: 1 }, { blocks: 4, stride: 2 }, { blocks: 6, stride: 2 }];
  stages.forEach(({ blocks, stride: stageStride }, s) => {
    for (let block = 0; block < blocks; block++) {
      const p = `layer${s + 1}.${block}`;
      const stride = block === 0 ? stageStride : 1;
      let y = relu(batchNorm(conv(x, weights, `${p}.conv1`, strideOn === 'conv1' ? stride : 1, 0), weights, `${p}.bn1`));
      y = relu(batchNorm(conv(y, weights, `${p}.conv2`, strideOn === 'conv2' ? stride : 1, 1), weights, `${p}.bn2`));
      y = batchNorm(conv(y, weights, `${p}.conv3`, 1, 0), weights, `${p}.bn3`);
      const shortcut = block === 0 ? batchNorm(conv(x, weights, `${p}.downsample.0`, stride, 0), weights, `${p}.downsample.1`) : x;
      x = relu(add(y, shortcut));
    }
  });
  return x;
}
