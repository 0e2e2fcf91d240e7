/**
 * MGTA (paper §3.4, run in §4.2's order via mutualGuidancePlan): N1 and N2 start from the IAE;
 * the images are split once (seeded) into halves D1 and D2. Each iteration t of T:
 *   N1's features of D2 → k-means → pseudo-labels of D2 → N2 trains on D2 for E epochs;
 *   N2's features of D1 → k-means → pseudo-labels of D1 → N1 trains on D1 for E epochs;
 * with L = L_re + λ_t·L_htri, λ_t = 0.1 + 0.9·t/(T−1). Finally N1's features of all images are
 * clustered and N2 trains on all of them with λ = 1; N2 is the result.
 *
 * Choices where the paper is silent (pinned here): batches are PK batches (P clusters × K
 * images, pk-sampler.ts) with flips; each training stage starts a fresh Adam (lr 1e-3) on the
 * learner — a stage is a fine-tuning run from the net's current weights, and the state to save
 * stays two nets + one optimiser. Both loss terms are means (see train-steps.ts).
 */
import { startProgress } from '@mgta/core';
import { ResNet50, type NamedWeights } from '@mgta/resnet';
import { mutualGuidancePlan, splitHalves, type MutualGuidanceStep } from '../mutual-guidance.ts';
import { pkBatches } from '../pk-sampler.ts';
import { trainableParams } from './adam.ts';
import { extractFeatures } from './features.ts';
import type { PretrainJob, TrainerResult } from './job.ts';
import { pseudoLabels } from './pseudo-labels.ts';
import { epochRandom, onFlippedBatch } from './seeded-epoch.ts';
import { autoEncoderStep } from './train-steps.ts';
import { autoEncoderArchitecture } from './train-iae.ts';

export interface MgtaOptions {
  /** The IAE weights both nets start from. */
  iae: NamedWeights;
  /** A fixed K or 'ch' (Calinski–Harabasz over the preset's candidates). */
  k: number | 'ch';
}

export async function trainMgta(job: PretrainJob, options: MgtaOptions): Promise<TrainerResult> {
  const { preset, seed, loader, run, set } = job;
  const { T, E, P, K } = preset.mgta;
  const n = set.files.length;
  const architecture = autoEncoderArchitecture(preset.decoderFrom, preset.width);
  const nets = {
    N1: run.net('N1', architecture, () => ResNet50.fromNamedWeights(options.iae)),
    N2: run.net('N2', architecture, () => ResNet50.fromNamedWeights(options.iae)),
  };
  const { d1, d2 } = splitHalves(n, seed);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const rows = (data: MutualGuidanceStep['data']): Int32Array => (data === 'D1' ? d1 : data === 'D2' ? d2 : all);
  const plan = mutualGuidancePlan({ T, E, n, seed });

  for (; run.position.stage < plan.length; run.position.stage++, run.position.epoch = 0, run.position.batch = 0) {
    const stage = plan[run.position.stage];
    const indices = rows(stage.data);
    const phase = `mgta/${run.position.stage}/${stage.learner}-on-${stage.data}`;
    const resumedHere = run.extra.labelsFor === run.position.stage && run.labels !== null;
    if (!resumedHere) {
      const progress = startProgress(`${job.label} features ${stage.labeler}(${stage.data})`, indices.length);
      const features = await extractFeatures(nets[stage.labeler], loader, indices, preset.mgta.clusterFeature, preset.featureBatchSize, (b) => progress.tick(b));
      progress.stop();
      const hidden = set.labels ? Array.from(indices, (i) => set.labels![i]) : undefined;
      const clusters = await pseudoLabels(features.x, features.n, features.d, {
        k: options.k, candidates: preset.mgta.kCandidates, seed: seed + run.position.stage,
        restarts: preset.mgta.kmeansRestarts, maxIterations: preset.mgta.kmeansMaxIterations, hidden,
      });
      run.labels = clusters.labels;
      const chosenK = [...((run.extra.chosenK as number[] | undefined) ?? []), clusters.k];
      run.extra = { ...run.extra, labelsFor: run.position.stage, k: clusters.k, chosenK };
      run.log({ phase: `${phase}/cluster`, lambda: stage.lambda, k: clusters.k, ch: clusters.ch, nmi: clusters.nmi, purity: clusters.purity });
    }
    const labels = run.labels!;
    const k = run.extra.k as number;
    const learner = nets[stage.learner];
    const adam = run.optimizer(stage.learner, !resumedHere);
    if (!resumedHere) run.save(); // the clustering is done: a kill from here on keeps it
    const variables = [...trainableParams(learner.namedVariables()).values()];
    const batchesOf = (epoch: number) => pkBatches(labels, { p: P, k: K, seed: epochRandom(seed, phase, epoch).nextUint32() });
    const progress = startProgress(`${job.label} ${stage.learner} on ${stage.data} (λ=${stage.lambda.toFixed(2)}, K=${k})`, E * batchesOf(0).length);
    progress.tick(run.position.epoch * batchesOf(0).length + run.position.batch);
    try {
      await run.epochs(phase, stage.epochs, batchesOf, (batch, epoch, index) =>
        onFlippedBatch(loader, batch.map((j) => indices[j]), { seed, phase, epoch, index }, (x) => ({
          ...autoEncoderStep(learner, adam, variables, x, { labels: Int32Array.from(batch, (j) => labels[j]), lambda: stage.lambda }),
          lambda: stage.lambda,
          k,
        })),
      () => progress.tick());
    } finally {
      progress.stop();
    }
    run.labels = null;
  }
  return {
    weights: nets.N2.toNamedWeights(),
    summary: { architecture, T, E, P, K, k: options.k, chosenK: run.extra.chosenK, split: { d1: d1.length, d2: d2.length }, steps: run.position.globalStep },
  };
}
