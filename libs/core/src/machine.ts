import { cpus, totalmem, platform, arch, release } from 'node:os';
import { readdirSync } from 'node:fs';

/** The machine a result was measured on; recorded with every result. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  arch: string;
  osRelease: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    node: process.version,
  };
}

/**
 * Whether a GPU device node exists (Linux DRM render nodes, NVIDIA's /dev/nvidia*). Asking
 * Dawn for a WebGPU adapter on a machine without one costs little but makes the Vulkan
 * loader print warnings to stderr, so `auto` device choices skip WebGPU where this is false.
 * Other platforms answer true: there the adapter request decides. MGTA_ASSUME_GPU=1 forces true.
 */
export function gpuDeviceVisible(): boolean {
  if (process.env.MGTA_ASSUME_GPU === '1') return true;
  if (platform() !== 'linux') return true;
  const listing = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return listing('/dev/dri').some((name) => name.startsWith('renderD')) || listing('/dev').some((name) => /^nvidia\d+$/.test(name));
}
