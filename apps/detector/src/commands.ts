import type { Command } from 'commander';
import { withOutputLock } from '@mgta/core';
import type { DetTrainOptions } from './detector-commands.ts';

/** The implementation (tfjs, ORT, the detection lib), loaded when a det command runs. */
const impl = () => import('./detector-commands.ts');

/** `mgta det train|export|infer|eval`. Only the definitions load here, so `mgta --help` stays fast. */
export function registerDetectorCommands(program: Command): void {
  const det = program.command('det').description('Faster R-CNN R-50-C4 with a frozen body: train heads (tfjs), export to ONNX, infer (ORT), evaluate');
  det.command('train')
    .description('train the RPN + res5 RoI heads on cached body features (resumable)')
    .requiredOption('--preset <name>', 'preset whose detection section is the protocol')
    .requiredOption('--model <dir>', 'pretrained checkpoint folder (models/<preset>/<id>) or PyTorch / safetensors / Detectron file')
    .requiredOption('--devkit <dir>', 'VOCdevkit folder')
    .option('--column <set>', '07 (VOC07 trainval) or 07+12', '07')
    .requiredOption('--out <dir>', 'run folder: heads/, work/state, work/loss.jsonl')
    .option('--no-cache', 'keep body features in memory only')
    .option('--stop-after <n>', 'stop (resumably) after n iterations')
    .option('--threads <n>', 'CPU threads')
    // One run per run folder: two would train into the same work/state and interleave loss.jsonl.
    // The lock comes first, so a second run is refused before tfjs and ORT load.
    .action((options: DetTrainOptions) => withOutputLock(options.out, async () => (await impl()).runDetTrain(options), { command: `mgta det train --column ${options.column}` }));
  det.command('export')
    .description('export body + heads + proposals + NMS as one ONNX model (inputs image, im_info)')
    .requiredOption('--model <dir>', 'pretrained checkpoint folder or PyTorch / safetensors / Detectron file')
    .requiredOption('--heads <dir>', 'trained heads (det train --out <dir>/heads)')
    .requiredOption('--out <file>', 'ONNX file')
    .action(async (options: { model: string; heads: string; out: string }) => (await impl()).runDetExport(options));
  det.command('infer')
    .description('run the exported detector with ONNX Runtime and write comp4_det_<split>_<cls>.txt')
    .requiredOption('--model <dir>', 'pretrained checkpoint folder or PyTorch / safetensors / Detectron file')
    .requiredOption('--heads <dir>', 'trained heads')
    .requiredOption('--devkit <dir>', 'VOCdevkit folder')
    .option('--year <year>', 'VOC year', '2007')
    .option('--split <split>', 'image set', 'test')
    .requiredOption('--out <dir>', 'folder for the result files')
    .option('--device <device>', `auto, webgpu, cuda or cpu`, 'auto')
    .option('--threads <n>', 'ORT intra-op threads')
    .action(async (options: { model: string; heads: string; devkit: string; year: string; split: string; out: string; device: string; threads?: string }) => (await impl()).runDetInfer(options));
  det.command('eval')
    .description('VOC07 11-point mAP (IoU 0.5) and area AP at 0.5, 0.75, 0.5:0.95 of comp4 files')
    .requiredOption('--devkit <dir>', 'VOCdevkit folder')
    .option('--year <year>', 'VOC year', '2007')
    .option('--split <split>', 'image set', 'test')
    .requiredOption('--results <dir>', 'folder with comp4_det_<split>_<cls>.txt')
    .option('--json <file>', 'also write the numbers as JSON')
    .action(async (options: { devkit: string; year: string; split: string; results: string; json?: string }) => (await impl()).runDetEval(options));
}
