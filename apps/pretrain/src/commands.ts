import type { Command } from 'commander';
import type { InitModelOptions } from './init-model.ts';
import type { PretrainCommandOptions } from './pretrain-command.ts';

/**
 * `init-model` and `pretrain`. Only the definitions load here; each action imports its
 * implementation (tfjs and the trainers) when it runs, so `mgta --help` stays fast.
 */
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
    .option('--width <w>', 'width multiplier: every channel count times w, e.g. 0.5, 0.25 or 1/8 (64·w must be whole; default 1)')
    .action(async (options: InitModelOptions) => {
      const { runInitModel } = await import('./init-model.ts');
      await runInitModel(options);
    });
  program
    .command('pretrain')
    .description('Pretrain a model of a preset into models/<preset>/<id>/ (iae, mgta-k<K>, supervised, random, iae-long); resumes an interrupted run')
    .argument('<model>', 'iae | mgta | supervised | random | iae-long (the IAE trained on without the triplet term, MGTA\'s control) | all (every model of the preset, each in its own process)')
    .requiredOption('--preset <name>', 'preset name (ci, embedded, paper) or path; its pretrain section sizes the run')
    .option('--k <K>', "mgta: number of k-means clusters, k1 / k2 for the preset's first / second K, or 'ch' to choose it by Calinski-Harabasz (default: k1)")
    .option('--images <dir>', 'folder of pretraining images (labels.txt or class subfolders); default data/fashion-voc/<preset>/pretrain')
    .option('--out <dir>', 'model folder (default models/<preset>/<id>)')
    .option('--models <dir>', 'models root when --out is not given', 'models')
    .option('--iae <dir>', 'mgta, iae-long: the IAE checkpoint to start from (default: iae beside --out)')
    .option('--seed <n>', "seed (default: the preset's pretrain.seed)")
    .option('--threads <n>', 'wasm backend threads (default MGTA_THREADS or all cores; with all: shared by the jobs)')
    .option('--jobs <n>', 'all: models trained at once, each in its own process (default MGTA_JOBS, else 2 on 2 cores or more; the same weights, sooner)')
    .option('--force', 'retrain even if the model is already finished')
    .option('--stop-after-steps <n>', 'stop (as if killed) after this many steps, having saved the state; for testing resume')
    .action(async (model: string, options: PretrainCommandOptions) => {
      const { runPretrainAll, runPretrainCommand } = await import('./pretrain-command.ts');
      if (model === 'all') await runPretrainAll(options);
      else await runPretrainCommand(model, options);
    });
}
