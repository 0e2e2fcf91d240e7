#!/usr/bin/env python3
"""One-off reference check, OUTSIDE the project (issue 11, "How it is checked").

Nothing in mgta -- its code, tests, CI or benchmarks -- runs or depends on this file or on
Python. It documents how the claim "a torchvision-structured ResNet-50 at 1/4 width, exported
from PyTorch to ONNX, given to `mgta extract` as a user would, gives PyTorch's res4 features"
was checked, so that it can be repeated by hand.

Run with Debian's PyTorch (bookworm: python3-torch 1.13.1, python3-torchvision 0.14.1,
python3-pil 9.4, python3-numpy 1.24):

  # 1. a ResNet-50 at width 1/4 with torchvision's module names, BN stats from real images,
  #    exported to ONNX the way a user would; PyTorch's res4 features of the images
  python3 benchmarks/reference/onnx-width-parity.py export --devkit D --split check \
      --calib-split calib --out-dir O [--project-inputs O/inputs]
  # 2. the user's command
  node apps/cli/bin/mgta.js extract --model O/resnet50-w0.25.onnx --devkit D --split check \
      --layer res4 --out O/mgta-res4.npy --device cpu
  # 3. the comparison
  python3 benchmarks/reference/onnx-width-parity.py compare --out-dir O --features O/mgta-res4.npy
  # (the regression fixture of libs/features/src/torch-onnx-parity.test.ts, same model)
  python3 benchmarks/reference/onnx-width-parity.py fixture --devkit D --split check \
      --calib-split calib --fixture-dir libs/features/src/fixtures/torch-resnet50-w0.25

The protocol is mgta's (libs/features, libs/imaging): each image resized to 224x224 ignoring
the aspect ratio with PIL bilinear (antialiased when shrinking), no crop, torchvision's ImageNet
mean/std (the normalisation mgta gives ONNX files), res4 = layer3's output, Goyal et al. 2019
pooling AvgPool2d(8, stride 3, padding 0, count_include_pad) flattened in (c, y, x) order:
1024w x 3 x 3 dims (2,304 at w = 1/4).

mgta decodes JPEGs with sharp/libvips and resizes with its own port of Pillow's filter, so its
pixels may differ from PIL's by a grey level. `--project-inputs` takes the float32 input
tensors mgta itself builds for the split (dumped with its @mgta/imaging code), so that the
model comparison runs on identical inputs; features from PIL's own pipeline are written too.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torchvision.models.resnet import Bottleneck, ResNet

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
SIZE = 224


class ResNet50Width(ResNet):
    """torchvision's ResNet-50 with every channel count times `width` (stem 64w, planes
    64w/128w/256w/512w, expansion 4). Same module names, strides (v1.5: on the 3x3 conv) and
    init as torchvision's; ResNet.__init__ itself cannot scale the stem and inplanes."""

    def __init__(self, width: float, num_classes: int = 1000):
        nn.Module.__init__(self)
        c = lambda n: int(round(n * width))
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = c(64)
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(Bottleneck, c(64), 3)
        self.layer2 = self._make_layer(Bottleneck, c(128), 4, stride=2)
        self.layer3 = self._make_layer(Bottleneck, c(256), 6, stride=2)
        self.layer4 = self._make_layer(Bottleneck, c(512), 3, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(c(512) * Bottleneck.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def res4(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer3(self.layer2(self.layer1(x)))


def goyal_res4(model, x):
    return torch.flatten(nn.AvgPool2d(8, stride=3, padding=0)(model.res4(x)), 1)


def read_ids(devkit, split):
    year = os.path.join(devkit, "VOC2007") if os.path.isdir(os.path.join(devkit, "VOC2007")) else devkit
    with open(os.path.join(year, "ImageSets", "Main", f"{split}.txt")) as f:
        ids = [line.split()[0] for line in f if line.strip()]
    return year, ids


def pil_input(path):
    """torchvision's Resize((224, 224)) on a PIL image + ToTensor + Normalize."""
    image = Image.open(path).convert("RGB").resize((SIZE, SIZE), Image.BILINEAR)
    array = (np.asarray(image, dtype=np.float32) / 255.0 - MEAN) / STD
    return torch.from_numpy(array.transpose(2, 0, 1).copy())


def build(width, seed, calib_paths):
    torch.manual_seed(seed)
    model = ResNet50Width(width)
    # Non-trivial BN: running statistics of real images (cumulative average, train mode) ...
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for start in range(0, len(calib_paths), 8):
            model(torch.stack([pil_input(p) for p in calib_paths[start:start + 8]]))
        # ... and affine parameters away from 1 and 0.
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)
    return model.eval()


def export(args):
    os.makedirs(args.out_dir, exist_ok=True)
    year, ids = read_ids(args.devkit, args.split)
    _, calib = read_ids(args.devkit, args.calib_split)
    model = build(args.width, args.seed, [os.path.join(year, "JPEGImages", f"{i}.jpg") for i in calib])
    torch.save(model.state_dict(), os.path.join(args.out_dir, "model.pt"))
    name = f"resnet50-w{args.width:g}"
    dummy = torch.randn(1, 3, SIZE, SIZE)
    dynamic = {"input": {0: "batch"}, "logits": {0: "batch"}}
    # As a user would: the whole model, default opset, eval mode (BN folded into the convs).
    torch.onnx.export(model, dummy, os.path.join(args.out_dir, f"{name}.onnx"),
                      input_names=["input"], output_names=["logits"], dynamic_axes=dynamic)
    # The same model with BN kept as BatchNormalization nodes (the importer's other path).
    torch.onnx.export(model, dummy, os.path.join(args.out_dir, f"{name}-bn.onnx"),
                      input_names=["input"], output_names=["logits"], dynamic_axes=dynamic,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    paths = [os.path.join(year, "JPEGImages", f"{i}.jpg") for i in ids]
    with torch.no_grad():
        pil = goyal_res4(model, torch.stack([pil_input(p) for p in paths])).numpy()
        np.save(os.path.join(args.out_dir, "torch-res4-pil.npy"), pil)
        report = {"ids": ids, "width": args.width, "seed": args.seed, "torch": torch.__version__,
                  "opset": torch.onnx._constants.ONNX_DEFAULT_OPSET, "dims": list(pil.shape)}
        if args.project_inputs:
            meta = json.load(open(f"{args.project_inputs}.json"))
            assert meta["ids"] == ids, "the project's inputs are of other images"
            x = np.fromfile(f"{args.project_inputs}.f32", dtype=np.float32).reshape(meta["shape"])
            np.save(os.path.join(args.out_dir, "torch-res4-project-inputs.npy"), goyal_res4(model, torch.from_numpy(x)).numpy())
            # How far PIL's preprocessing is from mgta's (decode, then resize, in grey levels).
            pil_x = torch.stack([pil_input(p) for p in paths]).numpy()
            report["input_max_abs_diff_grey_levels"] = float(np.abs((pil_x - x) * STD[None, :, None, None] * 255).max())
            decode_diff, resize_diff = 0, 0
            for i, path in zip(ids, paths):
                w, h = meta["decoded"][i]["width"], meta["decoded"][i]["height"]
                ours = np.fromfile(f"{args.project_inputs}-decoded-{i}.u8", dtype=np.uint8).reshape(h, w, 3)
                theirs = np.asarray(Image.open(path).convert("RGB"))
                decode_diff = max(decode_diff, int(np.abs(ours.astype(int) - theirs).max()))
                resized = np.asarray(Image.fromarray(ours).resize((SIZE, SIZE), Image.BILINEAR), dtype=np.float32)
                ours_resized = x[ids.index(i)] * STD[:, None, None] + MEAN[:, None, None]
                resize_diff = max(resize_diff, float(np.abs(resized - ours_resized.transpose(1, 2, 0) * 255).max()))
            report["decode_max_abs_diff_grey_levels"] = decode_diff
            report["resize_of_same_pixels_max_abs_diff_grey_levels"] = round(resize_diff, 3)
    json.dump(report, open(os.path.join(args.out_dir, "torch-res4.json"), "w"), indent=1)
    print(json.dumps(report))


class Res4(nn.Module):
    """The model up to res4 (layer3), torchvision's module names kept: what `extract` needs."""

    def __init__(self, model):
        super().__init__()
        for name in ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3"]:
            setattr(self, name, getattr(model, name))

    def forward(self, x):
        return ResNet50Width.res4(self, x)


def fixture(args):
    """The test fixture of libs/features (torch-onnx-parity.test.ts): the model of `export`
    (same width, seed and calibration images) exported up to res4, two of the images resized to
    224x224 and saved as JPEG (so mgta's resize is the identity and only decoding is left), and
    PyTorch's Goyal res4 features of them."""
    os.makedirs(args.fixture_dir, exist_ok=True)
    year, ids = read_ids(args.devkit, args.split)
    _, calib = read_ids(args.devkit, args.calib_split)
    model = build(args.width, args.seed, [os.path.join(year, "JPEGImages", f"{i}.jpg") for i in calib])
    torch.onnx.export(Res4(model).eval(), torch.randn(1, 3, SIZE, SIZE),
                      os.path.join(args.fixture_dir, f"resnet50-w{args.width:g}-res4.onnx"),
                      input_names=["input"], output_names=["res4"], dynamic_axes={"input": {0: "batch"}, "res4": {0: "batch"}})
    chosen = ids[:2]
    for i in chosen:
        Image.open(os.path.join(year, "JPEGImages", f"{i}.jpg")).convert("RGB").resize((SIZE, SIZE), Image.BILINEAR) \
            .save(os.path.join(args.fixture_dir, f"{i}.jpg"), quality=90)
    with torch.no_grad():
        x = torch.stack([pil_input(os.path.join(args.fixture_dir, f"{i}.jpg")) for i in chosen])
        features = goyal_res4(model, x).numpy()
    np.save(os.path.join(args.fixture_dir, "torch-res4.npy"), features)
    json.dump({"ids": chosen, "width": args.width, "seed": args.seed, "torch": torch.__version__,
               "opset": torch.onnx._constants.ONNX_DEFAULT_OPSET, "dims": list(features.shape)},
              open(os.path.join(args.fixture_dir, "torch-res4.json"), "w"), indent=1)


def diff(name, ours, ref):
    absd = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
    scale = np.abs(ref).max()
    big = np.abs(ref) > 1e-3 * scale  # elementwise relative diff where the value is not ~0
    out = {"vs": name, "dims": list(ours.shape), "max_abs_diff": float(absd.max()),
           "max_abs_ref": float(scale), "max_abs_diff_over_max_abs": float(absd.max() / scale),
           "max_rel_diff_where_abs_ref_gt_1e-3_max": float((absd[big] / np.abs(ref[big])).max()),
           "mean_abs_ref": float(np.abs(ref).mean())}
    print(json.dumps(out))
    return out


def compare(args):
    ref = json.load(open(os.path.join(args.out_dir, "torch-res4.json")))
    ours = np.load(args.features)
    ids = json.load(open(args.features[:-4] + ".json"))["ids"]
    assert ids == ref["ids"], "mgta's features are of other images"
    assert list(ours.shape) == ref["dims"], f"mgta gives {list(ours.shape)}, PyTorch {ref['dims']}"
    results = []
    for f in ["torch-res4-project-inputs.npy", "torch-res4-pil.npy"]:
        path = os.path.join(args.out_dir, f)
        if os.path.exists(path):
            results.append(diff(f, ours, np.load(path)))
    json.dump(results, open(args.features[:-4] + "-vs-torch.json", "w"), indent=1)
    if results[0]["max_abs_diff_over_max_abs"] > args.tolerance:
        sys.exit(f"mismatch: {results[0]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export")
    e.add_argument("--devkit", required=True)
    e.add_argument("--split", required=True)
    e.add_argument("--calib-split", required=True)
    e.add_argument("--out-dir", required=True)
    e.add_argument("--project-inputs")
    e.add_argument("--width", type=float, default=0.25)
    e.add_argument("--seed", type=int, default=11)
    x = sub.add_parser("fixture")
    x.add_argument("--devkit", required=True)
    x.add_argument("--split", required=True)
    x.add_argument("--calib-split", required=True)
    x.add_argument("--fixture-dir", required=True)
    x.add_argument("--width", type=float, default=0.25)
    x.add_argument("--seed", type=int, default=11)
    c = sub.add_parser("compare")
    c.add_argument("--out-dir", required=True)
    c.add_argument("--features", required=True)
    c.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()
    torch.set_num_threads(2)
    {"export": export, "fixture": fixture, "compare": compare}[args.command](args)
