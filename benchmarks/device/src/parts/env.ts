/**
 * What the check ran on: the machine, the GPU as the driver and as Dawn see it, and the ONNX
 * Runtime build. Each probe fails soft: on a machine without a GPU the adapter probe records why.
 */
import { execFileSync } from 'node:child_process';
import { machineInfo } from '@mgta/core';
import { attempt } from '../emit.ts';

/** Dawn's adapter request never answering is a failure too (seen: ~1 ms when there is none). */
const ADAPTER_TIMEOUT_MS = 15_000;

export async function envPart(): Promise<void> {
  await attempt('env.machine', () => machineInfo());
  await attempt('env.nvidiaSmi', () => execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 20_000 }).trim());
  await attempt('env.vulkan', () => ({
    VK_DRIVER_FILES: process.env.VK_DRIVER_FILES ?? null,
    loader: execFileSync('sh', ['-c', 'ldconfig -p | grep -m1 libvulkan.so.1 || true'], { encoding: 'utf8' }).trim() || null,
  }));
  await attempt('env.ort', async () => {
    const ort = await import('onnxruntime-node');
    return { versions: ort.env.versions, backends: ort.listSupportedBackends() };
  });
  await attempt('env.webgpuAdapter', async () => {
    const { create } = (await import('webgpu')) as unknown as { create: (flags: string[]) => { requestAdapter(o?: object): Promise<Adapter | null> } };
    const adapter = await Promise.race([
      create([]).requestAdapter({ powerPreference: 'high-performance' }),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), ADAPTER_TIMEOUT_MS).unref()),
    ]);
    if (!adapter) throw new Error('no WebGPU adapter (Dawn found no usable Vulkan device)');
    const info = adapter.info ?? {};
    return {
      vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
      maxBufferSize: adapter.limits?.maxBufferSize, maxStorageBufferBindingSize: adapter.limits?.maxStorageBufferBindingSize,
    };
  });
}

interface Adapter {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
}
