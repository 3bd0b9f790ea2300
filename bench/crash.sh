#!/usr/bin/env bash
# Crash test: kill -9 `slareview run` at random moments, N times (default 50) into one output
# folder, and check after each kill that every table, document and lake file equals its
# complete state. The inputs are the same every time, so a file's state before and after a run
# is the same complete file: any difference is a torn or missing file.
#
#   bash bench/crash.sh                 # 50 kills on sample_data/
#   N=200 DATA=some/folder bash bench/crash.sh
#
# Prints where each kill landed (while writing the staging folder, during the swap, outside)
# and the number of kills that left a file different from its complete state (must be 0).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-50}"
DATA="${DATA:-sample_data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}"
# BIN=path/to/another/slareview measures another build (an older commit, say) the same way.
if [ -z "${BIN:-}" ]; then
    cargo build --quiet
    BIN="$CARGO_TARGET_DIR/debug/slareview"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"

# Every file of the outputs but the staging folder, with its SHA-256.
snapshot() {
    (cd "$out" && find . -path ./.slareview-staging -prune -o -type f -print0 \
        | sort -z | xargs -0 sha256sum)
}

start=$(date +%s.%N)
"$BIN" -q run --data "$DATA" --out "$out" >/dev/null
end=$(date +%s.%N)
dur=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
snapshot > "$work/complete"
files=$(wc -l < "$work/complete")
echo "complete state: $files files; one run takes ${dur}s; killing $N runs at random moments"

torn=0; outside=0; writing=0; swapping=0
for i in $(seq 1 "$N"); do
    "$BIN" -q run --data "$DATA" --out "$out" >/dev/null 2>&1 &
    pid=$!
    # A moment between 0 and 1.1 run durations (the last tenth lets a few runs finish).
    delay=$(awk -v d="$dur" -v r="$RANDOM" 'BEGIN { printf "%.3f", d * 1.1 * r / 32767 }')
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ ! -d "$out/.slareview-staging" ]; then
        outside=$((outside + 1))
    elif [ -f "$out/.slareview-staging/COMMIT.json" ]; then
        swapping=$((swapping + 1))
    else
        writing=$((writing + 1))
    fi
    snapshot > "$work/now"
    if ! cmp -s "$work/complete" "$work/now"; then
        torn=$((torn + 1))
        echo "kill $i at ${delay}s left files different from their complete state:"
        diff "$work/complete" "$work/now" | head -20 || true
    fi
done
# The next run clears or finishes what the last kill left, and ends in the same state.
"$BIN" -q run --data "$DATA" --out "$out" >/dev/null 2>&1
snapshot > "$work/now"
if ! cmp -s "$work/complete" "$work/now"; then torn=$((torn + 1)); echo "final run differs"; fi
[ -d "$out/.slareview-staging" ] && { echo "staging folder left after a complete run"; torn=$((torn + 1)); }

echo "kills: $N (while writing the staging folder: $writing, during the swap: $swapping, before it began or after it ended: $outside)"
echo "kills leaving a torn, partial or missing file: $torn"
[ "$torn" -eq 0 ]
