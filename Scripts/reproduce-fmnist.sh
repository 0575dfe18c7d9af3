#!/usr/bin/env bash
# Reproduces docs/results.md: LeNet-5 on Fashion-MNIST, one dense checkpoint, then SLR, ADMM and magnitude at
# 90 % and 97 % unstructured per-layer sparsity with the same budgets (10 method epochs, 6 retraining epochs),
# following the protocol of the PyTorch reference run. Usage: Scripts/reproduce-fmnist.sh [OUTPUT_DIR]
# Run again, it keeps the dense checkpoint and replaces the pruned runs (--overwrite) on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/fmnist}
swift build -c release --product shears >/dev/null
shears=.build/release/shears
mkdir -p "$out"

[ -f "$out/dense/model.safetensors" ] ||
  $shears train --model lenet5 --dataset fashion-mnist --epochs 10 --batch-size 128 --lr 0.05 --seed 0 --out "$out/dense"
dense="$out/dense/model.safetensors"

# Issue #3's figure: one-shot magnitude at 90 % and 3 retraining epochs (lr chosen on a validation split).
$shears prune --method magnitude --sparsity 0.9 --weights "$dense" --retrain-epochs 3 --retrain-lr 0.05 --retrain-cosine \
  --out "$out/magnitude-0.9-3epochs" --overwrite

for sparsity in 0.9 0.97; do
  $shears prune --method magnitude --sparsity $sparsity --weights "$dense" --retrain-epochs 6 --out "$out/magnitude-$sparsity" --overwrite
  for method in slr admm; do
    $shears prune --method $method --sparsity $sparsity --weights "$dense" --method-epochs 10 --retrain-epochs 6 \
      --rho 0.1 --eval-hard-pruned --out "$out/$method-rho0.1-$sparsity" --overwrite
    $shears prune --method $method --sparsity $sparsity --weights "$dense" --method-epochs 10 --retrain-epochs 6 \
      --rho 0.01 --rho-schedule geometric:1.3 --eval-hard-pruned --out "$out/$method-rhogrow-$sparsity" --overwrite
  done
done
