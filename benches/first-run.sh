#!/usr/bin/env bash
# The README's first command against the library's own clean build, measured the same way:
# each in a fresh target directory, one after the other, in one run (the ratio is the
# figure; seconds depend on the machine). Usage: benches/first-run.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for round in $(seq "$rounds"); do
    lib=$(CARGO_TARGET_DIR="$scratch/lib-$round" seconds cargo build --lib)
    first=$(CARGO_TARGET_DIR="$scratch/first-$round" seconds cargo run -p quickstart)
    echo "round $round: cargo build --lib ${lib}s, cargo run -p quickstart ${first}s, ratio $(echo "scale=2; $first / $lib" | bc)"
done
