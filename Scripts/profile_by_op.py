#!/usr/bin/env python3
"""Groups a `perf report` of a Shears run by operation type, for the before/after profiles in BENCHMARKS.md.

Usage:
  perf record -o step.data .build/release/shears train --model resnet18 --dataset cifar10 --data-dir DIR --epochs 1 --threads 1 --out OUT
  perf report -i step.data --no-children --sort symbol --stdio | Scripts/profile_by_op.py

Reads the report on standard input and prints one Markdown row per operation type with its share of the samples.
The patterns match the engine's function names (Swift-mangled names contain the Swift identifiers) and the
OpenBLAS kernels; anything unmatched is "other".
"""
import re
import sys

# (label, pattern) in order: the first match wins.
CATEGORIES = [
    ("GEMM (OpenBLAS kernels and packing)", r"sgemm|saxpy|sger|ssyrk"),
    ("im2col / col2im", r"im2col|col2im"),
    ("Winograd transforms", r"Winograd|winograd|input_plane|output_plane|gradient_plane"),
    ("batch norm", r"batchNorm|channelMeanAndVariance|sum_and_centered_dot|normalization_gradient|scale_shift|"
                   r"sum_squared_deviations|\bsum_avx|\bsum_baseline|channelGradientSums"),
    ("ReLU, residual add", r"relu|rectified|elementwiseSum|\badd_avx|\badd_baseline|zipMap"),
    ("pooling", r"[Pp]ool"),
    ("copies, zero fill, page faults, allocation", r"memset|memcpy|memmove|clear_page|page_fault|malloc|free|"
                                                   r"copyFloats|swift_slowAlloc|posix_memalign"),
    ("thread hand-offs (scheduler)", r"schedule|sched_yield|futex|finish_task_switch"),
]


def main() -> None:
    shares = {label: 0.0 for label, _ in CATEGORIES}
    shares["other"] = 0.0
    for line in sys.stdin:
        match = re.match(r"\s*([0-9.]+)%\s+\[[.k]\]\s+(\S+)", line)
        if not match:
            continue
        percent, symbol = float(match.group(1)), match.group(2)
        label = next((label for label, pattern in CATEGORIES if re.search(pattern, symbol)), "other")
        shares[label] += percent
    print("| operation type | share of samples |")
    print("|---|---:|")
    for label, share in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"| {label} | {share:.1f} % |")


if __name__ == "__main__":
    main()
