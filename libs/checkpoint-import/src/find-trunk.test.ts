import { describe, expect, it } from 'vitest';
import { tensorSpecs } from '@mgta/resnet';
import { findTrunk, TrunkError } from './find-trunk.ts';
import { groupDropped } from './import-checkpoint.ts';
import { DETECTRON_SCHEME } from './naming-schemes.ts';
import { RefusedGlobalError } from './flatten.ts';
import { contiguousStrides, type TensorData } from './tensor-data.ts';

const WIDTH = 1 / 64; // stem of 1 channel: the smallest valid ResNet-50

function zeros(shape: number[]): TensorData {
  const count = shape.reduce((a, b) => a * b, 1);
  return { kind: 'tensor', dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0, storage: { kind: 'storage', dtype: 'float32', bytes: new Uint8Array(4 * count), source: 'test' } };
}

/** A complete torchvision trunk (plus an fc) under `prefix`. */
function trunk(prefix: string, into = new Map<string, TensorData>()): Map<string, TensorData> {
  for (const spec of tensorSpecs({ name: 'resnet50', decoder: false, width: WIDTH })) into.set(prefix + spec.name, zeros(spec.shape));
  into.set(`${prefix}fc.weight`, zeros([10, 32]));
  return into;
}

describe('findTrunk', () => {
  it('prefers a known layout when a file holds two trunks (MoCo v2: encoder_q over encoder_k)', () => {
    const tensors = trunk('state_dict.module.encoder_k.', trunk('state_dict.module.encoder_q.'));
    const found = findTrunk(tensors, 'moco.pth.tar');
    expect(found.prefix).toBe('state_dict.module.encoder_q.');
    expect(found.layout).toMatch(/MoCo v1\/v2/);
    expect(found.width).toBe(WIDTH);
  });

  it('lists the candidates when two trunks sit under unknown prefixes, and --prefix chooses', () => {
    const tensors = trunk('nets.online.', trunk('nets.target.'));
    expect(() => findTrunk(tensors, 'byol.pt')).toThrow(TrunkError);
    expect(() => findTrunk(tensors, 'byol.pt')).toThrow("byol.pt: 2 complete ResNet-50 trunks, none under a known layout: 'nets.target.' (torchvision names, width 0.015625), 'nets.online.' (torchvision names, width 0.015625). Choose one with --prefix <prefix>.");
    expect(findTrunk(tensors, 'byol.pt', 'nets.online.').prefix).toBe('nets.online.');
  });

  it('names what is missing or misshapen in the closest candidate', () => {
    const tensors = trunk('model.');
    tensors.delete('model.layer3.2.conv2.weight');
    tensors.set('model.layer1.0.bn1.weight', zeros([3]));
    expect(() => findTrunk(tensors, 'cut.pth')).toThrow(
      "cut.pth: no complete ResNet-50 (torchvision or Detectron names) found. The closest is 'model.' (torchvision names, width 0.015625): 263 of 265 trunk tensors match (model.layer1.0.bn1.weight has shape [3], expected [1]; model.layer3.2.conv2.weight is missing).",
    );
  });

  it('refuses, by name, a placeholder where the trunk needs a tensor', () => {
    const tensors = trunk('');
    tensors.delete('layer2.0.conv1.weight');
    expect(() => findTrunk(tensors, 'evil.pth', undefined, new Map([['layer2.0.conv1.weight', 'builtins.eval']])))
      .toThrow(RefusedGlobalError);
    expect(() => findTrunk(tensors, 'evil.pth', undefined, new Map([['layer2.0.conv1.weight', 'builtins.eval']])))
      .toThrow(/'layer2\.0\.conv1\.weight' is built by builtins\.eval/);
  });

  it('--prefix that holds no trunk says so and lists the complete ones', () => {
    expect(() => findTrunk(trunk('a.'), 'f.pth', 'b.')).toThrow("f.pth: --prefix 'b.' holds no complete ResNet-50: no stem conv (conv1.weight or conv1_w) there. Complete trunks are under: 'a.' (torchvision names, width 0.015625).");
  });
});

describe('Detectron names', () => {
  it('map torchvision names as Detectron ResNet.py writes them', () => {
    const cases: Array<[string, string | undefined]> = [
      ['conv1.weight', 'conv1_w'], ['bn1.weight', 'res_conv1_bn_s'], ['bn1.bias', 'res_conv1_bn_b'], ['bn1.running_mean', undefined],
      ['layer1.0.conv1.weight', 'res2_0_branch2a_w'], ['layer1.0.bn3.bias', 'res2_0_branch2c_bn_b'],
      ['layer3.5.conv2.weight', 'res4_5_branch2b_w'], ['layer4.0.downsample.0.weight', 'res5_0_branch1_w'],
      ['layer4.0.downsample.1.weight', 'res5_0_branch1_bn_s'], ['layer4.0.downsample.1.running_var', undefined],
    ];
    for (const [torchvision, detectron] of cases) expect(DETECTRON_SCHEME.sourceName(torchvision)).toBe(detectron);
  });
});

describe('groupDropped', () => {
  it('groups where a path leaves the trunk, BN counters apart, Caffe2 suffixes together', () => {
    expect(groupDropped([
      'state_dict.module.encoder_k.conv1.weight', 'state_dict.module.encoder_k.bn1.weight', 'state_dict.module.queue',
      'state_dict.module.encoder_q.fc.0.weight', 'state_dict.module.encoder_q.layer1.0.bn1.num_batches_tracked', 'optimizer.state.0',
    ], 'state_dict.module.encoder_q.')).toEqual([
      { group: 'optimizer.*', tensors: 1 },
      { group: 'state_dict.module.encoder_k.*', tensors: 2 },
      { group: 'state_dict.module.encoder_q.*.num_batches_tracked', tensors: 1 },
      { group: 'state_dict.module.encoder_q.fc.*', tensors: 1 },
      { group: 'state_dict.module.queue', tensors: 1 },
    ]);
    expect(groupDropped(['blobs.res2_0_branch2a_b', 'blobs.res2_0_branch1_b', 'blobs.conv1_w_momentum', 'blobs.fc1000_w_momentum', 'blobs.fc1000_w'], 'blobs.'))
      .toEqual([{ group: 'blobs.*_b', tensors: 2 }, { group: 'blobs.*_momentum', tensors: 2 }, { group: 'blobs.fc1000_w', tensors: 1 }]);
  });
});
