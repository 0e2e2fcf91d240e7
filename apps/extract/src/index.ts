export { registerModelIoCommands, runExportOnnx, runImportOnnx, type ExportOnnxOptions, type ImportOnnxOptions } from './model-io-commands.ts';
