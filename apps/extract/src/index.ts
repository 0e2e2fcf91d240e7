export { registerExtractCommands } from './commands.ts';
export { runExportOnnx, runImportOnnx, type ExportOnnxOptions, type ImportOnnxOptions } from './model-io-commands.ts';
export { runExtract, type ExtractCommandOptions } from './extract-command.ts';
