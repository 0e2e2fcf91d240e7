import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clsRecord, detDiverged, detOk, detRecord } from '@mgta/report/test-fixtures';

/**
 * A results folder and models folder for the ci preset, made from hand-written records, for
 * the command tests: all five paper rows plus a user model, a diverged detector, and
 * pretraining metrics for two models (one with a torn last line, one with fields missing).
 */
export function writeFixtureResults(root: string): { results: string; models: string } {
  const results = join(root, 'results');
  const models = join(root, 'models');
  const write = (path: string, text: string): void => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  const cls = clsRecord({ random: [0.1, 0.06], iae: [0.3, 0.1], 'mgta-k4': [0.5, 0.3], 'mgta-k8': [0.6, 0.3], supervised: [0.9, 0.7], mine: [0.25, 0.25] });
  const det = detRecord({
    random: { '07': detDiverged(137), '07+12': detDiverged(90) },
    iae: { '07': detOk(0.2, 0.1), '07+12': detOk(0.3, 0.1) },
    'mgta-k4': { '07': detOk(0.3, 0.2), '07+12': detOk(0.35, 0.25) },
    supervised: { '07': detOk(0.7, 0.5), '07+12': detOk(0.8, 0.6) },
  });
  write(join(results, 'voc07-cls', 'ci.json'), JSON.stringify(cls));
  write(join(results, 'voc-det', 'ci.json'), JSON.stringify(det));
  const lines: string[] = [];
  for (let step = 0; step < 20; step++) {
    const phase = step < 8 ? 'iae' : 'mgta';
    const reconstructionLoss = 1 / (1 + step * 0.3);
    const line: Record<string, unknown> = { step, epoch: Math.floor(step / 4), phase, reconstructionLoss, loss: reconstructionLoss };
    if (phase === 'mgta') {
      const lambda = 0.1 + ((step - 8) / 11) * 0.9;
      Object.assign(line, { tripletLoss: 0.5 / (step - 6), lambda, k: 4, ch: 100 + step, nmi: 0.2 + step * 0.02, purity: 0.3 + step * 0.02 });
      line.loss = reconstructionLoss + lambda * (line.tripletLoss as number);
    }
    lines.push(JSON.stringify(line));
  }
  write(join(models, 'ci', 'mgta-k4', 'metrics.jsonl'), lines.join('\n') + '\n{"step": 20, "lo');
  // IAE pretraining only records its loss every few steps, and no clustering.
  write(join(models, 'ci', 'iae', 'metrics.jsonl'), [0, 5, 10].map((step) => JSON.stringify({ step, phase: 'iae', loss: 1 / (step + 1) })).join('\n'));
  return { results, models };
}
