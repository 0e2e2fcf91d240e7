import type { Command } from 'commander';
import type { CheckVocOptions } from './check-voc.ts';
import type { MakeFashionVocOptions } from './make-fashion-voc.ts';

/**
 * `make-fashion-voc` and `check-voc`. Only the definitions load here; each action imports
 * its implementation (sharp, the generator) when it runs, so `mgta --help` stays fast.
 */
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
      const { runMakeFashionVoc } = await import('./make-fashion-voc.ts');
      await runMakeFashionVoc(options);
    });
  program
    .command('check-voc')
    .description('Check a VOC devkit: layout, annotations, label files, and that every JPEG decodes at its annotated size')
    .requiredOption('--devkit <dir>', 'VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder')
    .option('--year <year>', 'VOC year', '2007')
    .action(async (options: CheckVocOptions) => {
      const { runCheckVoc } = await import('./check-voc.ts');
      await runCheckVoc(options);
    });
}
