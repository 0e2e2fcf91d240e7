import { describe, expect, it } from 'vitest';
import { loadPreset } from '@mgta/presets';
import { parseDetectionPreset } from '@mgta/detection';
import { presetModelIds, runVocDet } from './voc-det.ts';

describe('voc-det bench', () => {
  it('a model missing from models/<preset>/ is an error naming the Nx target that builds it', async () => {
    const preset = loadPreset('ci');
    const k = (preset.pretrain as { mgta: { k: number[] } }).mgta.k;
    await expect(runVocDet({ preset: 'ci', models: [`mgta-k${k[1]}`], modelsDir: '/nonexistent/models' }))
      .rejects.toThrow(new RegExp(`model "mgta-k${k[1]}" is missing: build it with the Nx target \`npx nx run pretrain-app:mgta-k2 --configuration=ci\``));
    await expect(runVocDet({ preset: 'ci', models: ['iae'], modelsDir: '/nonexistent/models' })).rejects.toThrow(/pretrain-app:iae --configuration=ci/);
  });

  it('every preset declares its detection protocol; ci and embedded say they are reduced', () => {
    for (const name of ['ci', 'embedded', 'paper']) {
      const preset = loadPreset(name);
      const protocol = parseDetectionPreset(preset.detection, name, 11);
      expect(protocol.reduced).toBe(name !== 'paper');
      expect(presetModelIds(preset).length).toBeGreaterThan(0);
    }
    const paper = parseDetectionPreset(loadPreset('paper').detection, 'paper', 21);
    expect(paper.schedules['07']).toEqual({ iterations: 50000, steps: [38000] });
    expect(paper.detectron.roiPooledSize).toBe(14);
  });
});
