import type { Command } from 'commander';
import { FEATURE_LAYERS } from '@mgta/features/pooling';
import { DEVICES } from '@mgta/onnx/devices';
import { ENCODER_LAYERS } from '@mgta/onnx/layout';
import type { ExtractCommandOptions } from './extract-command.ts';
import type { ExportOnnxOptions, ImportOnnxOptions } from './model-io-commands.ts';
import type { ImportCheckpointOptions } from './import-checkpoint-command.ts';

/**
 * `export-onnx`, `import-onnx`, `import-checkpoint` and `extract`. Only the definitions load here (the layer and
 * device lists come from files free of onnxruntime-node); each action imports its
 * implementation when it runs, so `mgta --help` stays fast.
 */
export function registerExtractCommands(program: Command): void {
  program
    .command('export-onnx')
    .description('Export a checkpoint\'s ResNet-50 encoder up to a layer as ONNX (BN folded, opset 17)')
    .requiredOption('--checkpoint <dir>', 'checkpoint directory (manifest.json + weights.bin)')
    .option('--layer <layer>', ENCODER_LAYERS.join('|'), 'res4')
    .requiredOption('--out <file>', 'ONNX file to write')
    .action(async (options: ExportOnnxOptions) => {
      const { runExportOnnx } = await import('./model-io-commands.ts');
      await runExportOnnx(options);
    });
  program
    .command('import-onnx')
    .description('Import a torchvision ResNet-50 ONNX (opset 11–17) into a checkpoint')
    .requiredOption('--model <file>', 'the .onnx file')
    .requiredOption('--out <dir>', 'checkpoint directory to write')
    .action(async (options: ImportOnnxOptions) => {
      const { runImportOnnx } = await import('./model-io-commands.ts');
      await runImportOnnx(options);
    });
  program
    .command('import-checkpoint')
    .description('Import the ResNet-50 trunk of a PyTorch (.pth, .pth.tar, .torch), safetensors or Detectron (.pkl) file into a checkpoint; runs no code from the file')
    .requiredOption('--from <file>', 'torchvision, MoCo v1/v2/v3, SwAV, DeepCluster-v2, DINO, VISSL, Detectron or safetensors checkpoint')
    .requiredOption('--out <dir>', 'checkpoint directory to write')
    .option('--prefix <prefix>', 'dotted path of the trunk inside the file when it holds several (the error lists them)')
    .option('--pixel-normalization <name>', 'auto (Detectron\'s BGR 0-255 means for Detectron files, else torchvision\'s), torchvision or detectron', 'auto')
    .option('--resnet-variant <v1|v1.5>', 'override the stride placement the format implies (v1: Detectron STRIDE_1X1; v1.5: torchvision)')
    .action(async (options: ImportCheckpointOptions) => {
      const { runImportCheckpoint } = await import('./import-checkpoint-command.ts');
      await runImportCheckpoint(options);
    });
  program
    .command('extract')
    .description('frozen-network features of a VOC split (Goyal et al. 2019 pooling) → .npy + ids .json; cached and resumable')
    .requiredOption('--model <path>', 'checkpoint directory, ONNX file (a torchvision ResNet-50 export), or a PyTorch / safetensors / Detectron checkpoint file (imported once, cached by content)')
    .requiredOption('--devkit <dir>', 'VOCdevkit folder (or its VOC<year> folder)')
    .option('--year <year>', 'VOC year', '2007')
    .requiredOption('--split <split>', 'image set, e.g. trainval or test')
    .option('--layer <layer>', `one of ${FEATURE_LAYERS.join(', ')}`, 'res4')
    .requiredOption('--out <file.npy>', 'features file; ids and fingerprints go to <file>.json')
    .option('--batch-size <n>', 'images per ONNX Runtime call', '8')
    .option('--device <device>', `execution provider: ${DEVICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'ONNX Runtime threads (default: all cores)')
    .action(async (options: ExtractCommandOptions) => {
      const { runExtract } = await import('./extract-command.ts');
      return runExtract(options);
    });
}
