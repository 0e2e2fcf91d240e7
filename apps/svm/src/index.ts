export { registerSvmCommands, runSvmVoc, formatSvmTable, type SvmVocOptions, type SvmVocIo } from './svm-voc.ts';
