#!/usr/bin/env bash
# Proves that a package of its own can add a pruning method to the whole command line: builds
# Examples/CustomMethod (which depends on this repository by relative path), checks that `shears-custom methods`
# lists its method `grad-saliency` beside the built-ins, and runs `shears-custom compare` of slr against it on the
# synthetic task with an mlp and tiny budgets, checking that the reports are written and name both methods.
# Exit status 0 only if every step passed. A clean debug build of the example: a few minutes.
#
# Usage: Scripts/check-example.sh     (SWIFT=/path/to/swift to use another toolchain)
set -euo pipefail

swift="${SWIFT:-swift}"
root="$(cd "$(dirname "$0")/.." && pwd)"
example="$root/Examples/CustomMethod"
work="$(mktemp -d "${TMPDIR:-/tmp}/shears-example.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'check-example: FAILED: %s\n' "$*" >&2; exit 1; }

step "swift build (Examples/CustomMethod)"
"$swift" build --package-path "$example"
bin="$("$swift" build --package-path "$example" --show-bin-path)/shears-custom"

step "shears-custom methods"
"$bin" methods | tee "$work/methods.txt"
for method in slr admm magnitude layerwise grad-saliency; do
    grep -q "^$method " "$work/methods.txt" || fail "shears-custom methods does not list $method"
done

step "shears-custom compare --methods slr,grad-saliency (synthetic, mlp, tiny budgets)"
out="$work/compare"
"$bin" compare --methods slr,grad-saliency --dataset synthetic --model mlp --out "$out" \
    --pretrain-epochs 1 --method-epochs 1 --retrain-epochs 1 --loss-subset 256 --threads 2
for report in report.json report.csv report.md report.html; do
    [ -s "$out/$report" ] || fail "$out/$report was not written"
done
grep -q "grad-saliency" "$out/report.md" || fail "the report does not name grad-saliency"
grep -q "slr" "$out/report.md" || fail "the report does not name slr"

step "check-example: OK (shears-custom lists and compares its own method)"
