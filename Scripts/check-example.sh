#!/usr/bin/env bash
# Proves that a package of its own can add a pruning method and a constraint to the whole command line: builds
# Examples/CustomMethod (which depends on this repository by relative path), checks that `shears-custom methods`
# lists its method `grad-saliency` beside the built-ins and its constraint `row-balanced`, runs `shears-custom
# compare` of slr against grad-saliency on the synthetic task with an mlp and tiny budgets, checking that the
# reports are written and name both methods, and runs a comparison under `--constraint row-balanced`.
# Then, in a throw-away copy of the example (pointed at this repository by absolute path), runs
# `swift package new-pruning-method TopK` and checks that the scaffolded method builds, passes its tests and is
# listed by shears-custom. Exit status 0 only if every step passed. Two clean debug builds: several minutes.
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

step "shears-custom compare with the package's constraint (--constraint row-balanced)"
grep -q "^row-balanced " "$work/methods.txt" || fail "shears-custom methods does not list the constraint row-balanced"
"$bin" compare --methods magnitude,grad-saliency --constraint row-balanced --sparsity 0.8 --dataset synthetic \
    --model mlp --out "$work/compare-rows" --pretrain-epochs 1 --method-epochs 1 --retrain-epochs 1 \
    --loss-subset 256 --threads 2 --json > "$work/rows.json"
grep -q "row-balanced" "$work/compare-rows/report.json" || fail "the report does not name the constraint row-balanced"

step "new-pruning-method TopK in a copy of the example"
copy="$work/CustomMethod"
mkdir -p "$copy"
(cd "$example" && tar --exclude=.build --exclude=.swiftpm -cf - .) | tar -C "$copy" -xf -
sed -i.orig "s|path: \"../..\"|path: \"$root\"|" "$copy/Package.swift" && rm -f "$copy/Package.swift.orig"
grep -q "path: \"$root\"" "$copy/Package.swift" || fail "could not point the copy at $root"
"$swift" package --package-path "$copy" --allow-writing-to-package-directory new-pruning-method TopK
grep -q "TopKPruning.registration" "$copy/Sources/shears-custom/main.swift" || fail "TopK is not registered in the catalog"
"$swift" build --package-path "$copy"
"$swift" test --package-path "$copy" --filter TopKPruningTests 2>&1 | tee "$work/scaffold-test.log"
grep -Eq "Test run with [1-9][0-9]* tests? .*passed" "$work/scaffold-test.log" || fail "no passing test run for TopKPruningTests"
"$("$swift" build --package-path "$copy" --show-bin-path)/shears-custom" methods | grep -q "^top-k " \
    || fail "shears-custom of the copy does not list top-k"

step "check-example: OK (shears-custom lists and compares its own method and constraint; the scaffold works in the package)"
