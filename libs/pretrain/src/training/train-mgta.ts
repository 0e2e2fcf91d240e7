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
 *
 * `pretrain.mgta.keepOptimizerState: true` keeps one optimiser per net instead, across its
 * stages (both saved in the state). Why it is an option: with a fresh optimiser per stage,
 * every stage of a net restarts Adam's bias-corrected moments (its first steps take near-full
 * lr-sized moves whatever the gradient scale) or SGD's momentum from zero, so short stages —
 * the CPU presets' E = 1 — spend much of their length re-estimating what the net's previous
 * stage knew; keeping N1's moments while N2 trains makes the two nets' training one continuous
 * optimisation each. It is off by default so that existing results reproduce bit for bit.
 *
 * The learning rate follows the preset's schedule over the run's planned total steps (all
 * stages of both nets, plannedMgtaSteps). The triplet loss is on GAP-res5 as in the paper, or
 * on GAP-res4 with `pretrain.mgta.tripletFeature: res4` (then the clustering is on res4 too);
 * the summary records that as a deviation from the paper.
 */
import { startProgress } from '@mgta/core';
import { ResNet50, type NamedWeights } from '@mgta/resnet';
import { mutualGuidancePlan, splitHalves, type MutualGuidanceStep } from '../mutual-guidance.ts';
import { pkBatchCount, pkBatches } from '../pk-sampler.ts';
import { trainableParams } from './adam.ts';
import { extractFeatures } from './features.ts';
import type { PretrainJob, TrainerResult } from './job.ts';
import type { PretrainPreset } from './pretrain-preset.ts';
import { pseudoLabels } from './pseudo-labels.ts';
import { epochRandom, onAugmentedBatch } from './seeded-epoch.ts';
import { autoEncoderStep } from './train-steps.ts';
import { autoEncoderArchitecture } from './train-iae.ts';

export interface MgtaOptions {
  /** The IAE weights both nets start from. */
  iae: NamedWeights;
  /** A fixed K or 'ch' (Calinski–Harabasz over the preset's candidates). */
  k: number | 'ch';
}

/**
 * The planned steps of each stage of an MGTA run on n images: E epochs of PK batches over the
 * stage's rows, K clusters each (k-means keeps every cluster non-empty, so this is exact for a
 * fixed K). With K chosen by Calinski–Harabasz ('ch') the cluster count is not known before the
 * stage: the plan counts ceil(rows / (P·K)) batches per epoch, the fewest any K gives.
 */
export function plannedMgtaSteps(mgta: PretrainPreset['mgta'], n: number, seed: number, k: number | 'ch'): Array<{ learner: MutualGuidanceStep['learner']; steps: number }> {
  const { T, E, P, K } = mgta;
  const { d1, d2 } = splitHalves(n, seed);
  return mutualGuidancePlan({ T, E, n, seed }).map((stage) => {
    const rows = stage.data === 'D1' ? d1.length : stage.data === 'D2' ? d2.length : n;
    const perEpoch = k === 'ch' ? Math.ceil(rows / (P * K)) : pkBatchCount(rows, { p: P, k: K, clusters: k });
    return { learner: stage.learner, steps: stage.epochs * perEpoch };
  });
}

/** The deviation from the paper that tripletFeature res4 is, recorded in the summary. */
export function res4TripletDeviation(decoderFrom: 'res5' | 'res4'): string {
  const deviation = 'triplet loss and clustering on GAP-res4, not the paper\'s GAP-res5 (pretrain.mgta.tripletFeature res4)';
  return decoderFrom === 'res4'
    ? `${deviation}: with the decoder on res4, layer4 is on no loss path of the IAE and keeps its random init, so GAP-res5 would be a fixed random map of res4; no loss reaches layer4 here either, so it stays at the IAE's (random) weights`
    : deviation;
}

export async function trainMgta(job: PretrainJob, options: MgtaOptions): Promise<TrainerResult> {
  const { preset, seed, loader, run, set, training } = job;
  const { T, E, P, K } = preset.mgta;
  const tripletFeature = preset.mgta.tripletFeature ?? 'res5';
  const n = set.files.length;
  const architecture = autoEncoderArchitecture(preset.decoderFrom, preset.width);
  const nets = {
    N1: run.net('N1', architecture, () => ResNet50.fromNamedWeights(options.iae)),
    N2: run.net('N2', architecture, () => ResNet50.fromNamedWeights(options.iae)),
  };
  // Neither the res4 decoder nor a res4 triplet loss reaches layer4: it gets no gradient.
  const layer4Frozen = preset.decoderFrom === 'res4' && tripletFeature === 'res4';
  if (layer4Frozen) for (const net of Object.values(nets)) net.setTrainable('layer4', false);
  const { d1, d2 } = splitHalves(n, seed);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const rows = (data: MutualGuidanceStep['data']): Int32Array => (data === 'D1' ? d1 : data === 'D2' ? d2 : all);
  const plan = mutualGuidancePlan({ T, E, n, seed });
  run.totalSteps = plannedMgtaSteps(preset.mgta, n, seed, options.k).reduce((sum, stage) => sum + stage.steps, 0);

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
    const optimizer = run.optimizer(stage.learner, !resumedHere);
    const batchesOf = (epoch: number) => pkBatches(labels, { p: P, k: K, seed: epochRandom(seed, phase, epoch).nextUint32() });
    if (!resumedHere) {
      // The stage's steps, known once its labels are: the summary counts N2's image-steps from them.
      run.extra = { ...run.extra, stageSteps: [...((run.extra.stageSteps as number[] | undefined) ?? []), stage.epochs * batchesOf(0).length] };
      run.save(); // the clustering is done: a kill from here on keeps it
    }
    const variables = [...trainableParams(learner.namedVariables()).values()];
    const progress = startProgress(`${job.label} ${stage.learner} on ${stage.data} (λ=${stage.lambda.toFixed(2)}, K=${k})`, E * batchesOf(0).length);
    progress.tick(run.position.epoch * batchesOf(0).length + run.position.batch);
    try {
      await run.epochs(phase, stage.epochs, batchesOf, (batch, epoch, index, lr) =>
        onAugmentedBatch(loader, batch.map((j) => indices[j]), { seed, phase, epoch, index, flip: training.flip, shift: training.shift }, (x) => ({
          ...autoEncoderStep(learner, optimizer, variables, x, { labels: Int32Array.from(batch, (j) => labels[j]), lambda: stage.lambda, feature: tripletFeature }, lr),
          lambda: stage.lambda,
          k,
        })),
      () => progress.tick());
    } finally {
      progress.stop();
    }
    run.labels = null;
  }
  const stageSteps = (run.extra.stageSteps as number[] | undefined) ?? [];
  const n2ImageSteps = plan.reduce((sum, stage, i) => sum + (stage.learner === 'N2' ? (stageSteps[i] ?? 0) * P * K : 0), 0);
  return {
    weights: nets.N2.toNamedWeights(),
    summary: {
      architecture, T, E, P, K, k: options.k, chosenK: run.extra.chosenK, split: { d1: d1.length, d2: d2.length }, steps: run.position.globalStep,
      // Issue-11 additions: N2's image-steps (what the iae-long control matches), the rest only where the preset uses them.
      ...(training.schedule ? { plannedSteps: run.totalSteps } : {}),
      ...(preset.mgta.tripletFeature ? { tripletFeature } : {}),
      ...(layer4Frozen ? { trainedGroups: 'all but layer4 (on no loss path with the decoder and the triplet loss on res4)' } : {}),
      ...(tripletFeature === 'res4' ? { deviations: [res4TripletDeviation(preset.decoderFrom)] } : {}),
      ...(stageSteps.length === plan.length ? { n2ImageSteps } : {}),
    },
  };
}
