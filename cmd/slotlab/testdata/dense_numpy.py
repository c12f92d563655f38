"""Reads a slotlab dense export (safetensors) of a network of dense layers
with ReLU between them, from the format's specification and with numpy
only, runs its forward pass on test images and prints the accuracy.

usage: dense_numpy.py MODEL.safetensors IMAGES LABELS N

IMAGES holds N images of uint8 pixels (scaled to [0, 1], as slotlab feeds
MNIST), LABELS their N uint8 labels. Printed: the accuracy in percent,
100 * correct / N, as Python's repr of the float, and the tensors read.

safetensors (https://huggingface.co/docs/safetensors): 8 bytes little-endian
unsigned header length n, n bytes of JSON header mapping each tensor name to
{dtype, shape, data_offsets: [begin, end]} relative to the byte buffer that
follows the header (and "__metadata__" to strings), then that buffer.
"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    buf = raw[8 + n :]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name}: dtype {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        shape = tuple(entry["shape"])
        if not 0 <= begin <= end <= len(buf) or (end - begin) != 4 * int(np.prod(shape)):
            raise SystemExit(f"{path}: tensor {name}: offsets {begin}, {end} do not fit shape {shape}")
        tensors[name] = np.frombuffer(buf[begin:end], dtype="<f4").reshape(shape)
    return meta, tensors


def main():
    model, images, labels, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    meta, tensors = read_safetensors(model)
    if meta.get("format") != "slotlab-dense/v1":
        raise SystemExit(f"{model}: metadata format {meta.get('format')!r}")
    names = sorted((k for k in tensors if k.startswith("dense")), key=lambda k: int(k[len("dense") :]))
    if not names or len(names) != len(tensors):
        raise SystemExit(f"{model}: expected dense0, dense1, ... only, found {sorted(tensors)}")
    x = np.fromfile(images, dtype=np.uint8).astype(np.float64).reshape(n, -1) / 255.0
    y = np.fromfile(labels, dtype=np.uint8)
    for i, name in enumerate(names):
        w = tensors[name].astype(np.float64)  # [out, in]
        x = x @ w.T
        if i < len(names) - 1:
            x = np.maximum(x, 0.0)
    correct = int((x.argmax(axis=1) == y).sum())
    print(repr(100 * correct / n))
    print(" ".join(f"{k}{list(tensors[k].shape)}" for k in names))


main()
