import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '@mgta/presets';
import { parseDetectionPreset } from '@mgta/detection';
import { detectionModelIds, runVocDet } from './voc-det.ts';

describe('voc-det bench', () => {
  it('a model missing from models/<preset>/ is an error naming the command that builds it', async () => {
    const preset = loadPreset('ci');
    const k = (preset.pretrain as { mgta: { k: number[] } }).mgta.k;
    // The devkit is checked first; give it one so this test does not depend on data/ being built.
    const devkit = mkdtempSync(join(tmpdir(), 'mgta-devkit-'));
    await expect(runVocDet({ preset: 'ci', models: [`mgta-k${k[1]}`], modelsDir: '/nonexistent/models', devkit }))
      .rejects.toThrow(`model "mgta-k${k[1]}" of preset "ci" has not been trained; build it with \`npx mgta pretrain mgta --k ${k[1]} --preset ci\``);
    await expect(runVocDet({ preset: 'ci', models: ['iae'], modelsDir: '/nonexistent/models', devkit })).rejects.toThrow('build it with `npx mgta pretrain iae --preset ci`');
  });

  it('--model takes checkpoint directories and refuses an ONNX file, saying how to convert it', async () => {
    const devkit = mkdtempSync(join(tmpdir(), 'mgta-devkit-'));
    await expect(runVocDet({ preset: 'ci', models: [], extraModels: ['/x/resnet50.onnx'], modelsDir: '/nonexistent/models', devkit }))
      .rejects.toThrow('convert the ONNX file first with `npx mgta import-onnx');
    await expect(runVocDet({ preset: 'ci', models: [], extraModels: ['/nonexistent/my-checkpoint'], modelsDir: '/nonexistent/models', devkit }))
      .rejects.toThrow('--model does not exist');
  });

  it('every preset declares its detection protocol; ci and embedded say they are reduced', () => {
    for (const name of ['ci', 'embedded', 'paper']) {
      const preset = loadPreset(name);
      const protocol = parseDetectionPreset(preset.detection, name, 11);
      expect(protocol.reduced).toBe(name !== 'paper');
      const pretrain = preset.pretrain as { mgta: { k: number[] }; iaeLong?: boolean };
      expect(detectionModelIds(preset)).toEqual(['random', 'iae', ...pretrain.mgta.k.map((v) => `mgta-k${v}`), ...(pretrain.iaeLong ? ['iae-long'] : []), 'supervised']);
    }
    const paper = parseDetectionPreset(loadPreset('paper').detection, 'paper', 21);
    expect(paper.schedules['07']).toEqual({ iterations: 50000, steps: [38000] });
    expect(paper.detectron.roiPooledSize).toBe(14);
  });

  it('the paper preset applies Detectron\'s bias rule (2x LR, no weight decay for biases)', () => {
    expect(parseDetectionPreset(loadPreset('paper').detection, 'paper', 21).biasRule).toBe(true);
  });
});
