#!/usr/bin/env bash
# Side by side with the official SDKs, in one run on one machine:
#   1. installs cos-python-sdk-v5 and cos-nodejs-sdk-v5 in a scratch directory;
#   2. starts this crate's emulator (release build) on loopback;
#   3. runs the same work with this crate, the Python SDK and the Node SDK, one after another:
#      signing a create request N times in-process, and N/4 sequential describe calls;
#   4. prints each figure and the ratio to this crate.
# Usage: benches/sdk-compare/run.sh [N]   (default N=2000)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-2000}"
SCRATCH="${SDK_COMPARE_SCRATCH:-$(mktemp -d)}"
echo "scratch: $SCRATCH"

pip install --quiet --disable-pip-version-check --target "$SCRATCH/py" cos-python-sdk-v5==1.9.44 >/dev/null
npm install --silent --no-audit --no-fund --prefix "$SCRATCH/node" cos-nodejs-sdk-v5@3.0.0 >/dev/null

cargo build --quiet --release --features cli --bin cos-ci-batch
cargo bench --quiet --no-run --bench sdk_compare --features emulator 2>/dev/null
RUST_BIN=$(ls -t target/release/deps/sdk_compare-* | grep -v '\.d$' | head -1)

LOG="$SCRATCH/emulator.log"
target/release/cos-ci-batch emulator --workflow w0123456789abcdef0123456789abcdef >"$LOG" &
EMU_PID=$!
trap 'kill $EMU_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "secret key" "$LOG" && break; sleep 0.1; done

export SDK_COMPARE_N="$N"
export SDK_COMPARE_ENDPOINT=$(awk '/^endpoint / {print $2}' "$LOG")
export SDK_COMPARE_SECRET_ID=$(awk '/^secret id / {print $3}' "$LOG")
export SDK_COMPARE_SECRET_KEY=$(awk '/^secret key / {print $3}' "$LOG")
export SDK_PY_PATH="$SCRATCH/py"
export SDK_NODE_PATH="$SCRATCH/node/node_modules/cos-nodejs-sdk-v5"

RUST_OUT=$("$RUST_BIN")
export SDK_COMPARE_JOB_ID=$(echo "$RUST_OUT" | awk -F= '/^job_id=/ {print $2}')
RUST_LINE=$(echo "$RUST_OUT" | grep '^rust ')
PY_LINE=$(python3 benches/sdk-compare/python_sdk.py)
NODE_LINE=$(node benches/sdk-compare/node_sdk.js)

python3 - "$RUST_LINE" "$PY_LINE" "$NODE_LINE" "$N" <<'PY'
import sys
rows = {}
for line in sys.argv[1:4]:
    name, *fields = line.split()
    rows[name] = {k: float(v) for k, v in (f.split("=") for f in fields)}
n = int(sys.argv[4])
r = rows["rust"]
print(f"\nN={n} signatures, {n // 4} describe calls each, same emulator, same machine, one run")
print(f"{'':8}{'sign (us/op)':>14}{'x slower':>10}{'describe (us/call)':>20}{'x slower':>10}")
for name in ("rust", "python", "node"):
    v = rows[name]
    print(f"{name:8}{v['sign_us']:>14.2f}{v['sign_us'] / r['sign_us']:>10.1f}{v['describe_us']:>20.1f}{v['describe_us'] / r['describe_us']:>10.1f}")
print("targets: signing >= 20x (python) and >= 10x (node); describe >= 5x (python) and >= 2x (node)")
PY
