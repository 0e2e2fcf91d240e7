export { registerBenchCommands } from './commands.ts';
export { runVoc07Cls, type Voc07ClsOptions } from './voc07-cls.ts';
export { runVocDet, type VocDetOptions } from './voc-det.ts';
