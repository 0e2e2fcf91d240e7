export { registerSvmCommands } from './commands.ts';
export { runSvmVoc, formatSvmTable, type SvmVocOptions, type SvmVocIo } from './svm-voc.ts';
