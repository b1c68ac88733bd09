#!/usr/bin/env bash
# Footprint, measured in one run on one machine:
#   1. crates in the normal dependency tree with default features;
#   2. a clean debug build of a program creating one batch job with this crate, next to a
#      clean debug build of the same program with reqwest (blocking, rustls) + quick-xml +
#      serde (benches/footprint/baseline), alternating, three times each (median);
#   3. the stripped size of that program's release build, and the peak memory of one run
#      against the emulator (/usr/bin/time -v);
#   4. the command-line tool (feature `cli`): its stripped release binary, and a clean release
#      build of it next to a clean release build of the library alone, alternating, three
#      times each (median).
# Usage: benches/footprint/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SCRATCH="${FOOTPRINT_SCRATCH:-$(mktemp -d)}"
echo "scratch: $SCRATCH"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(rustc --version)"

DEPS=$(cargo tree -e normal --prefix none | sed 's/ (\*)$//' | sort -u | grep -v '^cos-ci-batch ' | wc -l)
echo "normal dependencies (default features): $DEPS crates (target <= 45)"

# Fetch first so that no build below includes downloading.
for dir in minimal baseline; do
    (cd "benches/footprint/$dir" && cargo fetch --quiet)
done

# Seconds for a clean build in $2 of the package in $1, with cargo's further arguments.
build_secs() {
    local dir=$1 target=$2
    shift 2
    rm -rf "$target"
    local start end
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo build --quiet --offline "$@")
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

OURS=()
THEIRS=()
for round in 1 2 3; do
    OURS+=("$(build_secs benches/footprint/minimal "$SCRATCH/t-ours")")
    THEIRS+=("$(build_secs benches/footprint/baseline "$SCRATCH/t-baseline")")
    echo "  round $round: cos-ci-batch ${OURS[-1]} s, reqwest+quick-xml+serde ${THEIRS[-1]} s"
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
MO=$(median "${OURS[@]}")
MT=$(median "${THEIRS[@]}")
echo "clean debug build, median of 3: cos-ci-batch ${MO} s, baseline ${MT} s, ratio $(awk -v a="$MO" -v b="$MT" 'BEGIN { printf "%.3f", a / b }') (target <= 0.35)"

(cd benches/footprint/minimal && CARGO_TARGET_DIR="$SCRATCH/t-release" cargo build --quiet --release --offline)
BIN="$SCRATCH/t-release/release/cos-ci-batch-minimal"
SIZE=$(stat -c %s "$BIN")
echo "release binary, stripped (lto, codegen-units=1): $SIZE bytes = $(awk -v s="$SIZE" 'BEGIN { printf "%.2f", s / 1048576 }') MiB (target <= 3 MB)"

cargo build --quiet --release --features cli --bin cos-ci-batch
LOG="$SCRATCH/emulator.log"
target/release/cos-ci-batch emulator >"$LOG" &
EMU_PID=$!
trap 'kill $EMU_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "secret key" "$LOG" && break; sleep 0.1; done
ENDPOINT=$(awk '/^endpoint / {print $2}' "$LOG")
ID=$(awk '/^secret id / {print $3}' "$LOG")
KEY=$(awk '/^secret key / {print $3}' "$LOG")
/usr/bin/time -v "$BIN" "$ENDPOINT" "$ID" "$KEY" 2>"$SCRATCH/time.txt"
RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$SCRATCH/time.txt")
echo "peak memory creating one batch job: ${RSS} KiB"
cd "$ROOT"

cargo fetch --quiet
LIB=()
CLI=()
for round in 1 2 3; do
    LIB+=("$(build_secs . "$SCRATCH/t-lib" --release --lib)")
    CLI+=("$(build_secs . "$SCRATCH/t-cli" --release --features cli --bin cos-ci-batch)")
    echo "  round $round: library ${LIB[-1]} s, with the tool ${CLI[-1]} s"
done
ML=$(median "${LIB[@]}")
MC=$(median "${CLI[@]}")
echo "clean release build, median of 3: library ${ML} s, with --features cli ${MC} s, ratio $(awk -v a="$MC" -v b="$ML" 'BEGIN { printf "%.3f", a / b }') (target <= 1.3)"
TOOL=$(stat -c %s "$SCRATCH/t-cli/release/cos-ci-batch")
echo "command-line tool, release (the profile strips it): $TOOL bytes = $(awk -v s="$TOOL" 'BEGIN { printf "%.2f", s / 1048576 }') MiB (target <= 3 MB)"
