export { registerEvalCommands, runEvalDet, runEvalCls, type EvalCommandOptions, type EvalIo } from './eval-commands.ts';
export { formatResultTable } from './format-table.ts';
