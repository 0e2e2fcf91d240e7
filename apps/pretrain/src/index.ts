import type { Command } from 'commander';
import { runInitModel, type InitModelOptions } from './init-model.ts';

export { runInitModel, type InitModelOptions } from './init-model.ts';

export function registerPretrainCommands(program: Command): void {
  program
    .command('init-model')
    .description('Write a randomly initialised ResNet-50 checkpoint (torchvision init, seeded; the "ResNet50 Random" baseline)')
    .requiredOption('--out <dir>', 'checkpoint folder to write (manifest.json + weights.bin); replaces a checkpoint already there')
    .requiredOption('--seed <n>', 'random seed: the same seed gives byte-identical weights')
    .option('--arch <name>', 'architecture (only resnet50)', 'resnet50')
    .option('--decoder', 'include the MGTA decoder of the paper\'s Table 1 (for pretraining)')
    .option('--decoder-from <feature>', 'feature the decoder reads: res5 (Table 1, default) or res4')
    .option('--head-classes <n>', 'add an fc head with this many classes (torchvision nn.Linear init)')
    .action(async (options: InitModelOptions) => {
      await runInitModel(options);
    });
}
