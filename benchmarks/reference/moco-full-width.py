#!/usr/bin/env python3
"""One-off full-width check of the PyTorch checkpoint importer, OUTSIDE the project.

Nothing in mgta -- its code, tests, CI or benchmarks -- runs or depends on this file or on
Python. It writes a full-width (w = 1) torchvision ResNet-50 saved the way MoCo v2's
main_moco.py saves it, and PyTorch's pooled res4 features of a few images computed as
`mgta extract` computes them, so that `mgta extract --model .../moco.pth.tar` can be compared
with PyTorch at full width (the committed fixtures of libs/checkpoint-import are at 1/32).

Run with Debian bookworm's PyTorch (python3-torch 1.13.1, python3-torchvision 0.14.1,
python3-pil 9.4, python3-numpy 1.24) and Debian's interpreter:

  # 1. the checkpoint, the images (a VOC-style devkit) and PyTorch's features
  /usr/bin/python3 benchmarks/reference/moco-full-width.py make --out-dir /tmp/mgta-moco
  # 2. the user's command
  node apps/cli/bin/mgta.js extract --model /tmp/mgta-moco/moco.pth.tar \
      --devkit /tmp/mgta-moco/VOCdevkit --split test --layer res4 \
      --out /tmp/mgta-moco/mgta-res4.npy --device cpu
  # 3. the comparison (numpy only): max |mgta - torch| / max |torch| < 1e-3
  /usr/bin/python3 benchmarks/reference/moco-full-width.py compare --out-dir /tmp/mgta-moco \
      --features /tmp/mgta-moco/mgta-res4.npy

The checkpoint: torchvision's resnet50() (seed 7), BN running statistics from a train-mode pass
(cumulative average) over 24 `ci` fashion-voc trainval images at 224x224, then perturbed
(mean + 0.1 std N(0,1), var x U(0.7, 1.4)), BN weight U(0.5, 1.5), bias N(0, 0.2); saved as
{'epoch', 'arch', 'state_dict': {'module.encoder_q.<torchvision name>' (fc dropped),
'module.queue' [128, 65536], 'module.queue_ptr'}, 'optimizer'} with torch.save (zip format).

The images: four `ci` fashion-voc test images (000004, 000006, 000009, 000014) resized by PIL
to 224x224 and saved as JPEG quality 90 (as the fixture of libs/features/src/fixtures/
torch-resnet50-w0.25 was made; 000004 is the same file), so that mgta's resize is the identity
and only JPEG decoding is left (sharp and PIL decode these to the same pixels). The features:
benchmarks/reference/onnx-width-parity.py's protocol (imported from it): no crop, ImageNet
mean/std, res4 = layer3, Goyal pooling AvgPool2d(8, stride 3) flattened (c, y, x): 9216 dims.
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
IDS = ["000004", "000006", "000009", "000014"]


def parity_module():
    spec = importlib.util.spec_from_file_location("onnx_width_parity", os.path.join(HERE, "onnx-width-parity.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make(args):
    import torch
    import torch.nn as nn
    from PIL import Image

    parity = parity_module()
    torch.set_num_threads(2)
    src_year = os.path.join(args.devkit, "VOC2007")
    year = os.path.join(args.out_dir, "VOCdevkit", "VOC2007")
    os.makedirs(os.path.join(year, "JPEGImages"), exist_ok=True)
    os.makedirs(os.path.join(year, "ImageSets", "Main"), exist_ok=True)
    for i in IDS:
        Image.open(os.path.join(src_year, "JPEGImages", f"{i}.jpg")).convert("RGB") \
            .resize((parity.SIZE, parity.SIZE), Image.BILINEAR) \
            .save(os.path.join(year, "JPEGImages", f"{i}.jpg"), quality=90)
    with open(os.path.join(year, "ImageSets", "Main", "test.txt"), "w") as f:
        f.write("\n".join(IDS) + "\n")

    # full width: torchvision's own resnet50 is ResNet50Width(1.0) with the same names
    torch.manual_seed(args.seed)
    model = parity.ResNet50Width(1.0)
    with open(os.path.join(src_year, "ImageSets", "Main", "trainval.txt")) as f:
        calib = [line.split()[0] for line in f if line.strip()][:24]
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    g = torch.Generator().manual_seed(args.seed + 1)
    model.train()
    with torch.no_grad():
        for start in range(0, len(calib), 8):
            model(torch.stack([parity.pil_input(os.path.join(src_year, "JPEGImages", f"{i}.jpg")) for i in calib[start:start + 8]]))
        for m in bns:
            n = m.num_features
            m.running_mean.add_(0.1 * torch.randn(n, generator=g) * m.running_var.sqrt())
            m.running_var.mul_(torch.empty(n).uniform_(0.7, 1.4, generator=g))
            m.weight.copy_(torch.empty(n).uniform_(0.5, 1.5, generator=g))
            m.bias.copy_(0.2 * torch.randn(n, generator=g))
    model.eval()

    sd = {f"module.encoder_q.{k}": v for k, v in model.state_dict().items() if not k.startswith("fc.")}
    sd["module.queue"] = nn.functional.normalize(torch.randn(128, 65536, generator=g), dim=0)
    sd["module.queue_ptr"] = torch.zeros(1, dtype=torch.long)
    ckpt = {"epoch": 200, "arch": "resnet50", "state_dict": sd,
            "optimizer": {"state": {}, "param_groups": [{"lr": 0.0, "momentum": 0.9, "weight_decay": 1e-4, "params": list(range(161))}]}}
    torch.save(ckpt, os.path.join(args.out_dir, "moco.pth.tar"))

    with torch.no_grad():
        x = torch.stack([parity.pil_input(os.path.join(year, "JPEGImages", f"{i}.jpg")) for i in IDS])
        features = parity.goyal_res4(model, x).numpy()
    np.save(os.path.join(args.out_dir, "torch-res4.npy"), features)
    np.save(os.path.join(args.out_dir, "torch-input.npy"), x.numpy())
    report = {"ids": IDS, "dims": list(features.shape), "width": 1.0, "seed": args.seed, "torch": torch.__version__,
              "model": os.path.join(args.out_dir, "moco.pth.tar"), "trunk": "state_dict/module.encoder_q.",
              "max_abs": float(np.abs(features).max()), "mean_abs": float(np.abs(features).mean())}
    json.dump(report, open(os.path.join(args.out_dir, "torch-res4.json"), "w"), indent=1)
    print(json.dumps(report))


def compare(args):
    ref = json.load(open(os.path.join(args.out_dir, "torch-res4.json")))
    theirs = np.load(os.path.join(args.out_dir, "torch-res4.npy")).astype(np.float64)
    ours = np.load(args.features).astype(np.float64)
    meta = args.features[:-4] + ".json"
    if os.path.exists(meta):
        ids = json.load(open(meta)).get("ids")
        assert ids == ref["ids"], f"mgta's features are of other images: {ids}"
    assert ours.shape == theirs.shape, f"mgta gives {ours.shape}, PyTorch {theirs.shape}"
    scale = np.abs(theirs).max()
    rel = float(np.abs(ours - theirs).max() / scale)
    out = {"dims": list(ours.shape), "max_abs_diff": float(np.abs(ours - theirs).max()), "max_abs_ref": float(scale),
           "max_abs_diff_over_max_abs": rel, "tolerance": args.tolerance, "ok": rel < args.tolerance}
    print(json.dumps(out))
    if not out["ok"]:
        sys.exit("mismatch")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("--out-dir", default="/tmp/mgta-moco")
    m.add_argument("--devkit", default=os.path.join(HERE, "..", "..", "data", "fashion-voc", "ci", "VOCdevkit"))
    m.add_argument("--seed", type=int, default=7)
    c = sub.add_parser("compare")
    c.add_argument("--out-dir", default="/tmp/mgta-moco")
    c.add_argument("--features", required=True)
    c.add_argument("--tolerance", type=float, default=1e-3)
    args = parser.parse_args()
    {"make": make, "compare": compare}[args.command](args)
