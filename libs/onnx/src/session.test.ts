import { availableParallelism } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { exportEncoderOnnx } from './export-encoder.ts';
import { randomResnet50Weights } from './random-weights.ts';
import { createSession, cudaProviderInstalled, firstLine, resolveDevice } from './session.ts';

const model = exportEncoderOnnx(randomResnet50Weights(5, 'conv1'), { layer: 'conv1' });

describe('createSession', () => {
  it('cpu: all cores by default, or the given thread count', async () => {
    const created = await createSession(model, { device: 'cpu' });
    expect(created.executionProvider).toBe('cpu');
    expect(created.threads).toBe(availableParallelism());
    expect(created.session.inputNames).toEqual(['image']);
    await created.session.release();
    expect((await createSession(model, { device: 'cpu', threads: 1 })).threads).toBe(1);
  });

  it('auto: falls back with one line that says why', async () => {
    const lines: string[] = [];
    const pinned = process.env.MGTA_DEVICE;
    delete process.env.MGTA_DEVICE;
    onTestFinished(() => {
      if (pinned !== undefined) process.env.MGTA_DEVICE = pinned;
    });
    const created = await createSession(model, { device: 'auto', threads: 1, log: (l) => lines.push(l) });
    if (created.executionProvider === 'cpu') {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^onnx: using the cpu execution provider \(webgpu: .+; cuda: .+\)$/);
    } else {
      expect(['webgpu', 'cuda']).toContain(created.executionProvider);
    }
    await created.session.release();
  }, 30_000);

  it.skipIf(cudaProviderInstalled())('cuda without the provider: names the opt-in', async () => {
    await expect(createSession(model, { device: 'cuda' })).rejects.toThrow(/ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install.js/);
  });

  it('rejects unknown devices and bad thread counts', async () => {
    await expect(createSession(model, { device: 'tpu' as never })).rejects.toThrow(/--device: unknown device "tpu"/);
    await expect(createSession(model, { device: 'cpu', threads: 0 })).rejects.toThrow(/positive integer/);
  });

  it('MGTA_DEVICE pins what auto means, and only auto', () => {
    expect(resolveDevice('auto', { MGTA_DEVICE: 'cpu' })).toBe('cpu');
    expect(resolveDevice('webgpu', { MGTA_DEVICE: 'cpu' })).toBe('webgpu');
    expect(resolveDevice('auto', {})).toBe('auto');
    expect(() => resolveDevice('auto', { MGTA_DEVICE: 'gpu' })).toThrow(/MGTA_DEVICE: unknown device "gpu"/);
  });

  it('shortens ORT assertion messages to their reason', () => {
    const raw = new Error('/onnxruntime_src/x.cc:136 Init()::<lambda()> status == Success was false. Failed to get a WebGPU adapter: No supported adapters\nstack');
    expect(firstLine(raw)).toBe('Failed to get a WebGPU adapter: No supported adapters');
  });
});
