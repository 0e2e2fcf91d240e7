export { registerPretrainCommands } from './commands.ts';
export { runInitModel, type InitModelOptions } from './init-model.ts';
export { runPretrainCommand, modelId, PRETRAIN_MODELS, type PretrainCommandOptions } from './pretrain-command.ts';
