import type { Command } from 'commander';
import { registerModelIoCommands } from './model-io-commands.ts';
import { registerExtractCommand } from './extract-command.ts';

export { runExportOnnx, runImportOnnx, type ExportOnnxOptions, type ImportOnnxOptions } from './model-io-commands.ts';
export { runExtract, type ExtractCommandOptions } from './extract-command.ts';

/** `export-onnx`, `import-onnx` and `extract`. */
export function registerExtractCommands(program: Command): void {
  registerModelIoCommands(program);
  registerExtractCommand(program);
}
