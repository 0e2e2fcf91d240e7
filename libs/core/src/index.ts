export { InputError } from './input-error.ts';
export { writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';
export { sha256, sha256File, filesFingerprint, stableStringify, hashJson } from './hash.ts';
export { Random } from './random.ts';
export { machineInfo, gpuDeviceVisible, type MachineInfo } from './machine.ts';
export { startProgress, type Progress } from './progress.ts';
export { ContentCache, cacheRoot, listCacheEntries, clearCache, type CacheEntryInfo, type CacheKeyInputs } from './content-cache.ts';
