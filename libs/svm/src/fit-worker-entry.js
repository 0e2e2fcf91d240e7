// Worker threads start as plain Node: register tsx's loader here (resolved from this file,
// so it works from any working directory, under vitest and under `mgta`), then load the
// TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./fit-worker.ts');
