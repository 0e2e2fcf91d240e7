import type { Command } from 'commander';
import { DEFAULT_TOLERANCE_POINTS } from '@mgta/report/regress';
import type { BenchRunner, RegressOptions } from './regress-command.ts';
import type { ReportOptions, TablesOptions } from './results-commands.ts';

/**
 * `mgta results tables|report` and `mgta regress`. Only the definitions load here; each
 * action imports its implementation (the report renderer, vega) when it runs.
 */
export function registerResultsCommands(program: Command): void {
  registerResultsSubcommands(program);
  registerRegressCommand(program);
}

export function registerResultsSubcommands(program: Command): void {
  const results = program.command('results').description('Paper tables and the HTML report from results/**/*.json');
  results
    .command('tables')
    .description("Regenerate results/TABLES.md: the paper's Tables 2 and 3 per preset and data set")
    .option('--results <dir>', 'results folder', 'results')
    .option('--out <file>', 'output Markdown file (default <results>/TABLES.md)')
    .action(async (options: TablesOptions) => {
      const { runTables } = await import('./results-commands.ts');
      runTables(options);
    });
  results
    .command('report')
    .description('Regenerate results/report.html: self-contained charts (AP bars, PR curves, pretraining curves)')
    .option('--results <dir>', 'results folder', 'results')
    .option('--models <dir>', 'models folder with <preset>/<model>/metrics.jsonl', 'models')
    .option('--out <file>', 'output HTML file (default <results>/report.html)')
    .action(async (options: ReportOptions) => {
      const { runReport } = await import('./results-commands.ts');
      await runReport(options);
    });
}

export function registerRegressCommand(program: Command, runner?: BenchRunner): void {
  program
    .command('regress')
    .description('Run the ci preset of both benches and compare every mAP and class AP with the baseline')
    .option('--baseline <file>', 'baseline JSON', 'results/baseline/ci.json')
    .option('--update', 'rewrite the baseline from this run')
    .option('--tolerance <points>', `allowed |difference| in mAP points (default: the baseline's, else ${DEFAULT_TOLERANCE_POINTS})`)
    .option('--preset <name>', 'bench preset', 'ci')
    .option('--results <dir>', 'where the bench records are read from', 'results')
    .option('--all', 'print every per-class row, not only failing ones')
    .action(async (options: RegressOptions) => {
      const { runRegressCommand } = await import('./regress-command.ts');
      await runRegressCommand(options, runner);
    });
}
