/**
 * Adam (Kingma & Ba 2015) with PyTorch's defaults (torch.optim.Adam: β1 0.9, β2 0.999,
 * eps 1e-8, no weight decay), written out so that its whole state — step count and both
 * moments, keyed by torchvision tensor names — can be saved and restored exactly for resuming.
 * (tfjs's AdamOptimizer keys its moments by position and by process-specific variable names.)
 *
 *   m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + eps)
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedWeights } from '@mgta/resnet';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam {
  readonly name = 'adam';
  step = 0;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  /** `params`: the trained variables by torchvision name. */
  constructor(params: ReadonlyMap<string, tf.Variable>, options: AdamOptions) {
    this.params = params;
    this.lr = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    for (const [name, variable] of params) {
      // Inside tidy: tf.variable shares the zeros' data, so the zeros tensor itself must be freed.
      this.m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
      this.v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    }
  }

  /**
   * One update; `grads` is keyed by the tfjs variable name (as tf.variableGrads returns).
   * `learningRate`: this step's rate (the LR schedule's value), default the constructor's.
   * Disposes nothing it was given.
   */
  apply(grads: tf.NamedTensorMap, learningRate = this.lr): void {
    this.step++;
    const t = this.step;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    const lr = learningRate;
    tf.tidy(() => {
      for (const [name, variable] of this.params) {
        const g = grads[variable.name];
        if (g === undefined) throw new Error(`Adam: no gradient for ${name}`);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denominator = tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon);
        variable.assign(tf.sub(variable, tf.mul(tf.div(tf.div(m, correction1), denominator), lr)));
      }
    });
  }

  /** The moments as NamedWeights (`<name>.adam_m`, `<name>.adam_v`; tfjs layouts) plus the step. */
  exportState(): { step: number; moments: NamedWeights } {
    const moments: NamedWeights = new Map();
    for (const [name] of this.params) {
      for (const [suffix, map] of [['adam_m', this.m], ['adam_v', this.v]] as const) {
        const variable = map.get(name)!;
        moments.set(`${name}.${suffix}`, { shape: [...variable.shape], data: Float32Array.from(variable.dataSync() as Float32Array) });
      }
    }
    return { step: this.step, moments };
  }

  importState(state: { step: number; moments: NamedWeights }): void {
    this.step = state.step;
    for (const [name] of this.params) {
      for (const [suffix, map] of [['adam_m', this.m], ['adam_v', this.v]] as const) {
        const saved = state.moments.get(`${name}.${suffix}`);
        if (!saved) throw new Error(`Adam state has no ${name}.${suffix}`);
        const variable = map.get(name)!;
        tf.tidy(() => variable.assign(tf.tensor(saved.data, variable.shape, 'float32')));
      }
    }
  }

  dispose(): void {
    for (const variable of [...this.m.values(), ...this.v.values()]) variable.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** The trainable variables of a model by torchvision name, in the model's order. */
export function trainableParams(named: ReadonlyMap<string, tf.Variable>): Map<string, tf.Variable> {
  return new Map([...named].filter(([, variable]) => variable.trainable));
}
