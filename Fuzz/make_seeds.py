#!/usr/bin/env python3
"""Writes small valid seed inputs for every fuzz target (Fuzz/README.md describes each target's input layout).

Usage: make_seeds.py CORPUS_ROOT [REPOSITORY_ROOT]
Creates CORPUS_ROOT/<target>/seeds/seed-*; existing seeds are overwritten and stale ones removed, inputs libFuzzer
added (found/) are kept.
Only the Python 3 standard library is used, so the seeds need no build and no binary file lives in git.
"""
import gzip
import json
import os
import struct
import sys


def idx(dimensions, elements):
    """An IDX file of unsigned bytes: 00 00 08 rank, one big-endian u32 per dimension, then the elements."""
    header = bytes([0, 0, 0x08, len(dimensions)]) + b"".join(struct.pack(">I", d) for d in dimensions)
    return header + bytes(elements)


def gz(data):
    # A fixed mtime keeps the seed bytes identical from one run to the next.
    return gzip.compress(data, compresslevel=6, mtime=0)


def idx_seeds():
    images = idx([2, 3, 2], range(12))                       # 2 images of 3 × 2 pixels (not square on purpose)
    square = idx([1, 28, 28], [(i * 7) % 256 for i in range(784)])
    labels = idx([2], [3, 9])
    one_label = idx([1], [0])

    def pair(mode, image_file, label_file):
        return bytes([mode]) + struct.pack("<H", len(image_file)) + image_file + label_file

    return {
        # byte 0: bits 0-1 choose images (0), labels (1), a pair (2) or a bare gzip stream (3); bit 2 asks the
        # harness to gzip (with 3: a round trip through zlib and Gzip.inflate).
        "images-raw": b"\x00" + images,
        "images-28x28-raw": b"\x00" + square,
        "images-harness-gzip": b"\x04" + images,
        "images-gzip-stream": b"\x00" + gz(images),
        "images-two-gzip-members": b"\x00" + gz(images[:9]) + gz(images[9:]),
        "labels-raw": b"\x01" + labels,
        "labels-harness-gzip": b"\x05" + labels,
        "labels-gzip-stream": b"\x01" + gz(labels),
        "pair-raw": pair(0x02, images, labels),
        "pair-harness-gzip": pair(0x06, images, labels),
        "pair-gzip-streams": pair(0x02, gz(square), gz(one_label)),
        "gzip-stream": b"\x03" + gz(square),
        "gzip-two-members": b"\x03" + gz(images[:9]) + gz(images[9:]),
        "gzip-round-trip": b"\x07" + images,
    }


CIFAR_RECORD = 1 + 3 * 32 * 32


def cifar_record(label, start):
    return bytes([label]) + bytes((start + i) % 256 for i in range(3 * 32 * 32))


def cifar_seeds():
    return {
        # byte 0: even = one batch file; odd = a training and a test batch (2-byte little-endian length of the
        # training batch first) paired into splits.
        "one-record": b"\x00" + cifar_record(3, 0),
        "two-records": b"\x00" + cifar_record(0, 1) + cifar_record(9, 200),
        "pair": b"\x01" + struct.pack("<H", CIFAR_RECORD) + cifar_record(7, 5) + cifar_record(2, 9),
        "pair-two-train-records": b"\x01" + struct.pack("<H", 2 * CIFAR_RECORD) + cifar_record(1, 3)
                                  + cifar_record(4, 77) + cifar_record(8, 0),
    }


def safetensors(tensors, metadata=None):
    """A safetensors file: tensors is a list of (name, dtype, shape, raw bytes), stored in that order."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


def floats(*values):
    return struct.pack("<%df" % len(values), *values)


def safetensors_seeds():
    return {
        "f32-u8-bool": safetensors([
            ("fc1.weight", "F32", [2, 3], floats(0.5, -1, 2, 0, 3.25, -0.125)),
            ("fc1.mask", "U8", [2, 3], bytes([1, 0, 1, 1, 0, 1])),
            ("flags", "BOOL", [4], bytes([1, 0, 0, 1])),
        ], metadata={"model": "mlp", "format": "pt"}),
        "every-dtype": safetensors([
            ("a.f64", "F64", [2], struct.pack("<2d", 1.5, -2)),
            ("b.f16", "F16", [2], struct.pack("<2H", 0x3C00, 0xC000)),
            ("c.bf16", "BF16", [2], struct.pack("<2H", 0x3F80, 0xC000)),
            ("d.i64", "I64", [], struct.pack("<q", 938)),
            ("e.i32", "I32", [1, 2], struct.pack("<2i", -7, 7)),
            ("f.i16", "I16", [2], struct.pack("<2h", -3, 3)),
            ("g.i8", "I8", [2], struct.pack("<2b", -1, 1)),
            ("h.u8", "U8", [1], bytes([255])),
        ]),
        "empty-and-scalar": safetensors([
            ("empty", "F32", [0, 4], b""),
            ("empty-last", "U8", [3, 4, 0], b""),
            ("scalar", "F32", [], floats(1)),
        ]),
        "masks": safetensors([
            ("conv1.weight", "U8", [2, 1, 2, 2], bytes([1, 0, 0, 1, 1, 1, 0, 0])),
            ("fc.weight", "F32", [2, 2], floats(1, 0, 0, 1)),
        ]),
        "no-tensors": safetensors([], metadata={}),
        # Every tensor passes weightTensors(): float dtypes, finite values and a batch norm's step counter.
        "weights": safetensors([
            ("conv1.weight", "F32", [1, 1, 2, 2], floats(0.5, -1, 2, 0)),
            ("bn1.running_var", "F64", [2], struct.pack("<2d", 1.5, 0.25)),
            ("bn1.weight", "F16", [2], struct.pack("<2H", 0x3C00, 0xC000)),
            ("bn1.bias", "BF16", [2], struct.pack("<2H", 0x3F80, 0xC000)),
            ("bn1.num_batches_tracked", "I64", [], struct.pack("<q", 938)),
        ]),
    }


def experiment_seeds(repository):
    full = {
        "model": "lenet5", "dataset": "synthetic", "pretrainEpochs": 1,
        "pretrainOptimizer": {"learningRate": 0.05, "momentum": 0.9, "nesterov": False, "weightDecay": 0, "cosine": False},
        "constraint": {"pattern": "unstructured", "sparsity": 0.9, "scope": "layer", "layerSparsity": {"fc1.weight": 0.95}},
        "selection": {"include": [], "exclude": ["conv*", "re:^fc[0-9]\\.bias$"], "keepFirstDense": True, "keepLastDense": False},
        "methods": ["slr", {"name": "admm", "options": {"rho": "0.1", "rho-schedule": "geometric:1.3:1", "update-every": "2b"}},
                    {"name": "magnitude", "label": "one-shot"},
                    {"name": "slr", "warmStart": "layerwise", "label": "slr from layerwise"}],
        "pipeline": {"methodEpochs": 2, "retrainEpochs": 1, "batchSize": 64, "seed": 3, "lossSubsetSize": 100,
                     "evaluateHardPrunedEachEpoch": True, "cropAndFlip": False,
                     "methodOptimizer": {"learningRate": 0.01}, "retrainOptimizer": {"learningRate": 0.01, "cosine": True}},
        "seeds": [0, 1], "withinPoints": 1.5,
    }
    global_scope = {
        "model": "mlp", "validationFraction": 0.1,
        "constraint": {"pattern": "unstructured", "sparsity": 0.8, "scope": "global",
                       "defaultBounds": {"minimum": 0.5, "maximum": 0.98},
                       "layerBounds": {"conv1.weight": {"minimum": 0, "maximum": 0.5}}},
        "methods": ["magnitude"],
    }
    seeds = {
        "full.json": json.dumps(full, indent=1).encode(),
        "global-scope.json": json.dumps(global_scope).encode(),
        "minimal.yaml": b"methods: [magnitude]\nconstraint: nm:2:4\n",
        "block.yaml": b"model: vgg11\ndataset: cifar10\ndataDirectory: data/cifar\nconstraint: {pattern: block:2x2, sparsity: 0.5}\n"
                      b"methods:\n  - name: layerwise\n    options: {}\nseeds: [7]\n",
        "filter.yaml": b"constraint: filter\nselection: {exclude: [fc3.weight]}\nmethods: [admm]\npipeline: {methodEpochs: 0}\n",
        "anchors.yaml": b"pretrainOptimizer: &opt {learningRate: 0.02}\npipeline: {methodOptimizer: *opt, retrainOptimizer: *opt}\n"
                        b"methods: [magnitude]\n",
        "empty.yaml": b"",
    }
    example = os.path.join(repository, "docs", "experiment-example.yaml")
    if os.path.exists(example):
        with open(example, "rb") as handle:
            seeds["docs-example.yaml"] = handle.read()
    return seeds


def checkpoint_seeds():
    optimizer = {"learningRate": 0.01, "momentum": 0.5, "nesterov": True, "weightDecay": 0.0005, "cosine": False}
    epoch = {"epoch": 1, "trainingLoss": 0.5, "penalty": 0.01, "seconds": 0.2, "imagesPerSecond": 480, "testAccuracy": 0.75}
    result = {
        "method": "slr", "settings": {"rho": "0.1"}, "constraint": "unstructured 70%",
        "configuration": {"methodEpochs": 2, "retrainEpochs": 1, "batchSize": 16, "seed": 5,
                          "methodOptimizer": optimizer, "retrainOptimizer": dict(optimizer, nesterov=False),
                          "lossSubsetSize": 32, "evaluateHardPrunedEachEpoch": False, "cropAndFlip": False},
        "lossData": "32 training images", "denseTestAccuracy": 0.8,
        "methodPhase": [epoch],
        "diagnostics": [{"iteration": 1, "epoch": 1, "trainingLoss": 0.4, "condition1Values": [0.1, 0.2],
                         "condition1Held": True, "stepSize": 0.5, "rho": 0.1, "layerDistances": {"fc1.weight": 0.3},
                         "extra": {"lambdaNorm": 2.5}}],
        "accuracyAtEndOfMethodPhase": 0.7, "accuracyAfterHardPrune": 0.6, "retraining": [],
        "sparsity": {"layers": [{"name": "fc1.weight", "count": 6, "nonZero": 2}]},
        "methodPhaseSeconds": 0.4, "hardPruneSeconds": 0.01, "retrainingSeconds": 0,
    }
    checkpoint = {
        "phase": "method", "epochsDone": 1,
        "progress": {"step": 6, "epoch": 1, "stepsPerEpoch": 6},
        "modelGenerator": {"state": [1, 2, 3, 4]},
        "sessionGenerator": {"state": [12345678901234567890, 5, 6, 7]},
        "methodValues": {"rho": 0.1, "stepSize": 0.5},
        "partialResult": result,
        "tensorFile": "state-1.safetensors",
        "identity": {"facts": [{"name": "method", "value": "slr"}, {"name": "constraint", "value": "unstructured 70%"},
                               {"name": "seed", "value": "5"}]},
    }
    tensors = safetensors([
        ("model.fc1.weight", "F32", [2, 3], floats(0.5, -1, 2, 0, 3.25, -0.125)),
        ("model.fc1.bias", "F32", [2], floats(0, 1)),
        ("optimizer.fc1.weight.momentum", "F32", [2, 3], floats(0, 0, 0, 0, 0, 0)),
        ("method.Z.fc1.weight", "F32", [2, 3], floats(0.5, 0, 2, 0, 3.25, 0)),
        ("mask.fc1.weight", "F32", [2, 3], floats(1, 0, 1, 0, 1, 0)),
    ])
    retraining = dict(checkpoint, phase="retraining", epochsDone=0)

    def framed(document, tensor_file):
        text = json.dumps(document, separators=(",", ":")).encode()
        return struct.pack("<I", len(text)) + text + tensor_file

    return {
        # 4-byte little-endian length of checkpoint.json, the JSON, then state-1.safetensors.
        "method-phase": framed(checkpoint, tensors),
        "retraining": framed(retraining, tensors),
        "no-tensors": framed(dict(checkpoint, epochsDone=0), safetensors([])),
    }


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    repository = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    targets = {
        "fuzz-idx": idx_seeds(),
        "fuzz-cifar": cifar_seeds(),
        "fuzz-safetensors": safetensors_seeds(),
        "fuzz-experiment": experiment_seeds(repository),
        "fuzz-checkpoint": checkpoint_seeds(),
    }
    for target, seeds in targets.items():
        folder = os.path.join(root, target, "seeds")
        os.makedirs(folder, exist_ok=True)
        # Seeds an older version of this script wrote (a layout that changed) go; found/ is left alone.
        for name in os.listdir(folder):
            if name.startswith("seed-") and name[len("seed-"):] not in seeds:
                os.remove(os.path.join(folder, name))
        for name, content in seeds.items():
            with open(os.path.join(folder, "seed-" + name), "wb") as handle:
                handle.write(content)
    print("seeds written under %s (%s)" % (root, ", ".join("%s: %d" % (t, len(s)) for t, s in targets.items())))


if __name__ == "__main__":
    main()
