import type { Command } from 'commander';
import type { EvalCommandOptions } from './eval-commands.ts';

/** `eval-det` and `eval-cls`. Only the definitions load here; the actions import the evaluator when they run. */
export function registerEvalCommands(program: Command): void {
  const shared = (command: Command): Command =>
    command
      .requiredOption('--devkit <dir>', 'VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder')
      .option('--year <year>', 'VOC year', '2007')
      .option('--split <split>', 'image set of ImageSets/Main', 'test')
      .requiredOption('--results <dir>', 'folder with the result files')
      .option('--classes <list>', 'comma-separated classes (default: classes.txt or the 20 VOC classes)')
      .option('--json <file>', 'also write the result as JSON')
      .option('--allow-missing', 'score a class whose result file is missing as AP 0 (listed in the output) instead of failing');
  shared(program.command('eval-det').description('VOC detection AP of comp4_det_<split>_<cls>.txt files (Detectron voc_eval semantics)'))
    .option('--iou <threshold>', 'IoU a detection must exceed to match', '0.5')
    .action(async (options: EvalCommandOptions) => {
      const { runEvalDet } = await import('./eval-commands.ts');
      runEvalDet(options);
    });
  shared(program.command('eval-cls').description('VOC classification AP of comp1_cls_<split>_<cls>.txt files (VOCevalcls semantics)')).action(
    async (options: EvalCommandOptions) => {
      const { runEvalCls } = await import('./eval-commands.ts');
      runEvalCls(options);
    },
  );
}
