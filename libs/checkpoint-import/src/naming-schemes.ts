/**
 * How a file names the trunk's tensors, as a map from torchvision's names (which the rest of
 * mgta uses) to the file's own. VISSL's `_feature_blocks.` names are torchvision's under a
 * prefix, so only Detectron needs its own scheme.
 */
export interface NamingScheme {
  id: 'torchvision' | 'detectron';
  /** The stem conv's name: a candidate trunk prefix is whatever precedes it. */
  stem: string;
  /** The file's name for a torchvision tensor; undefined: the file has none and it is synthesised. */
  sourceName(torchvisionName: string): string | undefined;
  /** ResNet v1 (stride on the first 1x1 conv) is implied by the scheme. */
  stride1x1: boolean;
}

export const TORCHVISION_SCHEME: NamingScheme = {
  id: 'torchvision',
  stem: 'conv1.weight',
  sourceName: (name) => name,
  stride1x1: false,
};

const BRANCH2 = ['a', 'b', 'c'];
const BN_PARAMETER: Readonly<Record<string, string>> = { weight: 's', bias: 'b' };

/**
 * Detectron's Caffe2 ResNet names (Detectron lib/modeling/ResNet.py: `add_ResNet_convX_body`
 * names the stem `conv1` + AffineChannel `res_conv1_bn`; `add_residual_block` names block j of
 * stage i `res{i}_{j}`, its convs `_branch2a/b/c` and its projection shortcut `_branch1`, each
 * with an AffineChannel `<conv>_bn`; ConvAffine stores `<conv>_w`, AffineChannel `_s` and `_b`).
 * AffineChannel has no running statistics. The MSRA ResNet-50 these names belong to strides
 * the first 1x1 conv (Detectron's RESNETS.STRIDE_1X1 default, True).
 */
export const DETECTRON_SCHEME: NamingScheme = {
  id: 'detectron',
  stem: 'conv1_w',
  sourceName(name) {
    const parts = name.split('.');
    const leaf = parts.at(-1)!;
    if (name === 'conv1.weight') return 'conv1_w';
    if (parts[0] === 'bn1') return BN_PARAMETER[leaf] ? `res_conv1_bn_${BN_PARAMETER[leaf]}` : undefined;
    const layer = /^layer(\d)$/.exec(parts[0]);
    if (!layer) return undefined;
    const block = `res${Number(layer[1]) + 1}_${parts[1]}`;
    const module = parts.slice(2, -1).join('.');
    const conv = /^conv(\d)$/.exec(module);
    if (conv && leaf === 'weight') return `${block}_branch2${BRANCH2[Number(conv[1]) - 1]}_w`;
    const bn = /^bn(\d)$/.exec(module);
    if (bn) return BN_PARAMETER[leaf] ? `${block}_branch2${BRANCH2[Number(bn[1]) - 1]}_bn_${BN_PARAMETER[leaf]}` : undefined;
    if (module === 'downsample.0' && leaf === 'weight') return `${block}_branch1_w`;
    if (module === 'downsample.1') return BN_PARAMETER[leaf] ? `${block}_branch1_bn_${BN_PARAMETER[leaf]}` : undefined;
    return undefined;
  },
  stride1x1: true,
};

export const NAMING_SCHEMES: readonly NamingScheme[] = [TORCHVISION_SCHEME, DETECTRON_SCHEME];
