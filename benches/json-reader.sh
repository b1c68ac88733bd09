#!/usr/bin/env bash
# The crate's own JSON reader (src/json.rs) against serde_json, for the same job: read a
# notification body and print its EventName. Each as a tiny release binary built clean in a
# scratch directory, one after the other, in one run: build seconds and stripped size.
# Usage: benches/json-reader.sh [rounds]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-2}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/own/src" "$scratch/serde/src"
printf '[package]\nname = "own"\nversion = "0.1.0"\nedition = "2024"\n[workspace]\n[profile.release]\nstrip = true\n' >"$scratch/own/Cargo.toml"
printf '[package]\nname = "serdej"\nversion = "0.1.0"\nedition = "2024"\n[workspace]\n[dependencies]\nserde_json = "1"\n[profile.release]\nstrip = true\n' >"$scratch/serde/Cargo.toml"
sed '/^#\[cfg(test)\]/,$d' "$here/src/json.rs" >"$scratch/own/src/json.rs"
cat >"$scratch/own/src/main.rs" <<'RS'
mod json;
fn main() {
    let body = std::fs::read(std::env::args().nth(1).unwrap()).unwrap();
    let doc = json::Json::parse(&body).unwrap();
    println!("{}", doc.get("EventName").and_then(json::Json::as_str).unwrap_or(""));
}
RS
cat >"$scratch/serde/src/main.rs" <<'RS'
fn main() {
    let body = std::fs::read(std::env::args().nth(1).unwrap()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    println!("{}", doc.get("EventName").and_then(|v| v.as_str()).unwrap_or(""));
}
RS
for round in $(seq "$rounds"); do
    for crate in own serde; do
        rm -rf "$scratch/$crate/target"
        s=$(date +%s.%N)
        (cd "$scratch/$crate" && cargo build --release -q)
        e=$(date +%s.%N)
        bin=$(ls "$scratch/$crate/target/release/own" "$scratch/$crate/target/release/serdej" 2>/dev/null | head -1)
        echo "round $round: $crate built in $(echo "$e - $s" | bc) s, $(stat -c %s "$bin") bytes"
    done
done
