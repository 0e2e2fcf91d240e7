import type { Command } from 'commander';
import { runCheckVoc, type CheckVocOptions } from './check-voc.ts';
import { runMakeFashionVoc, type MakeFashionVocOptions } from './make-fashion-voc.ts';

export { runMakeFashionVoc, DEFAULT_SEED, type MakeFashionVocOptions } from './make-fashion-voc.ts';
export { checkVoc, runCheckVoc, formatProblem, type CheckVocOptions } from './check-voc.ts';

export function registerDataCommands(program: Command): void {
  program
    .command('make-fashion-voc')
    .description('Generate the embedded data: Fashion-MNIST pretraining images and a VOC-format Fashion-VOC devkit')
    .requiredOption('--out <dir>', 'output folder (holds pretrain/, VOCdevkit/, manifest.json)')
    .option('--preset <name|file>', 'preset (benchmarks/presets/<name>.json) with a fashion-voc data section', 'embedded')
    .option('--seed <n>', 'generator seed (default 0)')
    .option('--fashion-mnist <dir>', 'folder with the full Fashion-MNIST IDX files (train-* and t10k-*)')
    .option('--force', 'replace a different data set at --out')
    .action(async (options: MakeFashionVocOptions) => {
      await runMakeFashionVoc(options);
    });
  program
    .command('check-voc')
    .description('Check a VOC devkit: layout, annotations, label files, and that every JPEG decodes at its annotated size')
    .requiredOption('--devkit <dir>', 'VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder')
    .option('--year <year>', 'VOC year', '2007')
    .action(async (options: CheckVocOptions) => {
      await runCheckVoc(options);
    });
}
