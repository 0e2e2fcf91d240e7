import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { disposeHeadWeights, headConfigOf, initHeadWeights, parseDetectionPreset, protocolForModel, saveDetectorHeads } from '@mgta/detection';
import { initBackend } from '@mgta/nn';
import { initialWeights, saveCheckpoint } from '@mgta/resnet';
import { runDetExport } from './detector-commands.ts';

const dir = mkdtempSync(join(tmpdir(), 'mgta-det-v1-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => initBackend({ prefer: 'wasm', log: false }));

describe('det export of heads trained on another stride placement', () => {
  it('refuses heads of the v1.5 body when the checkpoint (same weights) is ResNet v1, and the other way round', async () => {
    const weights = initialWeights({ name: 'resnet50', decoder: false, width: 1 / 32 }, 3);
    const preset = parseDetectionPreset({ reduced: true, rpnChannels: 8 }, 'test', 4);
    const manifest = await saveCheckpoint(join(dir, 'v1'), weights, { createdBy: 'test', stride1x1: true });
    await saveCheckpoint(join(dir, 'v15'), weights, { createdBy: 'test' });
    for (const variant of [{}, { stride1x1: true as const }]) {
      const protocol = protocolForModel(preset, variant);
      const heads = initHeadWeights(headConfigOf(protocol, 32), weights, 1);
      saveDetectorHeads(join(dir, `heads-${variant.stride1x1 ? 'v1' : 'v15'}`), heads, { protocol, modelSha256: manifest.weightsSha256 });
      disposeHeadWeights(heads);
    }
    const attempt = (model: string, heads: string) => runDetExport({ model: join(dir, model), heads: join(dir, heads), out: join(dir, `${model}-${heads}.onnx`) });
    await expect(attempt('v1', 'heads-v15')).rejects.toThrow(InputError);
    await expect(attempt('v1', 'heads-v15')).rejects.toThrow(/was trained on the torchvision v1\.5 body of these weights, but .*v1 is ResNet v1 \(stride on 1x1\)/);
    await expect(attempt('v15', 'heads-v1')).rejects.toThrow(/was trained on the ResNet v1 \(stride on 1x1\) body of these weights, but .*v15 is torchvision v1\.5/);
    await attempt('v1', 'heads-v1');
    await attempt('v15', 'heads-v15');
  }, 120_000);
});
