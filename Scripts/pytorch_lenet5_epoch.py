#!/usr/bin/python3
"""One whole LeNet-5 training epoch on Fashion-MNIST in PyTorch, for comparison with `shears train --epochs 1`.

Usage: /usr/bin/python3 Scripts/pytorch_lenet5_epoch.py [--threads N] [--epochs 1] [--data-dir DIR] [--json]

The same loop as `shears train --model lenet5`: the training images as pixel/255 standardised by the training set's
mean and standard deviation, a seeded shuffle per epoch, batches of 128 (the last one smaller), forward,
cross-entropy, zero gradients, backward, SGD (lr 0.05, momentum 0.9). Batching is timed with the steps, as Shears'
epoch time includes it; loading and standardising the files is not. Prints images/s per epoch (the fastest first
epoch is the figure to compare: Shears reports the same quantity in metrics.json).

The thread count must be fixed before torch is imported: Debian's PyTorch uses the pthread OpenBLAS, which reads
OPENBLAS_NUM_THREADS when it loads. Needs Debian's python3-torch and dataset-fashion-mnist.
"""
import argparse
import gzip
import json
import os
import struct
import time


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="CPU threads (default: every core)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs to time (default 1)")
    parser.add_argument("--batch", type=int, default=128, help="batch size (default 128)")
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist", help="the four gzipped IDX files")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args()
    for name in ("threads", "epochs", "batch"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(arguments, name)}")
    return arguments


def read_idx(path: str) -> bytes:
    """The payload of a gzipped IDX file (header checked: unsigned bytes)."""
    with gzip.open(path, "rb") as file:
        data = file.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    return data[4 + 4 * rank:]


def main() -> None:
    arguments = parse_arguments()
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(arguments.threads)
    import torch
    from torch import nn

    torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)
    images = torch.frombuffer(bytearray(read_idx(os.path.join(arguments.data_dir, "train-images-idx3-ubyte.gz"))),
                              dtype=torch.uint8).float().div_(255).reshape(-1, 1, 28, 28)
    labels = torch.frombuffer(bytearray(read_idx(os.path.join(arguments.data_dir, "train-labels-idx1-ubyte.gz"))),
                              dtype=torch.uint8).long()
    images = (images - images.mean()) / images.std()

    model = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_function = nn.CrossEntropyLoss()
    rates = []
    for epoch in range(arguments.epochs):
        generator = torch.Generator().manual_seed(epoch)
        start = time.perf_counter()
        order = torch.randperm(len(labels), generator=generator)
        for first in range(0, len(labels), arguments.batch):
            batch = order[first:first + arguments.batch]
            logits = model(images[batch])
            loss = loss_function(logits, labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        rates.append(len(labels) / seconds)
    if arguments.json:
        print(json.dumps({"model": "lenet5", "threads": arguments.threads, "batch": arguments.batch,
                          "epoch_images_per_second": rates}))
    else:
        for epoch, rate in enumerate(rates, start=1):
            print(f"epoch {epoch}: {rate:.0f} images/s ({arguments.threads} thread(s), batch {arguments.batch})")


if __name__ == "__main__":
    main()
