import type { FoundBlock } from './resnet-graph-walk.ts';
import { intsAttribute } from './tensor-data.ts';

/** Where one strided stage of a found graph has its stride: conv1 (ResNet v1), conv2 (v1.5), or neither cleanly. */
export type StridePlacement = 'conv1' | 'conv2' | 'unclear';

export interface StridePlacementReport {
  /** true: every strided stage has its stride on the 1x1 conv1 (Detectron's RESNETS.STRIDE_1X1). */
  stride1x1: boolean;
  /** A mix of conv1 and conv2 placements across stages: neither v1 nor v1.5. */
  problem?: string;
}

/**
 * Reads which variant a walked ResNet graph is from its stride-2 stages (layer2..layer4: layer1
 * has stride 1 in both, so it cannot tell). torchvision v1.5 strides layerN.0.conv2 (3x3);
 * Detectron's v1 strides layerN.0.conv1 (1x1; lib/modeling/ResNet.py bottleneck_transformation,
 * `(str1x1, str3x3) = (stride, 1) if cfg.RESNETS.STRIDE_1X1 else (1, stride)`). A stage whose
 * strides fit neither is left 'unclear' here: the per-conv stride check then names that conv.
 */
export function detectStridePlacement(stages: readonly FoundBlock[][]): StridePlacementReport {
  const placements = stages.slice(1).map((blocks, i) => ({ stage: `layer${i + 2}.0`, placement: placementOf(blocks[0]) }));
  const clear = placements.filter((p) => p.placement !== 'unclear');
  const onConv1 = clear.filter((p) => p.placement === 'conv1');
  const onConv2 = clear.filter((p) => p.placement === 'conv2');
  if (onConv1.length > 0 && onConv2.length > 0) {
    const list = (ps: typeof clear): string => ps.map((p) => p.stage).join(', ');
    return {
      stride1x1: false,
      problem: `the stage strides are on the 1x1 conv1 in ${list(onConv1)} (ResNet v1, Detectron's STRIDE_1X1) but on the 3x3 conv2 in ` +
        `${list(onConv2)} (torchvision v1.5): a ResNet-50 has them all in one place`,
    };
  }
  return { stride1x1: onConv1.length > 0 };
}

function placementOf(block: FoundBlock): StridePlacement {
  const stride = (index: 0 | 1): string => intsAttribute(block.main[index].conv, 'strides', [1, 1]).join(',');
  const [conv1, conv2] = [stride(0), stride(1)];
  if (conv1 === '2,2' && conv2 === '1,1') return 'conv1';
  if (conv1 === '1,1' && conv2 === '2,2') return 'conv2';
  return 'unclear';
}
