/**
 * ResNet-50 (+ optional fc head, + optional MGTA decoder) as tfjs variables keyed by torchvision
 * names, with a functional forward pass. Input: NHWC float32, already normalised
 * (see pixelNormalizationDefault). Weights move in and out as NamedWeights (PyTorch layouts).
 */
import * as tf from '@tensorflow/tfjs';
import { describeArchitecture, inferArchitecture, stride1x1Field, stride1x1Of, tensorSpecs, widthOf, type ResNet50Architecture } from './architecture.ts';
import { FEATURE_STRIDE, RESNET50_STAGES, type DecoderStart, type FeatureName } from './encoder-architecture.ts';
import type { BatchNormMode, BatchNormVariables } from './batch-norm.ts';
import { globalAveragePool } from './conv-ops.ts';
import { encode } from './encoder.ts';
import { decode } from './decoder.ts';
import { initialWeights } from './init.ts';
import { tfFilterToTorch, torchFilterToTf } from './layout.ts';
import { formatShape, type NamedWeights } from './named-weights.ts';
import { assertWeightsMatch } from './weights-check.ts';
import type { ForwardContext, ParameterLookup } from './parameters.ts';
import type { TensorKind } from './tensor-spec.ts';

/** Parameter groups for freezing: the stem (conv1, bn1), each stage, the fc head, the decoder. */
export type ParameterGroup = 'stem' | 'layer1' | 'layer2' | 'layer3' | 'layer4' | 'fc' | 'decoder';
export const PARAMETER_GROUPS: readonly ParameterGroup[] = ['stem', 'layer1', 'layer2', 'layer3', 'layer4', 'fc', 'decoder'];

export interface ModelOutputs {
  res2: tf.Tensor4D;
  res3: tf.Tensor4D;
  res4: tf.Tensor4D;
  res5: tf.Tensor4D;
  /** Global average pool of res5: [N, 2048·width]. */
  pool: tf.Tensor2D;
  /** Global average pool of res4: [N, 1024·width] (MGTA's triplet loss / clustering on res4). */
  pool4: tf.Tensor2D;
  /** fc(pool): [N, headClasses]; needs a head. */
  logits: tf.Tensor2D;
  /** Decoder output, NHWC [N,H,W,3], same size as the input; needs the decoder. */
  reconstruction: tf.Tensor4D;
}
export type OutputName = keyof ModelOutputs;

export interface ForwardOptions<K extends OutputName> {
  /** What to return; the encoder stops at the deepest stage these need. Default ['res5']. */
  outputs?: readonly K[];
  /** 'eval' (default): frozen BN with running statistics. 'train': batch statistics + running update. */
  batchNorm?: BatchNormMode;
}

export function parameterGroupOf(name: string): ParameterGroup {
  const head = name.split('.')[0];
  if (head === 'conv1' || head === 'bn1') return 'stem';
  if (head === 'fc' || head === 'decoder') return head;
  if (head === 'layer1' || head === 'layer2' || head === 'layer3' || head === 'layer4') return head;
  throw new Error(`tensor ${name} belongs to no parameter group`);
}

function isFilter(kind: TensorKind): boolean {
  return kind === 'conv' || kind === 'convTranspose';
}

function isBuffer(kind: TensorKind): boolean {
  return kind === 'bnRunningMean' || kind === 'bnRunningVar';
}

export class ResNet50 {
  readonly architecture: ResNet50Architecture;
  private readonly variables = new Map<string, tf.Variable>();
  private readonly kinds = new Map<string, TensorKind>();
  private readonly lookup: ParameterLookup;
  private disposed = false;

  private constructor(weights: NamedWeights, architecture: ResNet50Architecture) {
    this.architecture = normalizeArchitecture(architecture);
    for (const spec of tensorSpecs(architecture)) {
      this.kinds.set(spec.name, spec.kind);
      const initial = weights.get(spec.name)!;
      const variable = tf.tidy(() => {
        const torch = tf.tensor(initial.data, initial.shape, 'float32');
        return tf.variable(isFilter(spec.kind) ? torchFilterToTf(torch as tf.Tensor4D) : torch, !isBuffer(spec.kind));
      });
      this.variables.set(spec.name, variable);
    }
    this.lookup = {
      filter: (name) => this.variable(name) as tf.Tensor as tf.Tensor4D,
      tensor: (name) => this.variable(name),
      batchNorm: (prefix): BatchNormVariables => ({
        weight: this.variable(`${prefix}.weight`),
        bias: this.variable(`${prefix}.bias`),
        runningMean: this.variable(`${prefix}.running_mean`),
        runningVar: this.variable(`${prefix}.running_var`),
      }),
    };
  }

  /**
   * A model holding a copy of `weights`; the architecture is read off the names and checked. Where
   * the stride sits cannot be read off the weights (v1 and v1.5 have the same shapes): pass
   * `variant` from the checkpoint's manifest (`{ stride1x1: true }` for v1); default v1.5.
   */
  static fromNamedWeights(weights: NamedWeights, variant: Pick<ResNet50Architecture, 'stride1x1'> = {}): ResNet50 {
    const architecture = { ...inferArchitecture(weights.keys(), (name) => weights.get(name)?.shape), ...stride1x1Field(stride1x1Of(variant)) };
    assertWeightsMatch(architecture, weights);
    return new ResNet50(weights, architecture);
  }

  /** The width multiplier (1 for torchvision's ResNet-50). */
  get width(): number {
    return widthOf(this.architecture);
  }

  /** ResNet v1 (Detectron's STRIDE_1X1): each stage's stride on its first 1x1 conv; false for torchvision's v1.5. */
  get stride1x1(): boolean {
    return stride1x1Of(this.architecture);
  }

  /** torchvision's random initialisation (see init.ts), deterministic in `seed`. */
  static random(architecture: ResNet50Architecture, seed: number): ResNet50 {
    return new ResNet50(initialWeights(architecture, seed), architecture);
  }

  /**
   * Runs the model on NHWC float32 normalised images. Every intermediate is freed (tf.tidy); the
   * caller owns the returned tensors. In 'train' mode, BN running statistics are updated.
   */
  forward<K extends OutputName = 'res5'>(x: tf.Tensor4D, options: ForwardOptions<K> = {}): Pick<ModelOutputs, K> {
    this.assertLive();
    const outputs: readonly OutputName[] = options.outputs ?? ['res5'];
    const context: ForwardContext = { parameters: this.lookup, batchNorm: options.batchNorm ?? 'eval', stride1x1: this.stride1x1 };
    this.checkInput(x, outputs);
    return tf.tidy(() => {
      const features = encode(x, this.deepestFeature(outputs), context);
      const result: Partial<ModelOutputs> = {};
      for (const name of outputs) {
        if (name === 'pool' || name === 'logits') {
          const pooled = globalAveragePool(features.get('res5')!);
          if (name === 'pool') result.pool = pooled;
          else result.logits = tf.add(tf.matMul(pooled, this.lookup.tensor('fc.weight'), false, true), this.lookup.tensor('fc.bias')) as tf.Tensor2D;
        } else if (name === 'pool4') {
          result.pool4 = globalAveragePool(features.get('res4')!);
        } else if (name === 'reconstruction') {
          const from = this.decoderFrom();
          result.reconstruction = decode(features.get(from)!, from, context);
        } else {
          result[name] = features.get(name)!;
        }
      }
      return result as unknown as tf.TensorContainer;
    }) as unknown as Pick<ModelOutputs, K>;
  }

  /** The model's weights in PyTorch layouts, in checkpoint order. */
  toNamedWeights(): NamedWeights {
    this.assertLive();
    const weights: NamedWeights = new Map();
    for (const [name, variable] of this.variables) {
      const kind = this.kinds.get(name)!;
      const torch = isFilter(kind) ? tfFilterToTorch(variable as tf.Tensor as tf.Tensor4D) : variable;
      // Copy: on the cpu backend dataSync() hands out the backend's own array.
      weights.set(name, { shape: [...torch.shape], data: Float32Array.from(torch.dataSync() as Float32Array) });
      if (torch !== variable) torch.dispose();
    }
    return weights;
  }

  /** Overwrites every variable from `weights`, which must match this model's architecture exactly. */
  loadNamedWeights(weights: NamedWeights): void {
    this.assertLive();
    assertWeightsMatch(this.architecture, weights);
    for (const [name, variable] of this.variables) {
      const kind = this.kinds.get(name)!;
      const { data, shape } = weights.get(name)!;
      tf.tidy(() => {
        const torch = tf.tensor(data, shape, 'float32');
        variable.assign(isFilter(kind) ? torchFilterToTf(torch as tf.Tensor4D) : torch);
      });
    }
  }

  /** The variable behind a torchvision name (filters in tfjs layout: see ParameterLookup). */
  variable(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`${describeArchitecture(this.architecture)} has no tensor ${name}`);
    return variable;
  }

  namedVariables(): ReadonlyMap<string, tf.Variable> {
    return this.variables;
  }

  /** Learned parameters whose group is trainable: the varList for an optimizer. */
  trainableVariables(): tf.Variable[] {
    return [...this.variables.values()].filter((variable) => variable.trainable);
  }

  /** Freezes or unfreezes parameter groups; BN running statistics are never trainable. */
  setTrainable(groups: ParameterGroup | readonly ParameterGroup[] | 'all', trainable: boolean): void {
    const selected = new Set<ParameterGroup>(groups === 'all' ? PARAMETER_GROUPS : typeof groups === 'string' ? [groups] : groups);
    for (const [name, variable] of this.variables) {
      if (!isBuffer(this.kinds.get(name)!) && selected.has(parameterGroupOf(name))) variable.trainable = trainable;
    }
  }

  /** torchvision's count of learned parameters (no running statistics). */
  parameterCount(): number {
    let total = 0;
    for (const [name, variable] of this.variables) if (!isBuffer(this.kinds.get(name)!)) total += variable.size;
    return total;
  }

  dispose(): void {
    if (this.disposed) return;
    for (const variable of this.variables.values()) variable.dispose();
    this.disposed = true;
  }

  private decoderFrom(): DecoderStart {
    return this.architecture.decoderFrom ?? 'res5';
  }

  private deepestFeature(outputs: readonly OutputName[]): FeatureName {
    const order = RESNET50_STAGES.map((stage) => stage.feature);
    let deepest = 0;
    for (const name of outputs) {
      const needed: FeatureName = name === 'pool' || name === 'logits' ? 'res5' : name === 'pool4' ? 'res4' : name === 'reconstruction' ? this.decoderFrom() : name;
      deepest = Math.max(deepest, order.indexOf(needed));
    }
    return order[deepest];
  }

  private checkInput(x: tf.Tensor4D, outputs: readonly OutputName[]): void {
    if (x.rank !== 4 || x.shape[3] !== 3) throw new Error(`ResNet50.forward expects NHWC [N,H,W,3], got ${formatShape(x.shape)}`);
    if (x.dtype !== 'float32') throw new Error(`ResNet50.forward expects float32 input, got ${x.dtype}`);
    if (outputs.includes('logits') && this.architecture.headClasses === undefined) throw new Error('output logits needs an fc head (headClasses)');
    if (outputs.includes('reconstruction')) {
      if (!this.architecture.decoder) throw new Error('output reconstruction needs the decoder');
      const stride = FEATURE_STRIDE[this.decoderFrom()];
      if (x.shape[1] % stride !== 0 || x.shape[2] % stride !== 0) {
        throw new Error(`reconstruction needs height and width divisible by ${stride} to come back at the input size, got ${x.shape[1]}x${x.shape[2]}`);
      }
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('ResNet50 used after dispose()');
  }
}

/** Spells out the decoder start and drops a width of 1 and a v1.5 stride, so equal architectures compare equal. */
function normalizeArchitecture(architecture: ResNet50Architecture): ResNet50Architecture {
  const normalized: ResNet50Architecture = { name: 'resnet50', decoder: architecture.decoder };
  if (architecture.decoder) normalized.decoderFrom = architecture.decoderFrom ?? 'res5';
  if (architecture.headClasses !== undefined) normalized.headClasses = architecture.headClasses;
  const width = widthOf(architecture);
  if (width !== 1) normalized.width = width;
  return { ...normalized, ...stride1x1Field(stride1x1Of(architecture)) };
}
