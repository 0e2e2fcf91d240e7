export { registerDetectorCommands, runDetTrain, runDetExport, runDetInfer, runDetEval } from './detector-commands.ts';
