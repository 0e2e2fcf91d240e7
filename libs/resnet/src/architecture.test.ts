import { describe, expect, it } from 'vitest';
import { inferArchitecture, shapeProblems, tensorSpecs, type ResNet50Architecture } from './architecture.ts';
import { decoderStages } from './decoder-architecture.ts';
import { countParameters, elementCount, isBatchNormBuffer, type NamedWeights } from './named-weights.ts';

function countOf(architecture: ResNet50Architecture): number {
  const weights: NamedWeights = new Map(tensorSpecs(architecture).map((spec) => [spec.name, { shape: spec.shape, data: new Float32Array(0) }]));
  return countParameters(weights);
}

describe('ResNet-50 tensor specs', () => {
  it('counts torchvision resnet50 parameters: 23,508,032 without fc, 25,557,032 with the 1000-class fc', () => {
    expect(countOf({ name: 'resnet50', decoder: false })).toBe(23_508_032);
    expect(countOf({ name: 'resnet50', decoder: false, headClasses: 1000 })).toBe(25_557_032);
  });

  it('has torchvision state_dict names: 320 entries minus 53 num_batches_tracked = 267 with fc', () => {
    const specs = tensorSpecs({ name: 'resnet50', decoder: false, headClasses: 1000 });
    expect(specs.length).toBe(267);
    expect(specs.filter((spec) => spec.kind === 'conv').length).toBe(53);
    const shapes = new Map(specs.map((spec) => [spec.name, spec.shape]));
    expect(shapes.get('conv1.weight')).toEqual([64, 3, 7, 7]);
    expect(shapes.get('bn1.running_var')).toEqual([64]);
    expect(shapes.get('layer1.0.conv1.weight')).toEqual([64, 64, 1, 1]);
    expect(shapes.get('layer1.0.downsample.0.weight')).toEqual([256, 64, 1, 1]);
    expect(shapes.get('layer2.0.conv2.weight')).toEqual([128, 128, 3, 3]); // v1.5: stride lives here
    expect(shapes.get('layer3.5.bn3.weight')).toEqual([1024]);
    expect(shapes.get('layer4.0.downsample.1.running_mean')).toEqual([2048]);
    expect(shapes.get('layer4.2.conv3.weight')).toEqual([2048, 512, 1, 1]);
    expect(shapes.get('fc.weight')).toEqual([1000, 2048]);
    expect(shapes.has('layer1.1.downsample.0.weight')).toBe(false);
    expect(specs[0].name).toBe('conv1.weight');
    expect(specs.at(-1)?.name).toBe('fc.bias');
  });

  it('decoder mirrors Table 1: stages 3,6,4,3 blocks, channels 2048->1024->512->256->64, then 3', () => {
    const stages = decoderStages('res5');
    expect(stages.map((s) => [s.name, s.blocks, s.width, s.inChannels, s.outChannels, s.upsample])).toEqual([
      ['decoder.layer4', 3, 512, 2048, 1024, 2],
      ['decoder.layer3', 6, 256, 1024, 512, 2],
      ['decoder.layer2', 4, 128, 512, 256, 2],
      ['decoder.layer1', 3, 64, 256, 64, 1],
    ]);
    expect(decoderStages('res4').map((s) => s.name)).toEqual(['decoder.layer3', 'decoder.layer2', 'decoder.layer1']);
    const shapes = new Map(tensorSpecs({ name: 'resnet50', decoder: true }).map((spec) => [spec.name, spec.shape]));
    expect(shapes.get('decoder.layer4.0.conv1.weight')).toEqual([2048, 512, 1, 1]); // ConvTranspose2d [in,out,kh,kw]
    expect(shapes.get('decoder.layer4.2.conv2.weight')).toEqual([512, 512, 3, 3]);
    expect(shapes.get('decoder.layer4.2.conv3.weight')).toEqual([512, 1024, 1, 1]);
    expect(shapes.get('decoder.layer4.2.shortcut.0.weight')).toEqual([2048, 1024, 1, 1]);
    expect(shapes.get('decoder.layer1.2.shortcut.0.weight')).toEqual([256, 64, 1, 1]);
    expect(shapes.has('decoder.layer4.0.shortcut.0.weight')).toBe(false);
    expect(shapes.get('decoder.conv1.weight')).toEqual([64, 3, 8, 8]);
    expect(shapes.get('decoder.conv1.bias')).toEqual([3]);
  });

  it('decoder parameter count matches a count by hand from the block structure', () => {
    // Per stage (width w, C = 4w channels, P = channels after the stage, n blocks):
    // n blocks of ConvT C->w (1x1), w->w (3x3), w->C' (1x1) with BN (2 params per channel),
    // where C' = C except the last block (C' = P), which also has a 1x1 ConvT C->P + BN shortcut.
    const stage = (w: number, p: number, n: number): number => {
      const c = 4 * w;
      const block = (out: number) => c * w + 9 * w * w + w * out + 2 * (w + w + out);
      return (n - 1) * block(c) + block(p) + c * p + 2 * p;
    };
    const last = 64 * 3 * 8 * 8 + 3;
    const fromRes5 = stage(512, 1024, 3) + stage(256, 512, 6) + stage(128, 256, 4) + stage(64, 64, 3) + last;
    const fromRes4 = fromRes5 - stage(512, 1024, 3);
    expect(countOf({ name: 'resnet50', decoder: true }) - 23_508_032).toBe(fromRes5);
    expect(countOf({ name: 'resnet50', decoder: true, decoderFrom: 'res4' }) - 23_508_032).toBe(fromRes4);
    expect(fromRes5).toBe(23_502_851);
  });

  it('infers the architecture from names and reports shape problems by tensor', () => {
    const specs = tensorSpecs({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 20 });
    const shapes = new Map(specs.map((spec) => [spec.name, spec.shape]));
    expect(inferArchitecture(shapes.keys(), (name) => shapes.get(name))).toEqual({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 20 });
    shapes.set('layer2.1.conv2.weight', [128, 128, 1, 1]);
    shapes.delete('bn1.bias');
    shapes.set('extra.weight', [1]);
    const problems = shapeProblems({ name: 'resnet50', decoder: true, decoderFrom: 'res4', headClasses: 20 }, shapes);
    expect(problems).toEqual([
      'tensor bn1.bias is missing',
      'tensor layer2.1.conv2.weight has shape [128,128,1,1], resnet50 expects [128,128,3,3]',
      'tensor extra.weight is not part of resnet50, fc 20 classes, decoder from res4',
    ]);
  });

  it('countParameters skips BN running statistics only', () => {
    const specs = tensorSpecs({ name: 'resnet50', decoder: false });
    const buffers = specs.filter((spec) => isBatchNormBuffer(spec.name)).reduce((sum, spec) => sum + elementCount(spec.shape), 0);
    const all = specs.reduce((sum, spec) => sum + elementCount(spec.shape), 0);
    expect(all - buffers).toBe(23_508_032);
  });
});
