#!/usr/bin/python3
"""Training and evaluation throughput of the Shears zoo's convolutional networks in PyTorch on the CPU.

Usage: /usr/bin/python3 Scripts/pytorch_convnets_benchmark.py [--models resnet20,vgg16,resnet18,resnet50,lenet5]
           [--threads N] [--batch 128] [--warmup 2] [--steps 5] [--resnet50-size 64] [--seed 3] [--json]

The PyTorch side of `shears-figures convnets`. Per model, on one fixed random batch (10 classes):
  training    forward, cross-entropy, zero gradients, backward, SGD (lr 0.01, momentum 0.9), as Shears' Trainer;
  evaluation  model.eval() and a forward pass under torch.no_grad(), as Shears' Evaluation.
Each runs --warmup untimed steps, then timed ones: --steps for training and EVALUATION_STEPS_PER_STEP times as many
for evaluation (a forward pass is several times quicker, and a few tenths of a second are too short to time on a
shared machine); images/s = timed steps · batch / timed seconds.

The models are built to match the Shears model zoo (Sources/NeuralNetworks) layer for layer:
  resnet20  He et al.'s CIFAR ResNet-20 (3×32×32), zero-padding ("option A") shortcuts     269,722 parameters
  vgg16     torchvision vgg16_bn, CIFAR layout: a 1×1 average pool ends `features`, no adaptive pool,
            one Linear(512, 10) classifier (3×32×32)                                        14,728,266 parameters
  resnet18  torchvision resnet18, CIFAR stem: conv1 3×3 stride 1 pad 1, no max-pool (3×32×32) 11,173,962 parameters
  resnet50  torchvision resnet50, ImageNet stem (7×7 stride 2, max-pool), 3×S×S with S = --resnet50-size
                                                                                            23,528,522 parameters
  lenet5    LeNet-5 as in pytorch_lenet5_benchmark.py (1×28×28)                              61,706 parameters
Initialisation differs from Shears' (it does not matter for speed); the parameter counts are checked.

The thread count must be fixed before torch is imported: Debian's PyTorch uses the pthread OpenBLAS, which reads
OPENBLAS_NUM_THREADS when it loads, and torch.set_num_threads alone does not stop it from using every core.
Needs Debian's python3-torch and python3-torchvision (for /usr/bin/python3).

Prints one line per model; with --json, one JSON object per model on standard output instead
({"model", "threads", "batch", "train_images_per_second", "eval_images_per_second", "peak_rss_mb"}) and the
readable lines on standard error. peak_rss_mb is the process's peak resident set size so far (getrusage
ru_maxrss): it is cumulative, so a model's figure includes every model run before it in the same process.
"""
import argparse
import json
import os
import resource
import sys
import time

# Parameter counts of the Shears models (ModelZoo.make, 10 classes), which the PyTorch models must match.
SHEARS_PARAMETER_COUNTS = {
    "resnet20": 269_722,
    "vgg16": 14_728_266,
    "resnet18": 11_173_962,
    "resnet50": 23_528_522,
    "lenet5": 61_706,
}
DEFAULT_MODELS = ["resnet20", "vgg16", "resnet18", "resnet50"]
CLASSES = 10
# Timed evaluation passes per timed training step (shears-figures uses the same factor).
EVALUATION_STEPS_PER_STEP = 4


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS),
                        help=f"comma-separated, from {', '.join(SHEARS_PARAMETER_COUNTS)} "
                             f"(default {','.join(DEFAULT_MODELS)})")
    parser.add_argument("--threads", type=int, default=available_cores(),
                        help="CPU threads for PyTorch and OpenBLAS (default: all cores of this process)")
    parser.add_argument("--batch", type=int, default=128, help="images per step (default 128)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first, per measurement (default 2)")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per measurement (default 5)")
    parser.add_argument("--resnet50-size", type=int, default=64,
                        help="side of resnet50's square input (default 64)")
    parser.add_argument("--seed", type=int, default=3, help="seeds the weights and the batch")
    parser.add_argument("--json", action="store_true", help="one JSON object per model on standard output")
    arguments = parser.parse_args()
    for name in ("threads", "batch", "warmup", "steps", "resnet50_size"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(arguments, name)}")
    arguments.models = [name.strip().lower() for name in arguments.models.split(",") if name.strip()]
    unknown = [name for name in arguments.models if name not in SHEARS_PARAMETER_COUNTS]
    if unknown or not arguments.models:
        parser.error(f"--models: unknown {', '.join(unknown) or '(empty list)'}; "
                     f"expected a comma-separated list of {', '.join(SHEARS_PARAMETER_COUNTS)}")
    return arguments


def available_cores() -> int:
    """The cores this process may run on (respects taskset / cgroup affinity, unlike os.cpu_count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def build_resnet20(nn, functional):
    """He et al.'s CIFAR ResNet-20: 3×3 stem (16), three stages of three basic blocks (16, 32, 64), zero-padding
    shortcuts, global average pool, fc 64 → 10. Written by hand because torchvision has no option-A ResNet."""

    class ZeroPaddingShortcut(nn.Module):
        """Keeps every second pixel and adds zero channels, half in front and half behind (Shears puts the odd
        one behind)."""

        def __init__(self, before: int, after: int):
            super().__init__()
            self.before, self.after = before, after

        def forward(self, x):
            return functional.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.before, self.after))

    class BasicBlock(nn.Module):
        def __init__(self, in_planes: int, planes: int, stride: int):
            super().__init__()
            self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.shortcut = nn.Identity()
            if stride != 1 or in_planes != planes:
                extra = planes - in_planes
                self.shortcut = ZeroPaddingShortcut(extra // 2, extra - extra // 2)

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + self.shortcut(x))

    class ResNet20(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 16, 3, stride=1, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(16)
            self.relu = nn.ReLU(inplace=True)
            stages, in_planes = [], 16
            for index, planes in enumerate((16, 32, 64)):
                blocks = []
                for block_index in range(3):
                    blocks.append(BasicBlock(in_planes, planes, 2 if index > 0 and block_index == 0 else 1))
                    in_planes = planes
                stages.append(nn.Sequential(*blocks))
            self.layer1, self.layer2, self.layer3 = stages
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(64, CLASSES)

        def forward(self, x):
            x = self.relu(self.bn1(self.conv1(x)))
            x = self.layer3(self.layer2(self.layer1(x)))
            return self.fc(self.avgpool(x).flatten(1))

    return ResNet20()


def build_vgg16(nn):
    """torchvision's vgg16_bn in the CIFAR layout of Shears' VGG: `features` ends with a 1×1 average pool, the
    adaptive 7×7 pool is gone (it would blow the 1×1 map up to 7×7) and the classifier is one Linear(512, 10)."""
    from torchvision import models

    model = models.vgg16_bn(weights=None)
    model.features.append(nn.AvgPool2d(kernel_size=1, stride=1))
    model.avgpool = nn.Identity()
    model.classifier = nn.Linear(512, CLASSES)
    return model


def build_resnet18(nn):
    """torchvision's resnet18 with the CIFAR stem of Shears' ResNet: conv1 3×3 stride 1 pad 1, no max-pool."""
    from torchvision import models

    model = models.resnet18(weights=None, num_classes=CLASSES)
    model.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


def build_resnet50():
    """torchvision's resnet50 unchanged (ImageNet stem), with 10 classes."""
    from torchvision import models

    return models.resnet50(weights=None, num_classes=CLASSES)


def build_lenet5(nn):
    """LeNet-5 as in the Shears zoo and pytorch_lenet5_benchmark.py."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, CLASSES),
    )


def build_model(name: str, arguments: argparse.Namespace):
    """The model `name` and its input shape (channels, height, width)."""
    from torch import nn
    from torch.nn import functional

    if name == "resnet20":
        return build_resnet20(nn, functional), (3, 32, 32)
    if name == "vgg16":
        return build_vgg16(nn), (3, 32, 32)
    if name == "resnet18":
        return build_resnet18(nn), (3, 32, 32)
    if name == "resnet50":
        return build_resnet50(), (3, arguments.resnet50_size, arguments.resnet50_size)
    if name == "lenet5":
        return build_lenet5(nn), (1, 28, 28)
    raise ValueError(f"unknown model {name}")


def images_per_second(step, batch: int, warmup: int, steps: int) -> float:
    """Runs `step` `warmup` times untimed and `steps` times timed; images per second over the timed steps."""
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * batch / (time.perf_counter() - start)


def measure(model, images, labels, arguments: argparse.Namespace) -> tuple:
    """Training and evaluation images/s of `model` on the batch (`images`, `labels`)."""
    import torch
    from torch import nn

    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_function = nn.CrossEntropyLoss()

    def train_step() -> None:
        logits = model(images)
        loss = loss_function(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def eval_step() -> None:
        model(images)

    model.train()
    train = images_per_second(train_step, arguments.batch, arguments.warmup, arguments.steps)
    model.eval()
    with torch.no_grad():
        evaluation = images_per_second(eval_step, arguments.batch, arguments.warmup,
                                       EVALUATION_STEPS_PER_STEP * arguments.steps)
    return train, evaluation


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB (ru_maxrss is in KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def parameter_note(name: str, count: int) -> str:
    """The parameter count next to Shears', flagged when they differ."""
    expected = SHEARS_PARAMETER_COUNTS[name]
    if count == expected:
        return f"{count:,} parameters (= Shears)"
    return f"{count:,} parameters (MISMATCH: Shears has {expected:,})"


def run_model(name: str, arguments: argparse.Namespace) -> None:
    """Builds, measures and reports one model."""
    import torch

    model, input_shape = build_model(name, arguments)
    count = sum(parameter.numel() for parameter in model.parameters())
    generator = torch.Generator().manual_seed(arguments.seed)
    images = torch.rand(arguments.batch, *input_shape, generator=generator)
    labels = torch.randint(0, CLASSES, (arguments.batch,), generator=generator)
    train, evaluation = measure(model, images, labels, arguments)
    peak = peak_rss_mb()

    shape = "×".join(str(side) for side in input_shape)
    line = (f"{name:<9} {shape:>8}  threads {arguments.threads}  batch {arguments.batch}  "
            f"train {train:8.1f} images/s  eval {evaluation:8.1f} images/s  {parameter_note(name, count)}  "
            f"peak RSS so far {peak:.0f} MiB")
    if arguments.json:
        print(line, file=sys.stderr, flush=True)
        print(json.dumps({"model": name, "threads": arguments.threads, "batch": arguments.batch,
                          "train_images_per_second": round(train, 2), "eval_images_per_second": round(evaluation, 2),
                          "peak_rss_mb": round(peak, 1)}), flush=True)
    else:
        print(line, flush=True)
    if count != SHEARS_PARAMETER_COUNTS[name]:
        print(f"warning: {name} does not match the Shears model; its figures are not comparable", file=sys.stderr)


def main() -> None:
    arguments = parse_arguments()
    # Before importing torch (see the module docstring).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(arguments.threads)
    import torch

    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)
    header = (f"PyTorch {torch.__version__}, {arguments.threads} thread(s) (torch.get_num_threads() = "
              f"{torch.get_num_threads()}), batch {arguments.batch}, {arguments.warmup} warm-up + "
              f"{arguments.steps} timed training steps, {EVALUATION_STEPS_PER_STEP * arguments.steps} timed evaluation passes")
    print(header, file=sys.stderr if arguments.json else sys.stdout, flush=True)
    for name in arguments.models:
        run_model(name, arguments)


if __name__ == "__main__":
    main()
