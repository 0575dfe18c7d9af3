#!/usr/bin/python3
"""LeNet-5 training-step throughput in PyTorch on the CPU, for comparison with `shears-figures lenet5`.

Usage: /usr/bin/python3 Scripts/pytorch_lenet5_benchmark.py [--threads N] [--batch 128] [--warmup 20] [--steps 200]

The same step as Shears' Trainer: forward, cross-entropy, zero gradients, backward, SGD (lr 0.01, momentum 0.9),
on one fixed random batch of Fashion-MNIST shape (N×1×28×28, 10 classes). LeNet-5 as in the Shears model zoo:
conv1 1→6 5×5 pad 2, ReLU, max-pool 2; conv2 6→16 5×5, ReLU, max-pool 2; fc 400→120→84→10.

The thread count must be fixed before torch is imported: Debian's PyTorch uses the pthread OpenBLAS, which reads
OPENBLAS_NUM_THREADS when it loads, and torch.set_num_threads alone does not stop it from using every core.
Needs Debian's python3-torch (for /usr/bin/python3). Prints images/s.
"""
import argparse
import os
import sys
import time


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for PyTorch and OpenBLAS (default 1)")
    parser.add_argument("--batch", type=int, default=128, help="images per step (default 128)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps first (default 20)")
    parser.add_argument("--steps", type=int, default=200, help="timed steps (default 200)")
    parser.add_argument("--seed", type=int, default=3, help="seeds the weights and the batch")
    arguments = parser.parse_args()
    for name in ("threads", "batch", "warmup", "steps"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(arguments, name)}")
    return arguments


def main() -> None:
    arguments = parse_arguments()
    # Before importing torch (see the module docstring).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(arguments.threads)
    import torch
    from torch import nn

    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)

    model = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_function = nn.CrossEntropyLoss()
    images = torch.rand(arguments.batch, 1, 28, 28)
    labels = torch.randint(0, 10, (arguments.batch,))

    def step() -> float:
        logits = model(images)
        loss = loss_function(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(arguments.warmup):
        step()
    step_seconds = []
    start = time.perf_counter()
    for _ in range(arguments.steps):
        step_start = time.perf_counter()
        step()
        step_seconds.append(time.perf_counter() - step_start)
    total = time.perf_counter() - start
    step_seconds.sort()
    median = step_seconds[len(step_seconds) // 2]
    fastest = step_seconds[0]
    images_per_second = arguments.steps * arguments.batch / total
    print(f"PyTorch {torch.__version__} LeNet-5 training, batch {arguments.batch}, SGD momentum 0.9, "
          f"{arguments.threads} thread(s) (torch.get_num_threads() = {torch.get_num_threads()})")
    print(f"{images_per_second:.0f} images/s over {arguments.steps} steps after {arguments.warmup} warm-up steps; "
          f"median step {median * 1000:.2f} ms → {arguments.batch / median:.0f} images/s; "
          f"fastest step {fastest * 1000:.2f} ms → {arguments.batch / fastest:.0f} images/s")
    if sys.platform.startswith("linux"):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    print(f"peak RSS (VmHWM): {int(line.split()[1]) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
