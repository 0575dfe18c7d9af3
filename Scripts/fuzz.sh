#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (address sanitizer + fuzzer coverage, release configuration with
# testability on so that the targets' testable imports work), writes the seed corpora and runs one target or all
# of them, one at a time.
#
# Usage: Scripts/fuzz.sh TARGET|all [--runs N | --seconds S] [--debug] [--no-build] [-- LIBFUZZER_FLAGS...]
#        Scripts/fuzz.sh TARGET --reproduce FILE... [--debug] [--no-build]
#   TARGET      idx, cifar, safetensors, experiment or checkpoint (the `fuzz-` prefix is optional)
#   --runs N    stop after N executions (libFuzzer -runs)
#   --seconds S stop after S seconds (libFuzzer -max_total_time); the default is --seconds 60
#   --debug     use the debug configuration: 2-5x slower, but a failed precondition prints its message
#   --no-build  use the binaries of the last build
#   --reproduce run the target once on each FILE and say whether it was accepted, refused (with the error) or
#               crashed (with the runtime failure and the top of the stack)
#
# Each input gets at most 10 s (-timeout) and the process 2 GB (-rss_limit_mb, -malloc_limit_mb), so a hang or
# an unbounded allocation is a finding like a crash. Thrown errors are not findings. The corpus lives in
# Fuzz/.corpus/<target>/ (seeds/ is regenerated, found/ keeps what libFuzzer adds), a crashing input is saved in
# Fuzz/.artifacts/<target>/ and the run's log next to it. Exit status: 0 when no target found anything,
# 1 when one did, 2 for a usage or build error. Fuzz/README.md says how to reproduce a crash.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
swift="${SWIFT:-swift}"
fuzz="$root/Fuzz"
all_targets=(idx cifar safetensors experiment checkpoint)

usage() { sed -n '6,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
selection="$1"; shift
limit=(-max_total_time=60)
build=1
configuration=release
extra=()
reproduce=()
while [ $# -gt 0 ]; do
    case "$1" in
        --reproduce) shift
            while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do reproduce+=("$1"); shift; done
            [ ${#reproduce[@]} -gt 0 ] || usage ;;
        --runs) [ $# -ge 2 ] || usage; limit=(-runs="$2"); shift 2 ;;
        --seconds) [ $# -ge 2 ] || usage; limit=(-max_total_time="$2"); shift 2 ;;
        --no-build) build=0; shift ;;
        --debug) configuration=debug; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) usage ;;
        *) echo "fuzz.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

if [ "$selection" = all ]; then
    targets=("${all_targets[@]}")
else
    name="${selection#fuzz-}"
    case " ${all_targets[*]} " in
        *" $name "*) targets=("$name") ;;
        *) echo "fuzz.sh: unknown target '$selection', expected one of: ${all_targets[*]} or all" >&2; exit 2 ;;
    esac
fi

# -sanitize=fuzzer,address reaches only Swift code (-Xswiftc): the main package's C kernels are built as usual.
# Release (-O) runs the targets 1.7-5x faster than debug (Fuzz/README.md has the measurements); -enable-testing
# keeps internal symbols visible to the targets' @testable imports. Traps are still caught with the failure
# ("Swift runtime failure: Index out of range") and file:line in the stack; only a failed precondition's own
# message is dropped by -O (fatalError keeps it), which --debug brings back.
build_flags=(--package-path "$fuzz" -c "$configuration" -Xswiftc -sanitize=fuzzer,address)
[ "$configuration" = release ] && build_flags+=(-Xswiftc -enable-testing)
if [ "$build" = 1 ]; then
    echo "== building the fuzz targets ($configuration, -sanitize=fuzzer,address)"
    build_log="$(mktemp)"
    if ! "$swift" build "${build_flags[@]}" >"$build_log" 2>&1; then
        # ld.gold warns "Cannot export local symbol __asan_..." for every module; those lines are noise.
        grep -v "Cannot export local symbol" "$build_log" | tail -40 >&2
        rm -f "$build_log"
        echo "fuzz.sh: the build failed" >&2
        exit 2
    fi
    rm -f "$build_log"
fi
bin="$("$swift" build "${build_flags[@]}" --show-bin-path)" || exit 2

# fuzz-checkpoint writes every input to scratch files in $TMPDIR; on a disk that costs ~20x in executions per
# second against a RAM file system, so the targets get /dev/shm when there is one (set SHEARS_FUZZ_TMPDIR to
# choose another folder).
scratch_tmp="${SHEARS_FUZZ_TMPDIR:-}"
if [ -z "$scratch_tmp" ]; then
    scratch_tmp="${TMPDIR:-/tmp}"
    [ -d /dev/shm ] && [ -w /dev/shm ] && scratch_tmp=/dev/shm
fi

# Runs a fuzz binary ("$@") with that $TMPDIR, then removes its scratch folder (shears-fuzz-<pid>): the harness
# removes it at a normal exit, but a crash skips that, and /dev/shm is memory.
run_fuzzer() {
    local pid_file pid status
    pid_file="$(mktemp)"
    # exec keeps the process id that the shell writes down.
    TMPDIR="$scratch_tmp" bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@"
    status=$?
    pid="$(cat "$pid_file")"
    rm -f "$pid_file"
    [ -n "$pid" ] && rm -rf "$scratch_tmp/shears-fuzz-$pid"
    return "$status"
}

# Foundation leaks a little on some failed reads; leaks are not what these targets look for.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# Swift's own crash backtracer fights the sanitizer's signal handling; libFuzzer's report names the Swift
# runtime failure ("arithmetic overflow", "Index out of range") and prints the stack itself.
export SWIFT_BACKTRACE=enable=no

# The failure line and the top of the crashing stack of a libFuzzer log, without libFuzzer's and the
# sanitizer's own frames, demangled. In the release configuration a Swift trap prints no "Fatal error" line; the
# runtime failure it was is the name of the top Swift frame ("in Swift runtime failure: arithmetic overflow").
crash_report() {
    grep -E "^(==[0-9]+== ?ERROR|SUMMARY: )|Fatal error: " "$1" | head -5
    grep -m1 -oE "in Swift runtime failure: .*[^ ]" "$1" | sed -E 's|^in (Swift runtime failure: .*) /<compiler-generated>$|\1|'
    grep -E "^ +#[0-9]+ 0x" "$1" | grep -vE "compiler-rt|libc\.so|fuzzer::|__sanitizer" | head -12 \
        | "$swift" demangle --simplified
}

if [ ${#reproduce[@]} -gt 0 ]; then
    [ ${#targets[@]} -eq 1 ] || { echo "fuzz.sh: --reproduce needs one target, not all" >&2; exit 2; }
    status=0
    for file in "${reproduce[@]}"; do
        echo "== $file"
        log="$(mktemp)"
        if SHEARS_FUZZ_VERBOSE=1 run_fuzzer "$bin/fuzz-${targets[0]}" -timeout=10 -rss_limit_mb=2048 \
            -malloc_limit_mb=2048 -detect_leaks=0 "$file" >"$log" 2>&1; then
            grep -E "^(accepted|refused: )" "$log"
        else
            status=1
            echo "CRASHED:"
            crash_report "$log"
        fi
        rm -f "$log"
    done
    exit "$status"
fi

command -v python3 >/dev/null || { echo "fuzz.sh: python3 is needed to write the seed corpora" >&2; exit 2; }
python3 "$fuzz/make_seeds.py" "$fuzz/.corpus" "$root" || exit 2

# Inputs longer than any useful file only slow the search; CIFAR needs room for three 3073-byte records.
max_len() {
    case "$1" in
        cifar) echo 9300 ;;
        checkpoint|experiment) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

failed=()
summary=()
for target in "${targets[@]}"; do
    name="fuzz-$target"
    corpus="$fuzz/.corpus/$name"
    artifacts="$fuzz/.artifacts/$name"
    mkdir -p "$corpus/found" "$artifacts"
    log="$artifacts/last-run.log"
    dict=()
    [ -f "$fuzz/dictionaries/$name.dict" ] && dict=(-dict="$fuzz/dictionaries/$name.dict")
    echo "== $name (${limit[*]})"
    before="$(ls "$artifacts" | grep -v '^last-run.log$' | sort)"
    run_fuzzer "$bin/$name" "$corpus/found" "$corpus/seeds" "${limit[@]}" "${dict[@]}" \
        -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$artifacts/" "${extra[@]}" >"$log" 2>&1
    status=$?
    # The final stats: "Done N runs in S second(s)" and the stat:: lines.
    grep -E "^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log"
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    if [ -z "$runs" ]; then
        # -fork mode prints no stat:: lines; its last status line "#N: cov: ... time: Ss" has the count.
        runs="$(sed -nE 's/^#([0-9]+): cov:.*/\1/p' "$log" | tail -1)"
        seconds="$(sed -nE 's/^#[0-9]+: cov:.* time: ([0-9]+)s.*/\1/p' "$log" | tail -1)"
        [ -n "$runs" ] && [ -n "$seconds" ] && [ "$seconds" -gt 0 ] && rate=$((runs / seconds))
    fi
    new="$(comm -13 <(echo "$before") <(ls "$artifacts" | grep -v '^last-run.log$' | sort))"
    if [ "$status" -ne 0 ] || [ -n "$new" ]; then
        failed+=("$name")
        summary+=("$name: FOUND A PROBLEM after ${runs:-?} runs (exit $status)")
        echo "!! $name: libFuzzer stopped with status $status; the report:"
        crash_report "$log"
        for file in $new; do
            echo "!! crashing input: $artifacts/$file"
            # CI machines vanish with their files: small inputs go into the log too (base64 -d to restore).
            [ "$(wc -c <"$artifacts/$file")" -le 4096 ] && echo "!!   base64: $(base64 -w0 "$artifacts/$file")"
        done
        echo "!! full log: $log"
    else
        summary+=("$name: no crash in ${runs:-?} runs (${rate:-?} exec/s)")
    fi
done

echo "---- fuzz summary ----"
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || exit 1
