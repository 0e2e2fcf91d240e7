/**
 * Where a bottleneck's stride goes. torchvision (v1.5, torchvision/models/resnet.py Bottleneck)
 * strides the 3x3 conv2; Detectron's MSRA/Caffe2 ResNet v1 (lib/modeling/ResNet.py,
 * bottleneck_transformation: `(str1x1, str3x3) = (stride, 1) if cfg.RESNETS.STRIDE_1X1 else
 * (1, stride)`) strides the first 1x1 conv1. The projection shortcut carries the stride in both.
 */
export interface BottleneckStrides {
  conv1: number;
  conv2: number;
  downsample: number;
}

export function bottleneckStrides(stride: number, stride1x1: boolean): BottleneckStrides {
  return stride1x1 ? { conv1: stride, conv2: 1, downsample: stride } : { conv1: 1, conv2: stride, downsample: stride };
}
