#!/usr/bin/env bash
# Proves that `swift package new-pruning-method NAME` leaves a package that builds and whose new tests pass.
#
# Copies the repository's files (tracked and untracked, not ignored: no .build) into a throw-away folder, checks
# that bad names are refused without touching anything, scaffolds NAME (default ScaffoldCheck), checks that a
# second run is refused, then runs `swift build` and `swift test --filter <Name>PruningTests` there. The folder
# is deleted at the end. Exit status 0 only if every step passed. A clean debug build: several minutes.
#
# Usage: Scripts/check-scaffold.sh [NAME]     (SWIFT=/path/to/swift to use another toolchain)
set -euo pipefail

name="${1:-ScaffoldCheck}"
swift="${SWIFT:-swift}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/shears-scaffold.XXXXXX")"
trap 'rm -rf "$work"' EXIT
copy="$work/Shears"
mkdir -p "$copy"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'check-scaffold: FAILED: %s\n' "$*" >&2; exit 1; }

step "copying $root to a temporary folder"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) \
    | tar -C "$root" --null --ignore-failed-read -T - -cf - | tar -C "$copy" -xf -
cd "$copy"

edited=(Package.swift Sources/Shears/BuiltInMethods.swift Sources/Shears/Shears.swift)
fingerprint() { cat "${edited[@]}" | cksum; ls Sources Tests | cksum; }
plugin() { "$swift" package --allow-writing-to-package-directory new-pruning-method "$@"; }

step "bad names are refused and change nothing"
before="$(fingerprint)"
for bad in 9Lives "has-dash" Magnitude ""; do
    if plugin "$bad" >"$work/bad.log" 2>&1; then
        cat "$work/bad.log"; fail "new-pruning-method accepted the name '$bad'"
    fi
    grep -q "new-pruning-method:" "$work/bad.log" || { cat "$work/bad.log"; fail "no clear error for '$bad'"; }
    [ "$(fingerprint)" = "$before" ] || fail "a refused name '$bad' changed the package"
    echo "refused '$bad': $(grep -m1 -o 'new-pruning-method:.*' "$work/bad.log")"
done

step "scaffolding $name"
plugin "$name"
module="${name^}"
module="${module%Pruning}Pruning"
for file in "Sources/$module/$module.swift" "Tests/${module}Tests/${module}Tests.swift"; do
    [ -f "$file" ] || fail "$file was not created"
done
grep -q "\"$module\"" Package.swift || fail "Package.swift does not mention $module"
grep -q "$module.registration" Sources/Shears/BuiltInMethods.swift || fail "$module is not registered"
grep -q "@_exported import $module" Sources/Shears/Shears.swift || fail "$module is not re-exported"

step "a second run with the same name is refused and changes nothing"
before="$(fingerprint)"
if plugin "$name" >"$work/again.log" 2>&1; then cat "$work/again.log"; fail "the scaffold overwrote $module"; fi
[ "$(fingerprint)" = "$before" ] || fail "the refused second run changed the package"
echo "refused: $(grep -m1 -o 'new-pruning-method:.*' "$work/again.log")"

step "swift build"
"$swift" build

step "swift test --filter ${module}Tests"
"$swift" test --filter "${module}Tests" 2>&1 | tee "$work/test.log"
grep -Eq "Test run with [1-9][0-9]* tests? .*passed" "$work/test.log" || fail "no passing test run for ${module}Tests"

step "check-scaffold: OK ($module builds, registers and passes its tests)"
