/**
 * SGD with momentum, Nesterov and coupled weight decay, with PyTorch's semantics
 * (torch.optim.SGD, dampening 0, maximize false; see the algorithm box in its documentation,
 * https://pytorch.org/docs/stable/generated/torch.optim.SGD.html), written out like adam.ts so
 * that its whole state — the step count and one momentum buffer per parameter, keyed by
 * torchvision tensor names — can be saved and restored exactly for resuming. For each
 * parameter θ with gradient g, at step t (1-based), with learning rate γ (the schedule's value
 * at this step), momentum μ and weight decay λ:
 *
 *   g ← g + λ θ                                   (only for decayed parameters, see below)
 *   b ← g  when t = 1,  else  b ← μ b + g          (PyTorch's momentum_buffer; no dampening)
 *   g ← g + μ b  (Nesterov)   or   g ← b  (classical momentum)
 *   θ ← θ − γ g
 *
 * The weight decay is "coupled" (added to the gradient, so it goes through the momentum), as in
 * torch.optim.SGD's weight_decay — not AdamW's decoupled decay.
 *
 * Which parameters decay is the caller's choice (`decays`); pretraining decays conv / fc
 * weights only and leaves BN γ/β and every bias alone — the standard practice of torchvision's
 * reference recipes (`--norm-weight-decay 0`, `--bias-weight-decay`) and of Goyal et al.,
 * "Accurate, large minibatch SGD" (2017), who apply no weight decay to BN's γ and β: those
 * scale and shift normalised activations, so shrinking them towards 0 does not regularise the
 * function the way shrinking a conv weight does, it only fights the normalisation.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedWeights } from '@mgta/resnet';

export interface SgdOptions {
  learningRate: number;
  /** μ (default 0: plain SGD). */
  momentum?: number;
  /** Nesterov momentum (needs μ > 0, as PyTorch requires). */
  nesterov?: boolean;
  /** λ (default 0). */
  weightDecay?: number;
  /** Whether parameter `name` (torchvision name) gets the weight decay; default all. */
  decays?: (name: string) => boolean;
}

export class Sgd {
  readonly name = 'sgd';
  step = 0;
  private readonly lr: number;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;
  private readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly decayed: ReadonlySet<string>;
  private readonly buffers = new Map<string, tf.Variable>();

  /** `params`: the trained variables by torchvision name. */
  constructor(params: ReadonlyMap<string, tf.Variable>, options: SgdOptions) {
    this.params = params;
    this.lr = options.learningRate;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new RangeError(`SGD: momentum must be in [0, 1), got ${this.momentum}`);
    if (!(this.weightDecay >= 0)) throw new RangeError(`SGD: weight decay must be ≥ 0, got ${this.weightDecay}`);
    if (this.nesterov && this.momentum === 0) throw new RangeError('SGD: Nesterov momentum requires a momentum > 0 (as in PyTorch)');
    const decays = options.decays ?? (() => true);
    this.decayed = new Set([...params.keys()].filter((name) => this.weightDecay > 0 && decays(name)));
    if (this.momentum > 0) {
      for (const [name, variable] of params) {
        // Inside tidy: tf.variable shares the zeros' data, so the zeros tensor itself must be freed.
        this.buffers.set(name, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
      }
    }
  }

  /** The parameters that get the weight decay (torchvision names). */
  get decayedParameters(): ReadonlySet<string> {
    return this.decayed;
  }

  /**
   * One update; `grads` is keyed by the tfjs variable name (as tf.variableGrads returns).
   * `learningRate`: this step's rate, default the constructor's. Disposes nothing it was given.
   */
  apply(grads: tf.NamedTensorMap, learningRate = this.lr): void {
    this.step++;
    const first = this.step === 1;
    tf.tidy(() => {
      for (const [name, variable] of this.params) {
        let g: tf.Tensor = grads[variable.name];
        if (g === undefined) throw new Error(`SGD: no gradient for ${name}`);
        if (this.decayed.has(name)) g = tf.add(g, tf.mul(variable, this.weightDecay));
        if (this.momentum > 0) {
          const buffer = this.buffers.get(name)!;
          buffer.assign(first ? g : tf.add(tf.mul(buffer, this.momentum), g));
          g = this.nesterov ? tf.add(g, tf.mul(buffer, this.momentum)) : buffer;
        }
        variable.assign(tf.sub(variable, tf.mul(g, learningRate)));
      }
    });
  }

  /** The momentum buffers as NamedWeights (`<name>.momentum_buffer`; tfjs layouts) plus the step. */
  exportState(): { step: number; moments: NamedWeights } {
    const moments: NamedWeights = new Map();
    for (const [name, variable] of this.buffers) {
      moments.set(`${name}.momentum_buffer`, { shape: [...variable.shape], data: Float32Array.from(variable.dataSync() as Float32Array) });
    }
    return { step: this.step, moments };
  }

  importState(state: { step: number; moments: NamedWeights }): void {
    this.step = state.step;
    for (const [name, variable] of this.buffers) {
      const saved = state.moments.get(`${name}.momentum_buffer`);
      if (!saved) throw new Error(`SGD state has no ${name}.momentum_buffer`);
      tf.tidy(() => variable.assign(tf.tensor(saved.data, variable.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const variable of this.buffers.values()) variable.dispose();
    this.buffers.clear();
  }
}
