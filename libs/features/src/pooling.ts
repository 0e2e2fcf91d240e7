/**
 * The fixed average pooling that turns a layer's map into the linear-SVM feature, from
 * Goyal et al. 2019 ("Scaling and Benchmarking Self-Supervised Visual Representation
 * Learning", fair_self_supervision_benchmark; VISSL uses the same numbers). At 224x224 each
 * gives a vector of about 9k dimensions for ResNet-50; at width w (fewer channels, same map
 * sizes) the windows do not change and the vector has w times as many (res4 at 1/4: 2304).
 */
export type FeatureLayer = 'conv1' | 'res2' | 'res3' | 'res4' | 'res5';

export const FEATURE_LAYERS: readonly FeatureLayer[] = ['conv1', 'res2', 'res3', 'res4', 'res5'];

export interface AvgPoolSpec {
  kernel: number;
  stride: number;
  padding: number;
}

/**
 * Checked against fair_self_supervision_benchmark
 * self_supervision_benchmark/modeling/supervised/resnet_supervised_finetune_linear.py
 * (`create_model`): conv1 is `res_conv1_bn` after its in-place ReLU, before the max pool,
 * `AveragePool(kernel=10, stride=10, pad=4)` (64·12·12); res2..res5 are each stage's output with
 * `_s8k16`, `_s5k13`, `_s3k8`, `_s1k6` (stride s, kernel k, no padding), the blobs that
 * configs/benchmark_tasks/image_classification/voc07/resnet50_*_extract_features.yaml extracts.
 */
export const GOYAL_POOLING: Readonly<Record<FeatureLayer, AvgPoolSpec>> = {
  conv1: { kernel: 10, stride: 10, padding: 4 }, // 64 x 12 x 12 = 9216
  res2: { kernel: 16, stride: 8, padding: 0 }, // 256 x 6 x 6 = 9216
  res3: { kernel: 13, stride: 5, padding: 0 }, // 512 x 4 x 4 = 8192
  res4: { kernel: 8, stride: 3, padding: 0 }, // 1024 x 3 x 3 = 9216
  res5: { kernel: 6, stride: 1, padding: 0 }, // 2048 x 2 x 2 = 8192
};

/** Channels of each layer at width 1 and its total stride (maps are ceil(size / stride) square). */
const LAYER_CHANNELS: Readonly<Record<FeatureLayer, number>> = { conv1: 64, res2: 256, res3: 512, res4: 1024, res5: 2048 };
const LAYER_STRIDE: Readonly<Record<FeatureLayer, number>> = { conv1: 2, res2: 4, res3: 8, res4: 16, res5: 32 };

/**
 * The pooled feature's dimension for a square input: C·w · H'·W' (res4 at 224: 9216 at width 1,
 * 2304 at width 1/4). Map sides follow PyTorch's conv/pool arithmetic (ceil(size / 2^k) here).
 */
export function pooledDimension(layer: FeatureLayer, width = 1, inputSize = 224): number {
  let side = inputSize;
  for (let s = LAYER_STRIDE[layer]; s > 1; s /= 2) side = Math.floor((side + 1) / 2);
  const pooled = pooledSize(side, GOYAL_POOLING[layer]);
  return LAYER_CHANNELS[layer] * width * pooled * pooled;
}

export function pooledSize(size: number, spec: AvgPoolSpec): number {
  return Math.floor((size + 2 * spec.padding - spec.kernel) / spec.stride) + 1;
}

/**
 * Average-pools NCHW maps and flattens each image to C·H'·W' in (c, y, x) order, which is
 * `torch.flatten(nn.AvgPool2d(k, s, p)(x), 1)`. Padding counts as zeros in the average
 * (PyTorch's default count_include_pad=True, as VISSL runs it); only conv1 pads.
 * Extraction pools inside the ONNX graph instead (extract.ts); this is the reference that graph is
 * tested against (pooling-graph.test.ts), and the pooling for maps already in memory.
 */
export function avgPoolFlatten(
  maps: Float32Array,
  shape: readonly [number, number, number, number],
  spec: AvgPoolSpec,
  out?: Float32Array,
): Float32Array {
  const [n, channels, height, width] = shape;
  const outH = pooledSize(height, spec);
  const outW = pooledSize(width, spec);
  if (outH < 1 || outW < 1) throw new Error(`a ${height}x${width} map is smaller than the ${spec.kernel}x${spec.kernel} pooling window`);
  const dim = channels * outH * outW;
  const result = out ?? new Float32Array(n * dim);
  const windowArea = spec.kernel * spec.kernel;
  for (let image = 0; image < n; image++) {
    for (let c = 0; c < channels; c++) {
      const plane = (image * channels + c) * height * width;
      for (let oy = 0; oy < outH; oy++) {
        const y0 = Math.max(0, oy * spec.stride - spec.padding);
        const y1 = Math.min(height, oy * spec.stride - spec.padding + spec.kernel);
        for (let ox = 0; ox < outW; ox++) {
          const x0 = Math.max(0, ox * spec.stride - spec.padding);
          const x1 = Math.min(width, ox * spec.stride - spec.padding + spec.kernel);
          let sum = 0;
          for (let y = y0; y < y1; y++) {
            const row = plane + y * width;
            for (let x = x0; x < x1; x++) sum += maps[row + x];
          }
          result[image * dim + (c * outH + oy) * outW + ox] = sum / windowArea;
        }
      }
    }
  }
  return result;
}
