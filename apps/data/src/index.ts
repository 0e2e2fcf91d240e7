export { registerDataCommands } from './commands.ts';
export { runMakeFashionVoc, DEFAULT_SEED, type MakeFashionVocOptions } from './make-fashion-voc.ts';
export { checkVoc, runCheckVoc, formatProblem, type CheckVocOptions } from './check-voc.ts';
