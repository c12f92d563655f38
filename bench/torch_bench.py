#!/usr/bin/python3
"""PyTorch reference for `slotlab bench --compare torch`.

Trains one network for a number of steps on random data, in this process,
and prints one JSON line: samples/s and peak resident memory.

The slot machine follows the official code's method (Aladago & Torresani,
github.com/maxwell-aladago/slot-machines) written efficiently: K fixed
weights and K scores per connection, the selected weights gathered by argmax
of the scores, and the straight-through gradient dL/ds_k = dL/dW_eff * w_k
into all K scores. Learned networks are plain torch.nn layers without bias.

With --info it measures nothing and prints what the comparison depends on:
torch's version, threads, CPU capability, whether oneDNN (mkldnn) is on, and
the BLAS library actually mapped into the process after a matrix product
(Debian's torch uses whatever libblas.so.3 is installed; the reference BLAS
is 10-20x slower than OpenBLAS), with the GFLOP/s of a 512x512 product.

Run with Debian's python3 (python3-torch 1.13):
    /usr/bin/python3 bench/torch_bench.py --net conv4 --method slot --k 8
    /usr/bin/python3 bench/torch_bench.py --info --threads 2
"""
import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SelectST(torch.autograd.Function):
    """Greedy selection with the straight-through gradient."""

    @staticmethod
    def forward(ctx, scores, weights):
        idx = scores.argmax(dim=-1, keepdim=True)
        ctx.save_for_backward(weights)
        return weights.gather(-1, idx).squeeze(-1)

    @staticmethod
    def backward(ctx, grad):
        (weights,) = ctx.saved_tensors
        return grad.unsqueeze(-1) * weights, None


def glorot_std(fan_in, fan_out):
    return math.sqrt(2.0 / (fan_in + fan_out))


class SlotLinear(nn.Module):
    def __init__(self, i, o, k):
        super().__init__()
        s = glorot_std(i, o)
        self.register_buffer("weights", torch.empty(o, i, k).uniform_(-s, s))
        self.scores = nn.Parameter(torch.empty(o, i, k).uniform_(0, 0.1 * s))

    def forward(self, x):
        return F.linear(x, SelectST.apply(self.scores, self.weights))


class SlotConv(nn.Module):
    def __init__(self, i, o, k, padding):
        super().__init__()
        s = glorot_std(i * 9, o * 9)
        self.padding = padding
        self.register_buffer("weights", torch.empty(o, i, 3, 3, k).uniform_(-s, s))
        self.scores = nn.Parameter(torch.empty(o, i, 3, 3, k).uniform_(0, s))

    def forward(self, x):
        return F.conv2d(x, SelectST.apply(self.scores, self.weights), padding=self.padding)


def linear(method, i, o, k):
    return SlotLinear(i, o, k) if method == "slot" else nn.Linear(i, o, bias=False)


def conv(method, i, o, k, p):
    return SlotConv(i, o, k, p) if method == "slot" else nn.Conv2d(i, o, 3, padding=p, bias=False)


def lenet(method, k):
    return nn.Sequential(nn.Flatten(), linear(method, 784, 300, k), nn.ReLU(),
                         linear(method, 300, 100, k), nn.ReLU(), linear(method, 100, 10, k))


def convnet(method, k, blocks, pads, flat):
    layers, c = [], 3
    for block, pad in zip(blocks, pads):
        for o in block:
            layers += [conv(method, c, o, k, pad), nn.ReLU()]
            c = o
        layers.append(nn.MaxPool2d(2))
    layers += [nn.Flatten(), nn.Dropout(0.5), linear(method, flat, 256, k), nn.ReLU(), nn.Dropout(0.5),
               linear(method, 256, 256, k), nn.ReLU(), linear(method, 256, 10, k)]
    return nn.Sequential(*layers)


def vgg19(method, k):
    """VGG-19 as architectures/vgg19.yaml: 3x3 convs with padding 1, each
    followed by batch norm without scale or shift and ReLU; 2x2 max-pools; a
    2x2 average pool; one fully connected layer 512->10; no biases."""
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512]
    layers, c = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
            continue
        layers += [conv(method, c, v, k, 1), nn.BatchNorm2d(v, affine=False), nn.ReLU()]
        c = v
    layers += [nn.AvgPool2d(2), nn.Flatten(), linear(method, 512, 10, k)]
    return nn.Sequential(*layers)


NETS = {
    "lenet": (lambda m, k: lenet(m, k), (1, 28, 28)),
    "lenet-300-100": (lambda m, k: lenet(m, k), (1, 28, 28)),  # the architecture's name in slotlab
    "conv2": (lambda m, k: convnet(m, k, [[64, 64]], [0], 12544), (3, 32, 32)),
    "conv4": (lambda m, k: convnet(m, k, [[64, 64], [128, 128]], [0, 0], 3200), (3, 32, 32)),
    "conv6": (lambda m, k: convnet(m, k, [[64, 64], [128, 128], [256, 256]], [0, 0, 1], 1024), (3, 32, 32)),
    "vgg19": (lambda m, k: vgg19(m, k), (3, 32, 32)),
}


def blas_libraries():
    """The BLAS/LAPACK shared objects mapped into this process."""
    libs = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and ("blas" in parts[-1].lower() or "mkl" in parts[-1].lower()):
                if parts[-1] not in libs:
                    libs.append(parts[-1])
    return libs


def info(threads):
    torch.set_num_threads(threads)
    a = torch.rand(512, 512)
    torch.mm(a, a)  # loads the BLAS
    reps, t = 0, time.perf_counter()
    while time.perf_counter() - t < 0.5:
        torch.mm(a, a)
        reps += 1
    gflops = 2 * 512 ** 3 * reps / (time.perf_counter() - t) / 1e9
    cfg = torch.__config__.show()
    cap = ""
    for line in cfg.splitlines():
        if "CPU capability usage" in line:
            cap = line.split(":", 1)[1].strip()
    return {"version": torch.__version__, "threads": torch.get_num_threads(), "cpu_capability": cap,
            "mkldnn": bool(torch.backends.mkldnn.is_available()), "blas_libraries": blas_libraries(),
            "mm_gflops": gflops, "onednn_isa": onednn_isa()}


def onednn_isa():
    """The instruction set oneDNN's convolutions run on in this environment
    (ONEDNN_MAX_CPU_ISA caps it), from its verbose mode in a child process,
    or "" if it does not say."""
    code = "import torch; torch.nn.functional.conv2d(torch.rand(16, 32, 16, 16), torch.rand(32, 32, 3, 3))"
    env = dict(os.environ, ONEDNN_VERBOSE="1", DNNL_VERBOSE="1")
    try:
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    for line in out.splitlines():
        if ",isa:" in line:
            return line.split(",isa:", 1)[1].strip()
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--info", action="store_true", help="print torch's configuration as JSON and exit")
    ap.add_argument("--net", choices=sorted(NETS))
    ap.add_argument("--method", choices=["slot", "learned"])
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-seconds", type=float, default=0, help="time at least this long (more steps if needed)")
    a = ap.parse_args()
    if a.info:
        print(json.dumps(info(a.threads)))
        return 0
    if not a.net or not a.method:
        ap.error("--net and --method are required")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    build, shape = NETS[a.net]
    model = build(a.method, a.k)
    model.train()
    lr = 0.2 if a.method == "slot" else 0.01
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    x = torch.rand(a.batch, *shape)
    y = torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    steps, t = 0, time.perf_counter()
    while steps < a.steps or time.perf_counter() - t < a.min_seconds:
        step()
        steps += 1
    el = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"impl": "pytorch " + torch.__version__, "net": a.net, "method": a.method, "k": a.k,
                      "batch": a.batch, "steps": steps, "seconds": el, "samples_per_second": a.batch * steps / el,
                      "peak_bytes": peak, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    sys.exit(main())
