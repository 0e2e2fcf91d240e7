// Plain-JS entry for the k-means worker threads: registers tsx's TypeScript loader in this
// thread, then loads the real worker. (On Node 20, `execArgv: ['--import', 'tsx']` does not
// apply the loader to the worker's own entry file, so the entry must be JavaScript.)
import { register } from 'tsx/esm/api';

register();
await import('./kernel-worker.ts');
