#!/usr/bin/env python3
"""One-off fixture generator, OUTSIDE the project: the checkpoint files that
libs/checkpoint-import is tested against, and PyTorch's res4 of each.

Nothing in mgta -- its code, tests, CI or benchmarks -- runs or depends on this file or on
Python. It was run once, by hand, with Debian bookworm's PyTorch (python3-torch 1.13.1+dfsg-4,
which reports torch.__version__ "1.13.0a0"; python3-torchvision 0.14.1; python3-numpy 1.24.2),
with Debian's own interpreter:

  /usr/bin/python3 benchmarks/reference/make-checkpoint-fixtures.py \
      --out libs/checkpoint-import/src/fixtures

It is seeded and deterministic: two runs give byte-identical files except
torchvision-legacy.pth, whose storage keys are memory addresses (the legacy format's
persistent ids); another PyTorch version may write other zip bytes, not other content.

THE NETWORK. Every checkpoint holds a ResNet-50 with torchvision's structure at width w
(every channel count times w: stem 64w, bottleneck planes 64w/128w/256w/512w, expansion 4),
w = 1/32 (stem 2 channels, res4 32 channels) except `torchvision-legacy.pth` (w = 1/16). BN
running statistics come from a train-mode pass over random images and are then perturbed, and
the BN affine parameters are drawn (weight U(0.5, 1.5), bias N(0, 0.2)), so that a wrong BN
mapping (mean/var swapped, eps, affine ignored) changes res4. Each trunk in a file has its own
seed, so that importing the wrong one of two trunks (MoCo's key encoder, DINO's student) shows.

Every classifier / head is small (fc: 10 classes, not 1000; Detectron's fc1000_w likewise [10, 64]):
an importer drops it, and the files stay small.

THE REFERENCE. `input.npy` is float32 [2, 3, 64, 64], N(0, 1) from a seeded RandomState: an
already-normalised input, no pixel normalisation is involved. For each checkpoint
`<name>.<ext>`, `<name>.res4.npy` is PyTorch's layer3 output (res4) on it in eval mode,
float32 [2, 1024w, 4, 4], computed from the weights as stored (fp16/bf16/f64 files: the stored
values cast to float32, then a float32 forward).

THE FIXTURES (fixtures.json says, for each: format, where the trunk is, width, variant, dtype,
what else is in the file -- what an importer should report as dropped -- and, for the malicious
ones, the global a reader must refuse):

 1 torchvision.pth       torch.save(model.state_dict()) (zip format, PyTorch >= 1.6 default):
                         torchvision's names (torchvision/models/resnet.py: conv1, bn1,
                         layer1.0.conv1, layerN.0.downsample.0/1, fc), fc included.
 2 moco-v2.pth.tar       as MoCo v1/v2's main_moco.py saves (facebookresearch/moco:
                         save_checkpoint({'epoch', 'arch', 'state_dict': model.state_dict(),
                         'optimizer': optimizer.state_dict()})): the model is DDP-wrapped
                         ('module.') MoCo (moco/builder.py) with encoder_q and encoder_k, each a
                         torchvision ResNet-50 whose fc is the v2 MLP head
                         Sequential(Linear, ReLU, Linear) (fc.0, fc.2), and the buffers queue
                         [dim, K] (here [128, 64]) and queue_ptr. Trunk: module.encoder_q.
 3 moco-v3.pth.tar       as MoCo v3's main_moco.py saves (facebookresearch/moco-v3:
                         {'epoch', 'arch', 'state_dict', 'optimizer', 'scaler'}): 'module.'
                         MoCo_ResNet (moco/builder.py) with base_encoder and momentum_encoder,
                         both complete ResNets whose fc is the projector _build_mlp(2, ...)
                         (fc.0 Linear no bias, fc.1 BN1d, fc.3 Linear, fc.4 BN1d(affine=False)),
                         and predictor _build_mlp(2, ..., last_bn=False). Trunk:
                         module.base_encoder (by its known prefix; module.momentum_encoder is a
                         complete trunk too, with other weights).
 4 swav.pth              as SwAV's / DeepCluster-v2's released models (facebookresearch/swav,
                         src/resnet50.py; the released .pth.tar is the DDP state dict itself):
                         'module.<torchvision name>' with no fc, plus module.projection_head
                         (0 Linear, 1 BN1d, 3 Linear) and module.prototypes.weight. (SwAV pads
                         with ConstantPad2d(1) and gives conv1 padding 2: no parameters, same
                         function.) Saved here as a plain state dict at the top level.
 5 dino.pth              as DINO's main_dino.py saves checkpoint.pth
                         (facebookresearch/dino: {'student', 'teacher', 'optimizer', 'epoch',
                         'args': argparse.Namespace, 'dino_loss'}): MultiCropWrapper(backbone,
                         DINOHead) with the backbone's fc replaced by Identity (no fc keys);
                         student DDP-wrapped ('module.backbone.', 'module.head.'), teacher
                         'backbone.', 'head.' (head: mlp.0/2/4 Linear, last_layer weight-normed:
                         weight_g, weight_v). Trunk: teacher/backbone. 'args' is an
                         argparse.Namespace -- a non-tensor global outside the tensor path that a
                         safe reader must load as an inert placeholder, not refuse. NOTE: for a
                         network with BN, main_dino.py also wraps the teacher in DDP, so real
                         DINO ResNet-50 checkpoints have 'module.backbone.' under 'teacher' too;
                         this file has the ViT-style 'backbone.' the brief asked for.
 6 vissl.torch           as VISSL's CheckpointHook saves model_final_checkpoint_phaseN.torch
                         (facebookresearch/vissl, vissl/hooks/log_hooks.py: {'phase_idx',
                         'iteration', 'loss', 'iteration_num', 'train_phase_idx',
                         'classy_state_dict': task.get_classy_state()}); the trunk is
                         classy_state_dict/base_model/model/trunk with the names of
                         vissl/models/trunks/resnext.py: torchvision's modules in an
                         nn.ModuleDict `_feature_blocks` (conv1, bn1, layer1..layer4; no fc), so
                         '_feature_blocks.conv1.weight', '_feature_blocks.layer1.0.conv1.weight';
                         heads: an MLP head '0.clf.0.weight' ... (vissl/models/heads/mlp.py).
 7 detectron-r50.pkl     Caffe2 / Detectron (MSRA) R-50 with Detectron's blob names
   detectron-r50-nocaffe.pkl   (facebookresearch/Detectron, detectron/modeling/ResNet.py and
                         detectron/modeling/detector.py: conv1_w, res_conv1_bn_{s,b},
                         res<stage>_<block>_branch2{a,b,c}_w + _bn_{s,b}, projection shortcut
                         res<stage>_<block>_branch1_w + _bn_{s,b}, stages res2..res5; the
                         ImageNet files also hold fc1000_w [1000, 2048] / fc1000_b (here [10, 64]) and zero conv
                         biases '*_b' (conv1_b, res2_0_branch2a_b, ...) added by
                         tools/pickle_caffe_blobs.py's add_missing_biases, which
                         Detectron.pytorch lists as orphans). BN is AffineChannel, y = x*s + b
                         (pickle_caffe_blobs.py folds BN mean/var and Scale into s and b; there
                         is no mean/var blob). The architecture is ResNet v1
                         (RESNETS.STRIDE_1X1 = True): a stage's stride is on its first block's
                         1x1 branch2a conv, and the branch1 shortcut has stride 2 too; the
                         expected res4 comes from a PyTorch model with those strides and the
                         affine layers. Both shapes exist in the wild
                         (detectron/utils/net.py: "Backwards compat--dictionary used to be only
                         blobs, now they are stored under the 'blobs' key"; detectron2's loader:
                         "Detection models have "blobs", but ImageNet models don't"):
                         - detectron-r50.pkl: {'blobs': {...}, 'cfg': yaml string}, as
                           net.save_model_to_weights_file writes, with a few '*_momentum' blobs
                           (saved there for every trainable blob), pickle protocol 2 written by
                           Python 3, so each array's bytes go through `_codecs.encode(str,
                           'latin1')`;
                         - detectron-r50-nocaffe.pkl: the bare blob dict, as
                           pickle_caffe_blobs.py writes the ImageNet R-50.pkl, protocol 2 as
                           Python 2's cPickle writes it: array bytes (and numpy's 'b' marker)
                           as py2 `str` (SHORT_BINSTRING/BINSTRING opcodes), which Python 3
                           reads only with encoding='latin1'. Same weights as the other.
                         Arrays are np.float32 (numpy.core.multiarray._reconstruct +
                         numpy.dtype + BUILD). Names only, not values: the real file's conv1_w
                         is BGR and expects 0-255 pixels minus a mean; here input.npy is used
                         as is.
 8 model.safetensors     torchvision names (fc 10 classes, num_batches_tracked as I64 scalars),
                         written by hand after the format of huggingface/safetensors (README
                         "Format"): u64 little-endian header length N, N bytes of UTF-8 JSON
                         {name: {dtype, shape, data_offsets: [begin, end)}, "__metadata__":
                         {"format": "pt"}} padded with spaces to a multiple of 8 (as the Rust
                         serializer does), offsets relative to the byte buffer that follows,
                         C order, little-endian, no holes, tensors ordered by dtype alignment
                         then name (as the serializer does).
 9 torchvision-half.pth  torch.save(model.half().state_dict()) (fp16; num_batches_tracked stays
   torchvision-bf16.pth  int64), bfloat16 likewise, float64 likewise; fc 10 classes. One model
   torchvision-f64.pth   for the three (and for model.safetensors).
10 views.pth             a torchvision state dict whose tensors are views of shared storages:
                         every parameter of layer1..layer4 a slice of one flat storage
                         (non-zero storage offsets), layer2.0.conv1.weight a permuted
                         (non-contiguous) view of a [in, out, 1, 1] tensor, layer3.0.bn2's
                         running_var a stride-2 view `big[::2]`, layer1.0.conv2.weight a slice
                         along dim 1 of a wider tensor (non-contiguous, offset); a reader must
                         honour storage offset and strides. torch.load's values are checked
                         against the model's.
11 torchvision-legacy.pth  torch.save(sd, f, _use_new_zipfile_serialization=False): the
                         pre-1.6 legacy format (magic number, protocol, sys_info pickles, the
                         data pickle, storage keys, raw storages), width 1/16.
12 malicious.pth         zip format; a (cut short) torchvision state dict whose
                         'layer1.0.conv1.weight' is a REDUCE of
                         builtins.eval (written by protocol 2 as the global `__builtin__ eval`)
                         on code that touches /tmp/mgta-pwned-zip-eval. A reader must refuse.
   malicious-legacy.pkl  a plain pickle (protocol 2) whose root is a REDUCE of `posix system`
                         (os.system) touching /tmp/mgta-pwned-legacy-system. Must refuse.
   malicious-outside.pth zip format; {'state_dict': a valid torchvision state dict, 'args':
                         REDUCE(`posix system`, touch /tmp/mgta-pwned-outside-system)}: the evil
                         global sits outside the tensor path. A safe reader turns it into an
                         inert placeholder (never calls it) and imports the trunk; its res4 is
                         given. (Refusing it would be safe too, but loses a good checkpoint.)
                         That CPython's pickle WOULD run each of the three is checked here in a
                         throwaway subprocess (the marker appears), and the marker is deleted.
"""
import argparse
import hashlib
import importlib.util
import io
import json
import os
import pickle
import pickletools
import shutil
import struct
import subprocess
import sys
import tempfile
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

SEED = 20240611
INPUT_SHAPE = (2, 3, 64, 64)
W32 = 1 / 32
W16 = 1 / 16


def _parity_module():
    """benchmarks/reference/onnx-width-parity.py, whose width-scaled ResNet-50 this script reuses."""
    spec = importlib.util.spec_from_file_location(
        "onnx_width_parity", os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx-width-parity.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ResNet50Width(_parity_module().ResNet50Width):
    """onnx-width-parity.py's torchvision ResNet-50 with every channel count times `width` (same
    module names, v1.5 strides on the 3x3), plus res4. Its constant BN init draws no random
    numbers and build() overwrites every BN parameter, so the fixtures do not depend on it."""

    def res4(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer3(self.layer2(self.layer1(x)))


def build(width, seed, num_classes=1000, v1=False):
    """A ResNet-50 at `width` with non-trivial BN: running statistics of a train-mode pass over
    random images, then perturbed; affine parameters drawn. v1: stride on the first block's 1x1
    (Caffe/Detectron STRIDE_1X1) instead of the 3x3."""
    torch.manual_seed(seed)
    model = ResNet50Width(width, num_classes)
    if v1:
        for layer in [model.layer2, model.layer3, model.layer4]:
            layer[0].conv1.stride = (2, 2)
            layer[0].conv2.stride = (1, 1)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    g = torch.Generator().manual_seed(seed + 1)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(8, 3, 64, 64, generator=g))
        for m in bns:
            n = m.num_features
            m.running_mean.add_(0.1 * torch.randn(n, generator=g) * m.running_var.sqrt())
            m.running_var.mul_(torch.empty(n).uniform_(0.7, 1.4, generator=g))
            m.weight.copy_(torch.empty(n).uniform_(0.5, 1.5, generator=g))
            m.bias.copy_(0.2 * torch.randn(n, generator=g))
            m.num_batches_tracked.fill_(int(torch.randint(100, 10000, (1,), generator=g)))
        for mod in model.modules():
            if isinstance(mod, nn.Linear):
                mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))
    return model.eval()


def res4_of(model, x):
    with torch.no_grad():
        return model.eval().float().res4(x).numpy().astype(np.float32)


def res4_from_state(width, sd, x, num_classes):
    """res4 of a torchvision-named state dict as stored, cast to float32."""
    model = ResNet50Width(width, num_classes)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()})
    return res4_of(model, x)


def trunk_keys(sd):
    return [k for k in sd if not k.startswith("fc.")]


def prefixed(sd, prefix, keep=lambda k: True):
    return OrderedDict((prefix + k, v) for k, v in sd.items() if keep(k))


def linear(out_f, in_f, g, bias=True):
    w = torch.randn(out_f, in_f, generator=g) / in_f ** 0.5
    return (w, 0.1 * torch.randn(out_f, generator=g)) if bias else (w,)


def bn1d(n, g, affine=True):
    d = OrderedDict()
    if affine:
        d["weight"] = torch.empty(n).uniform_(0.5, 1.5, generator=g)
        d["bias"] = 0.2 * torch.randn(n, generator=g)
    d["running_mean"] = 0.1 * torch.randn(n, generator=g)
    d["running_var"] = torch.empty(n).uniform_(0.5, 2.0, generator=g)
    d["num_batches_tracked"] = torch.tensor(1234)
    return d


def put(d, prefix, items):
    for k, v in items.items():
        d[prefix + k] = v


class Placeholder:
    pass


# ---------------------------------------------------------------------------------- fixtures

class Maker:
    def __init__(self, out):
        self.out = out
        self.entries = []
        torch.manual_seed(SEED)
        self.x_np = np.random.RandomState(SEED).randn(*INPUT_SHAPE).astype(np.float32)
        np.save(os.path.join(out, "input.npy"), self.x_np)
        self.x = torch.from_numpy(self.x_np)

    def path(self, name):
        return os.path.join(self.out, name)

    def record(self, file, res4, **info):
        stem = file.split(".")[0]
        entry = OrderedDict(file=file)
        entry.update(info)
        if res4 is not None:
            np.save(self.path(f"{stem}.res4.npy"), res4)
            entry["res4"] = f"{stem}.res4.npy"
            entry["res4Shape"] = list(res4.shape)
        entry["bytes"] = os.path.getsize(self.path(file))
        self.entries.append(entry)
        print(f"{file}: {entry['bytes']} bytes" + (f", res4 {list(res4.shape)} max|.| {np.abs(res4).max():.3f}" if res4 is not None else ""))

    # 1
    def torchvision(self):
        model = build(W32, 101, 10)
        sd = model.state_dict()
        torch.save(sd, self.path("torchvision.pth"))
        self.record("torchvision.pth", res4_of(model, self.x), format="torch-zip",
                    imitates="torch.save(torchvision resnet50().state_dict())",
                    trunk=OrderedDict(path=[], keyPrefix="", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk_keys(sd)),
                    dropped=["fc.weight", "fc.bias"], topLevelKeys=None)

    # 2
    def moco_v2(self):
        q, k = build(W32, 201, 128), build(W32, 202, 128)
        g = torch.Generator().manual_seed(203)
        sd = OrderedDict()
        for name, model in [("encoder_q", q), ("encoder_k", k)]:
            msd = model.state_dict()
            dim_mlp = msd["fc.weight"].shape[1]
            put(sd, f"module.{name}.", OrderedDict((kk, v) for kk, v in msd.items() if not kk.startswith("fc.")))
            w0, b0 = linear(dim_mlp, dim_mlp, g)
            w2, b2 = linear(128, dim_mlp, g)
            put(sd, f"module.{name}.fc.", OrderedDict([("0.weight", w0), ("0.bias", b0), ("2.weight", w2), ("2.bias", b2)]))
        sd["module.queue"] = nn.functional.normalize(torch.randn(128, 64, generator=g), dim=0)
        sd["module.queue_ptr"] = torch.zeros(1, dtype=torch.long)
        ckpt = OrderedDict(epoch=200, arch="resnet50", state_dict=sd, optimizer={
            "state": {0: {"momentum_buffer": 0.01 * torch.randn(sd["module.encoder_q.conv1.weight"].shape, generator=g)},
                      1: {"momentum_buffer": 0.01 * torch.randn(sd["module.encoder_q.bn1.weight"].shape, generator=g)}},
            "param_groups": [{"lr": 0.0, "momentum": 0.9, "dampening": 0, "weight_decay": 0.0001,
                              "nesterov": False, "maximize": False, "foreach": None, "params": list(range(161))}]})
        torch.save(ckpt, self.path("moco-v2.pth.tar"))
        trunk = [kk for kk in sd if kk.startswith("module.encoder_q.") and ".fc." not in kk]
        self.record("moco-v2.pth.tar", res4_of(q, self.x), format="torch-zip",
                    imitates="MoCo v1/v2 main_moco.py checkpoint_NNNN.pth.tar (facebookresearch/moco)",
                    trunk=OrderedDict(path=["state_dict"], keyPrefix="module.encoder_q.", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk),
                    dropped=[kk for kk in sd if kk not in trunk], topLevelKeys=list(ckpt))

    # 3
    def moco_v3(self):
        base, mom = build(W32, 301, 10), build(W32, 302, 10)
        g = torch.Generator().manual_seed(303)
        dim, mlp_dim = 16, 32
        sd = OrderedDict()
        for name, model in [("base_encoder", base), ("momentum_encoder", mom)]:
            msd = model.state_dict()
            hidden = msd["fc.weight"].shape[1]
            put(sd, f"module.{name}.", OrderedDict((kk, v) for kk, v in msd.items() if not kk.startswith("fc.")))
            put(sd, f"module.{name}.fc.0.", OrderedDict(weight=linear(mlp_dim, hidden, g, bias=False)[0]))
            put(sd, f"module.{name}.fc.1.", bn1d(mlp_dim, g))
            put(sd, f"module.{name}.fc.3.", OrderedDict(weight=linear(dim, mlp_dim, g, bias=False)[0]))
            put(sd, f"module.{name}.fc.4.", bn1d(dim, g, affine=False))
        put(sd, "module.predictor.0.", OrderedDict(weight=linear(mlp_dim, dim, g, bias=False)[0]))
        put(sd, "module.predictor.1.", bn1d(mlp_dim, g))
        put(sd, "module.predictor.3.", OrderedDict(weight=linear(dim, mlp_dim, g, bias=False)[0]))
        ckpt = OrderedDict(epoch=100, arch="resnet50", state_dict=sd,
                           optimizer={"state": {}, "param_groups": [{"lr": 0.6, "weight_decay": 1e-6, "momentum": 0.9,
                                                                     "trust_coefficient": 0.001, "params": list(range(10))}]},
                           scaler={"scale": 65536.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                                   "growth_interval": 2000, "_growth_tracker": 17})
        torch.save(ckpt, self.path("moco-v3.pth.tar"))
        trunk = [kk for kk in sd if kk.startswith("module.base_encoder.") and ".fc." not in kk]
        self.record("moco-v3.pth.tar", res4_of(base, self.x), format="torch-zip",
                    imitates="MoCo v3 main_moco.py checkpoint_NNNN.pth.tar (facebookresearch/moco-v3), ResNet-50",
                    trunk=OrderedDict(path=["state_dict"], keyPrefix="module.base_encoder.", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk),
                    dropped=[kk for kk in sd if kk not in trunk], topLevelKeys=list(ckpt),
                    note="module.momentum_encoder.* is a complete trunk too (other weights): pick base_encoder by its prefix")

    # 4
    def swav(self):
        model = build(W32, 401, 10)
        g = torch.Generator().manual_seed(402)
        msd = model.state_dict()
        feat = msd["fc.weight"].shape[1]
        sd = prefixed(msd, "module.", keep=lambda kk: not kk.startswith("fc."))
        w0, b0 = linear(32, feat, g)
        put(sd, "module.projection_head.0.", OrderedDict(weight=w0, bias=b0))
        put(sd, "module.projection_head.1.", bn1d(32, g))
        w3, b3 = linear(16, 32, g)
        put(sd, "module.projection_head.3.", OrderedDict(weight=w3, bias=b3))
        sd["module.prototypes.weight"] = linear(30, 16, g, bias=False)[0]
        torch.save(sd, self.path("swav.pth"))
        trunk = [kk for kk in sd if not (kk.startswith("module.projection_head.") or kk.startswith("module.prototypes."))]
        self.record("swav.pth", res4_of(model, self.x), format="torch-zip",
                    imitates="SwAV / DeepCluster-v2 released ResNet-50 (facebookresearch/swav src/resnet50.py, DDP state dict)",
                    trunk=OrderedDict(path=[], keyPrefix="module.", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk),
                    dropped=[kk for kk in sd if kk not in trunk], topLevelKeys=None)

    # 5
    def dino(self):
        student, teacher = build(W32, 501, 10), build(W32, 502, 10)
        g = torch.Generator().manual_seed(503)
        out_dim, hidden, bottleneck = 24, 32, 16

        def head():
            h = OrderedDict()
            feat = student.fc.weight.shape[1]
            for i, (o, n) in zip([0, 2, 4], [(hidden, feat), (hidden, hidden), (bottleneck, hidden)]):
                w, b = linear(o, n, g)
                h[f"mlp.{i}.weight"], h[f"mlp.{i}.bias"] = w, b
            h["last_layer.weight_g"] = torch.ones(out_dim, 1)
            h["last_layer.weight_v"] = linear(out_dim, bottleneck, g, bias=False)[0]
            return h

        s_sd, t_sd = OrderedDict(), OrderedDict()
        put(s_sd, "module.backbone.", OrderedDict((kk, v) for kk, v in student.state_dict().items() if not kk.startswith("fc.")))
        put(s_sd, "module.head.", head())
        put(t_sd, "backbone.", OrderedDict((kk, v) for kk, v in teacher.state_dict().items() if not kk.startswith("fc.")))
        put(t_sd, "head.", head())
        args = argparse.Namespace(arch="resnet50", patch_size=16, out_dim=out_dim, norm_last_layer=True,
                                  momentum_teacher=0.996, use_bn_in_head=False, warmup_teacher_temp=0.04,
                                  teacher_temp=0.07, use_fp16=False, weight_decay=1e-6, lr=0.3, epochs=800,
                                  optimizer="lars", global_crops_scale=(0.14, 1.0), local_crops_number=6,
                                  output_dir=".", seed=0, dist_url="env://")
        ckpt = OrderedDict(student=s_sd, teacher=t_sd,
                           optimizer={"state": {}, "param_groups": [{"lr": 0.3, "weight_decay": 1e-6, "params": [0, 1, 2]},
                                                                    {"lr": 0.3, "weight_decay": 0.0, "params": [3, 4]}]},
                           epoch=800, args=args, dino_loss={"center": 0.01 * torch.randn(1, out_dim, generator=g)})
        torch.save(ckpt, self.path("dino.pth"))
        trunk = [kk for kk in t_sd if kk.startswith("backbone.")]
        self.record("dino.pth", res4_of(teacher, self.x), format="torch-zip",
                    imitates="DINO main_dino.py checkpoint.pth (facebookresearch/dino), torchvision resnet50 backbone",
                    trunk=OrderedDict(path=["teacher"], keyPrefix="backbone.", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk),
                    dropped=["teacher/" + kk for kk in t_sd if kk not in trunk] + ["student/" + kk for kk in s_sd]
                    + ["dino_loss/center"],
                    topLevelKeys=list(ckpt),
                    nonTensorGlobals=[{"global": "argparse.Namespace", "at": ["args"], "expect": "inert placeholder (not in the tensor path)"}],
                    note="student (module.backbone.*) is a complete trunk too, with other weights; the teacher's is the one to import. "
                         "Real DINO ResNet-50 checkpoints also DDP-wrap the teacher (teacher/module.backbone.*).")

    # 6
    def vissl(self):
        model = build(W32, 601, 10)
        g = torch.Generator().manual_seed(602)
        trunk = prefixed(model.state_dict(), "_feature_blocks.", keep=lambda kk: not kk.startswith("fc."))
        feat = model.fc.weight.shape[1]
        heads = OrderedDict()
        w, b = linear(32, feat, g)
        heads["0.clf.0.weight"], heads["0.clf.0.bias"] = w, b
        w, b = linear(16, 32, g)
        heads["0.clf.2.weight"], heads["0.clf.2.bias"] = w, b
        classy = OrderedDict(
            train=True,
            base_model=OrderedDict(model=OrderedDict(trunk=trunk, heads=heads),
                                   meta={"trunk": "resnet", "heads": ["mlp"]}),
            meta={"train_phase_idx": 199},
            optimizer={"name": "sgd", "num_updates": 250200,
                       "param_groups": [{"lr": 0.0, "momentum": 0.9, "weight_decay": 1e-6, "params": list(range(8))}]},
            phase_idx=199, train_phase_idx=199, num_updates=250200, losses=[], hooks={},
            loss={"temperature": 0.1})
        ckpt = OrderedDict(phase_idx=199, iteration=250200, loss={"temperature": 0.1}, iteration_num=1251,
                           train_phase_idx=199, classy_state_dict=classy)
        torch.save(ckpt, self.path("vissl.torch"))
        self.record("vissl.torch", res4_of(model, self.x), format="torch-zip",
                    imitates="VISSL model_final_checkpoint_phaseN.torch (facebookresearch/vissl, ResNeXt trunk 'resnet', depth 50)",
                    trunk=OrderedDict(path=["classy_state_dict", "base_model", "model", "trunk"],
                                      keyPrefix="_feature_blocks.", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk),
                    dropped=["classy_state_dict/base_model/model/heads/" + kk for kk in heads], topLevelKeys=list(ckpt))

    # 7
    def detectron(self):
        torch_model = build(W32, 701, 10, v1=True)
        g = torch.Generator().manual_seed(702)
        blobs = OrderedDict()

        def affine(bn):
            s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            return s.detach().clone(), (bn.bias - bn.running_mean * s).detach().clone()

        def add(name, conv, bn, affine_name):
            blobs[name + "_w"] = conv.weight.detach().numpy().astype(np.float32)
            blobs[name + "_b"] = np.zeros(conv.weight.shape[0], np.float32)  # add_missing_biases
            s, b = affine(bn)
            blobs[affine_name + "_s"] = s.numpy().astype(np.float32)
            blobs[affine_name + "_b"] = b.numpy().astype(np.float32)
            return s, b

        class Affine(nn.Module):
            def __init__(self, s, b):
                super().__init__()
                self.s, self.b = s, b

            def forward(self, x):
                return x * self.s[None, :, None, None] + self.b[None, :, None, None]

        s, b = add("conv1", torch_model.conv1, torch_model.bn1, "res_conv1_bn")
        torch_model.bn1 = Affine(s, b)
        for stage, layer in enumerate([torch_model.layer1, torch_model.layer2, torch_model.layer3, torch_model.layer4], start=2):
            for i, block in enumerate(layer):
                p = f"res{stage}_{i}"
                for j, letter in enumerate("abc", start=1):
                    s, b = add(f"{p}_branch2{letter}", getattr(block, f"conv{j}"), getattr(block, f"bn{j}"), f"{p}_branch2{letter}_bn")
                    setattr(block, f"bn{j}", Affine(s, b))
                if block.downsample is not None:
                    s, b = add(f"{p}_branch1", block.downsample[0], block.downsample[1], f"{p}_branch1_bn")
                    block.downsample[1] = Affine(s, b)
        blobs["fc1000_w"] = torch_model.fc.weight.detach().numpy().astype(np.float32)
        blobs["fc1000_b"] = torch_model.fc.bias.detach().numpy().astype(np.float32)
        res4 = res4_of(torch_model, self.x)
        # the same function from the blobs alone (y = x*s + b), as an importer would build it
        check = ResNet50Width(W32, 10)
        for layer in [check.layer2, check.layer3, check.layer4]:
            layer[0].conv1.stride, layer[0].conv2.stride = (2, 2), (1, 1)
        assert layer[0].downsample[0].stride == (2, 2)
        t = lambda name: torch.from_numpy(blobs[name])
        check.conv1.weight.data.copy_(t("conv1_w"))
        check.bn1 = Affine(t("res_conv1_bn_s"), t("res_conv1_bn_b"))
        for stage, layer in enumerate([check.layer1, check.layer2, check.layer3, check.layer4], start=2):
            for i, block in enumerate(layer):
                p = f"res{stage}_{i}"
                for j, letter in enumerate("abc", start=1):
                    getattr(block, f"conv{j}").weight.data.copy_(t(f"{p}_branch2{letter}_w"))
                    setattr(block, f"bn{j}", Affine(t(f"{p}_branch2{letter}_bn_s"), t(f"{p}_branch2{letter}_bn_b")))
                if block.downsample is not None:
                    block.downsample[0].weight.data.copy_(t(f"{p}_branch1_w"))
                    block.downsample[1] = Affine(t(f"{p}_branch1_bn_s"), t(f"{p}_branch1_bn_b"))
        assert np.array_equal(res4_of(check, self.x), res4)

        trunk = [n for n in blobs if not n.startswith("fc1000") and not (n.endswith("_b") and not n.endswith("_bn_b"))]
        conv_biases = [n for n in blobs if n.endswith("_b") and not n.endswith("_bn_b") and not n.startswith("fc1000")]
        momentum_of = ["conv1_w", "res_conv1_bn_s", "res_conv1_bn_b", "res2_0_branch2a_w", "fc1000_w"]
        wrapped = OrderedDict(blobs)
        for n in momentum_of:
            wrapped[n + "_momentum"] = (0.001 * torch.randn(blobs[n].shape, generator=g)).numpy().astype(np.float32)
        cfg = "MODEL:\n  TYPE: generalized_rcnn\n  CONV_BODY: ResNet.add_ResNet50_conv4_body\nRESNETS:\n  STRIDE_1X1: true\n"
        with open(self.path("detectron-r50.pkl"), "wb") as f:
            pickle.dump({"blobs": dict(wrapped), "cfg": cfg}, f, protocol=2)  # plain dicts, as Detectron's
        with open(self.path("detectron-r50-nocaffe.pkl"), "wb") as f:
            Py2Pickler(f, protocol=2).dump(dict(blobs))
        for file, obj_blobs in [("detectron-r50.pkl", wrapped), ("detectron-r50-nocaffe.pkl", blobs)]:
            with open(self.path(file), "rb") as f:
                loaded = pickle.load(f, encoding="latin1")
            loaded = loaded.get("blobs", loaded)
            assert list(loaded) == list(obj_blobs) and all(np.array_equal(loaded[n], obj_blobs[n]) for n in obj_blobs)
        # the nocaffe file really is Python-2 style: no _codecs, BINSTRING data
        raw = open(self.path("detectron-r50-nocaffe.pkl"), "rb").read()
        assert b"_codecs" not in raw and b"_codecs" in open(self.path("detectron-r50.pkl"), "rb").read()
        common = dict(format="detectron-pkl", naming="detectron", width=W32, variant="v1", dtype="float32",
                      trunkTensors=len(trunk), bn="AffineChannel y = x*s + b (no mean/var)")
        self.record("detectron-r50.pkl", res4,
                    imitates="Detectron (Caffe2) weights file as detectron/utils/net.py save_model_to_weights_file writes it: "
                             "{'blobs': {...}, 'cfg': yaml}; protocol 2 from Python 3 (array bytes via _codecs.encode)",
                    trunk=OrderedDict(path=["blobs"], keyPrefix="", naming="detectron"),
                    dropped=conv_biases + ["fc1000_w", "fc1000_b"] + [n + "_momentum" for n in momentum_of],
                    topLevelKeys=["blobs", "cfg"], **common)
        self.record("detectron-r50-nocaffe.pkl", res4,
                    imitates="Detectron ImageNet-pretrained R-50.pkl as tools/pickle_caffe_blobs.py writes it: the bare blob dict, "
                             "protocol 2 from Python 2 cPickle (array bytes as py2 str: SHORT_BINSTRING/BINSTRING; load with encoding='latin1')",
                    trunk=OrderedDict(path=[], keyPrefix="", naming="detectron"),
                    dropped=conv_biases + ["fc1000_w", "fc1000_b"], topLevelKeys=None, **common)

    # 8, 9
    def dtypes(self):
        model = build(W32, 801, 10)
        sd = model.state_dict()
        write_safetensors(self.path("model.safetensors"), sd)
        self.record("model.safetensors", res4_of(model, self.x), format="safetensors",
                    imitates="safetensors.torch.save_file(torchvision resnet50().state_dict()) (huggingface/safetensors format)",
                    trunk=OrderedDict(path=[], keyPrefix="", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk_keys(sd)),
                    dropped=["fc.weight", "fc.bias"], topLevelKeys=None, metadata={"format": "pt"})
        for file, dtype, name in [("torchvision-half.pth", torch.float16, "float16"),
                                  ("torchvision-bf16.pth", torch.bfloat16, "bfloat16"),
                                  ("torchvision-f64.pth", torch.float64, "float64")]:
            cast = OrderedDict((k, v.to(dtype) if v.is_floating_point() else v) for k, v in sd.items())
            torch.save(cast, self.path(file))
            loaded = torch.load(self.path(file))
            assert all(loaded[k].dtype == cast[k].dtype and torch.equal(loaded[k], cast[k]) for k in cast)
            self.record(file, res4_from_state(W32, cast, self.x, 10), format="torch-zip",
                        imitates=f"torch.save(model.to({name}).state_dict())",
                        trunk=OrderedDict(path=[], keyPrefix="", naming="torchvision"),
                        width=W32, variant="v1.5", dtype=name, trunkTensors=len(trunk_keys(sd)),
                        dropped=["fc.weight", "fc.bias"], topLevelKeys=None,
                        note="num_batches_tracked stays int64; res4 from the stored values cast to float32, float32 forward")

    # 10
    def views(self):
        model = build(W32, 1001, 10)
        sd = model.state_dict()
        g = torch.Generator().manual_seed(1002)
        out = OrderedDict()
        layer_keys = [k for k in sd if k.startswith("layer") and sd[k].is_floating_point()]
        total = sum(sd[k].numel() for k in layer_keys) + 7
        flat = torch.randn(total, generator=g)  # values are overwritten below; leading 7 unused
        offset = 7
        for k in sd:
            if k in layer_keys:
                n = sd[k].numel()
                flat[offset:offset + n] = sd[k].reshape(-1)
                out[k] = flat[offset:offset + n].view(sd[k].shape)
                offset += n
            else:
                out[k] = sd[k].clone()
        # non-contiguous: a permuted view of a [in, out, 1, 1] tensor
        k = "layer2.0.conv1.weight"
        base = sd[k].permute(1, 0, 2, 3).contiguous()
        out[k] = base.permute(1, 0, 2, 3)
        # stride 2 over a storage twice as long
        k = "layer3.0.bn2.running_var"
        big = torch.randn(2 * sd[k].numel(), generator=g).abs()
        big[::2] = sd[k]
        out[k] = big[::2]
        # a slice along dim 1 of a wider tensor (offset and non-contiguous)
        k = "layer1.0.conv2.weight"
        o, i, kh, kw = sd[k].shape
        wide = torch.randn(o, i + 3, kh, kw, generator=g)
        wide[:, 2:2 + i] = sd[k]
        out[k] = wide[:, 2:2 + i]
        assert not out["layer2.0.conv1.weight"].is_contiguous() and not out["layer1.0.conv2.weight"].is_contiguous()
        assert out["layer3.0.bn2.running_var"].stride() == (2,) and out["layer1.0.conv2.weight"].storage_offset() == 2 * kh * kw
        assert out["layer4.2.bn3.weight"].storage_offset() > 0
        for key in sd:
            assert torch.equal(out[key], sd[key]), key
        torch.save(out, self.path("views.pth"))
        loaded = torch.load(self.path("views.pth"))
        for key in sd:
            assert torch.equal(loaded[key], sd[key]), key
            assert loaded[key].stride() == out[key].stride() and loaded[key].storage_offset() == out[key].storage_offset(), key
        shared = {loaded[k].storage().data_ptr() for k in layer_keys if k not in ("layer2.0.conv1.weight", "layer3.0.bn2.running_var", "layer1.0.conv2.weight")}
        assert len(shared) == 1
        self.record("views.pth", res4_of(model, self.x), format="torch-zip",
                    imitates="a state dict of views (as when parameters are carved from one flat buffer, or saved transposed)",
                    trunk=OrderedDict(path=[], keyPrefix="", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk_keys(sd)),
                    dropped=["fc.weight", "fc.bias"], topLevelKeys=None,
                    views={"sharedFlatStorage": "every float tensor of layer1..layer4 except the three below, storage offsets from 7",
                           "layer2.0.conv1.weight": {"stride": list(out["layer2.0.conv1.weight"].stride()), "storageOffset": 0},
                           "layer3.0.bn2.running_var": {"stride": [2], "storageOffset": 0},
                           "layer1.0.conv2.weight": {"stride": list(out["layer1.0.conv2.weight"].stride()),
                                                     "storageOffset": out["layer1.0.conv2.weight"].storage_offset()}})

    # 11
    def legacy(self):
        model = build(W16, 1101, 10)
        sd = model.state_dict()
        torch.save(sd, self.path("torchvision-legacy.pth"), _use_new_zipfile_serialization=False)
        loaded = torch.load(self.path("torchvision-legacy.pth"))
        assert all(torch.equal(loaded[k], sd[k]) for k in sd)
        self.record("torchvision-legacy.pth", res4_of(model, self.x), format="torch-legacy",
                    imitates="torch.save(sd, f, _use_new_zipfile_serialization=False) (PyTorch < 1.6 format)",
                    trunk=OrderedDict(path=[], keyPrefix="", naming="torchvision"),
                    width=W16, variant="v1.5", dtype="float32", trunkTensors=len(trunk_keys(sd)),
                    dropped=["fc.weight", "fc.bias"], topLevelKeys=None)

    # 12
    def malicious(self):
        base = build(W32, 1201, 10)
        sd = base.state_dict()
        marker_eval = "/tmp/mgta-pwned-zip-eval"
        marker_sys = "/tmp/mgta-pwned-legacy-system"
        marker_out = "/tmp/mgta-pwned-outside-system"

        class EvalCall:
            def __reduce__(self):
                return (eval, (f"__import__('os').system('touch {marker_eval}')",))

        class SystemCall:
            def __init__(self, marker):
                self.marker = marker

            def __reduce__(self):
                return (os.system, (f"touch {self.marker}",))

        # a torchvision-looking state dict, cut short (the payload is the point, not the trunk)
        evil_sd = OrderedDict((k, sd[k]) for k in ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                                                    "bn1.running_var", "bn1.num_batches_tracked"])
        evil_sd["layer1.0.conv1.weight"] = EvalCall()
        evil_sd["layer1.0.bn1.weight"] = sd["layer1.0.bn1.weight"]
        torch.save(evil_sd, self.path("malicious.pth"))
        with open(self.path("malicious-legacy.pkl"), "wb") as f:
            pickle.dump(SystemCall(marker_sys), f, protocol=2)
        torch.save(OrderedDict(state_dict=sd, args=SystemCall(marker_out)), self.path("malicious-outside.pth"))

        # Would CPython run them? In a throwaway subprocess; then delete the markers.
        loaders = {
            "malicious.pth": (marker_eval, "import torch,sys; torch.load(sys.argv[1])"),
            "malicious-legacy.pkl": (marker_sys, "import pickle,sys; pickle.load(open(sys.argv[1],'rb'))"),
            "malicious-outside.pth": (marker_out, "import torch,sys; torch.load(sys.argv[1])"),
        }
        ran = {}
        for file, (marker, code) in loaders.items():
            if os.path.exists(marker):
                os.remove(marker)
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run([sys.executable, "-c", code, os.path.abspath(self.path(file))], cwd=tmp, check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ran[file] = os.path.exists(marker)
            assert ran[file], f"{file}: Python's unpickler did not run the payload"
            os.remove(marker)
        print("payloads run by CPython's pickle (markers created, then deleted):", ran)

        g_zip = pickle_globals(zip_member(self.path("malicious.pth"), "data.pkl"))
        g_leg = pickle_globals(open(self.path("malicious-legacy.pkl"), "rb").read())
        g_out = pickle_globals(zip_member(self.path("malicious-outside.pth"), "data.pkl"))
        assert "__builtin__.eval" in g_zip and g_leg == ["posix.system"] and "posix.system" in g_out
        self.record("malicious.pth", None, format="torch-zip",
                    imitates="a torchvision state dict whose layer1.0.conv1.weight unpickles as builtins.eval(...) (os.system via __import__)",
                    malicious=OrderedDict(expect="refuse", refusedGlobal="__builtin__.eval",
                                          alsoKnownAs="builtins.eval (protocol 2 writes Python 3's builtins as __builtin__)",
                                          at=["layer1.0.conv1.weight"], marker=marker_eval, cpythonRunsIt=ran["malicious.pth"]),
                    globalsInDataPkl=g_zip)
        self.record("malicious-legacy.pkl", None, format="pickle",
                    imitates="a plain pickle (e.g. a .pkl 'checkpoint') whose root is REDUCE(posix.system, ('touch ...',))",
                    malicious=OrderedDict(expect="refuse", refusedGlobal="posix.system", alsoKnownAs="os.system",
                                          at=[], marker=marker_sys, cpythonRunsIt=ran["malicious-legacy.pkl"]),
                    globalsInPickle=g_leg)
        self.record("malicious-outside.pth", res4_of(base, self.x), format="torch-zip",
                    imitates="a checkpoint with a valid state_dict and, beside it, 'args' = REDUCE(posix.system, ('touch ...',))",
                    trunk=OrderedDict(path=["state_dict"], keyPrefix="", naming="torchvision"),
                    width=W32, variant="v1.5", dtype="float32", trunkTensors=len(trunk_keys(sd)),
                    dropped=["fc.weight", "fc.bias"], topLevelKeys=["state_dict", "args"],
                    malicious=OrderedDict(expect="import the trunk; 'args' an inert placeholder, never called",
                                          placeholderGlobal="posix.system", at=["args"], marker=marker_out,
                                          cpythonRunsIt=ran["malicious-outside.pth"]),
                    globalsInDataPkl=g_out)


class Py2Pickler(pickle._Pickler):
    """Python's pure pickler, but `bytes` written as Python 2's cPickle writes a py2 `str`
    (SHORT_BINSTRING / BINSTRING), as in pickles made by Python 2 (Detectron's R-50.pkl)."""
    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        n = len(obj)
        if n < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([n]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", n) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def write_safetensors(path, sd):
    names = {torch.float32: "F32", torch.int64: "I64", torch.float16: "F16", torch.float64: "F64", torch.bfloat16: "BF16"}
    align = {"I64": 8, "F64": 8, "F32": 4, "F16": 2, "BF16": 2}
    items = sorted(sd.items(), key=lambda kv: (-align[names[kv[1].dtype]], kv[0]))
    header, chunks, offset = OrderedDict(), [], 0
    header["__metadata__"] = {"format": "pt"}
    for k, v in items:
        data = v.contiguous().numpy().tobytes() if v.dtype != torch.bfloat16 else v.view(torch.int16).numpy().tobytes()
        header[k] = {"dtype": names[v.dtype], "shape": list(v.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    # read it back by the spec
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    h = json.loads(raw[8:8 + n])
    buf = raw[8 + n:]
    assert sum(e["data_offsets"][1] - e["data_offsets"][0] for k, e in h.items() if k != "__metadata__") == len(buf)
    for k, v in sd.items():
        e = h[k]
        arr = np.frombuffer(buf[e["data_offsets"][0]:e["data_offsets"][1]], dtype={"F32": "<f4", "I64": "<i8"}[e["dtype"]])
        assert np.array_equal(arr.reshape(e["shape"]), v.numpy())


def zip_member(path, suffix):
    import zipfile
    with zipfile.ZipFile(path) as z:
        [name] = [n for n in z.namelist() if n.endswith("/" + suffix)]
        return z.read(name)


def pickle_globals(data):
    """The GLOBAL / STACK_GLOBAL names a pickle refers to, 'module.name', in order, unique."""
    found, strings = [], []
    for op, arg, _ in pickletools.genops(data):
        if op.name == "GLOBAL":
            found.append(arg.replace(" ", "."))
        elif op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(arg)
        elif op.name == "STACK_GLOBAL":
            found.append(f"{strings[-2]}.{strings[-1]}")
    return list(OrderedDict.fromkeys(found))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="libs/checkpoint-import/src/fixtures")
    args = parser.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    m = Maker(args.out)
    for step in [m.torchvision, m.moco_v2, m.moco_v3, m.swav, m.dino, m.vissl, m.detectron, m.dtypes, m.views,
                 m.legacy, m.malicious]:
        step()
    for e in m.entries:
        e["sha256"] = hashlib.sha256(open(m.path(e["file"]), "rb").read()).hexdigest()
    meta = OrderedDict(
        generator="benchmarks/reference/make-checkpoint-fixtures.py",
        torch=torch.__version__, numpy=np.__version__, python=sys.version.split()[0], seed=SEED,
        input=OrderedDict(file="input.npy", shape=list(INPUT_SHAPE), dtype="float32",
                          note="N(0,1), already normalised: feed as is"),
        res4="layer3 output in eval mode, float32 [2, 1024*width, 4, 4]",
        widths={"1/32": "stem 2, planes 2/4/8/16, res4 32 channels", "1/16": "stem 4, planes 4/8/16/32, res4 64 channels"},
        bnEps=1e-5,
        fixtures=m.entries)
    with open(m.path("fixtures.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(m.path(n)) for n in os.listdir(args.out))
    print(f"total {total} bytes in {args.out}")


if __name__ == "__main__":
    main()
