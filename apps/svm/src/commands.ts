import type { Command } from 'commander';
import type { SolverName } from '@mgta/svm';
import { COST_LISTS } from '@mgta/svm/cost-lists';
import type { SvmVocOptions } from './svm-voc.ts';

export const SOLVERS: SolverName[] = ['liblinear-dual', 'libsvm'];

/** `svm-voc`. Only the definition loads here; the action imports the implementation when it runs. */
export function registerSvmCommands(program: Command): void {
  program
    .command('svm-voc')
    .description('VOC07 linear-SVM benchmark on frozen features (Goyal et al. 2019 protocol)')
    .requiredOption('--devkit <dir>', 'VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder')
    .option('--year <year>', 'VOC year', '2007')
    .requiredOption('--train <npy>', 'training features [N, D] (.npy), ids in <name>.json beside it')
    .requiredOption('--test <npy>', 'test features [M, D] (.npy), ids in <name>.json beside it')
    .option('--train-split <split>', 'image set of the training features', 'trainval')
    .option('--test-split <split>', 'image set of the test features', 'test')
    .option('--costs <list>', `${Object.keys(COST_LISTS).join('|')} or c1,c2,...`, 'goyal2019')
    .option('--solver <name>', SOLVERS.join('|'), 'liblinear-dual')
    .option('--classes <list>', 'comma-separated classes (default: classes.txt or the 20 VOC classes)')
    .option('--threads <n>', 'worker threads (default: all cores)')
    .option('--json <file>', 'also write the result as JSON')
    .option('--low-shot [k-list]', 'also run Goyal\'s low-shot SVM: k positives and (C-1)k negatives per class (default k 1,2,4,8,16,32,64,96)')
    .option('--low-shot-samples <n>', 'independent low-shot samples per k', '5')
    .option('--seed <n>', 'seed of the low-shot draws', '0')
    .action(async (options: SvmVocOptions) => {
      const { runSvmVoc } = await import('./svm-voc.ts');
      await runSvmVoc(options);
    });
}
