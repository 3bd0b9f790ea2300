#!/usr/bin/env bash
# Whole-run benchmark: `slareview run` (ingest, clocks, metric tables, the review's story
# tables, every document) on generated data, timed with /usr/bin/time: wall time and peak
# resident memory, best of RUNS (default 3).
#
#   bash bench/run.sh [TICKETS]                 # default 1,000,000 tickets
#   BASE_BIN=/path/to/old/slareview BASE_ARGS="--queries /path/to/old/queries" bash bench/run.sh
#
# With BASE_BIN, the same data is run by that binary too, alternating run by run so both see the
# same machine, and the ratio is printed (issue 13's target: within 10% of the time before it).
# An older binary reads the queries of the folder it runs in unless told otherwise: give it its
# own with BASE_ARGS="--queries <its checkout>/queries".
# Data is generated once by this build's generator into $BENCH_DIR/review-data-$TICKETS.
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/slareview-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}
cargo build --quiet --bin slareview
BIN=${BIN:-$CARGO_TARGET_DIR/debug/slareview}
DATA="$BENCH_DIR/review-data-$TICKETS"
if [ ! -f "$DATA/ticket_events.csv" ]; then
  echo "generating $TICKETS tickets into $DATA ..." >&2
  "$BIN" generate --tickets "$TICKETS" --seed 1 --out "$DATA" >&2
fi
nproc | sed 's/^/cores: /'

# One timed run: prints "<seconds> <peak KiB>".
one() {
  local bin=$1 out=$2 log
  shift 2
  log=$(mktemp)
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o "$log" "$bin" -q run --data "$DATA" --out "$out" "$@" >/dev/null 2>"$log.err" \
    || { echo "run failed: $bin" >&2; cat "$log" "$log.err" >&2; exit 1; }
  rm -f "$log.err"
  tail -1 "$log"
  rm -f "$log"
}

best() { sort -n | head -1; }
declare -a NEW=() OLD=()
for i in $(seq "$RUNS"); do
  NEW+=("$(one "$BIN" "$BENCH_DIR/run-out-new")")
  if [ -n "${BASE_BIN:-}" ]; then
    # shellcheck disable=SC2086 # BASE_ARGS is a list of arguments
    OLD+=("$(one "$BASE_BIN" "$BENCH_DIR/run-out-base" ${BASE_ARGS:-})")
  fi
done
report() {
  local name=$1; shift
  local times peaks t m
  times=$(printf '%s\n' "$@" | awk '{print $1}' | tr '\n' ' ')
  t=$(printf '%s\n' "$@" | awk '{print $1}' | best)
  m=$(printf '%s\n' "$@" | awk '{print $2}' | sort -n | tail -1)
  printf '%-10s runs %s s; best %s s; peak %s MiB\n' "$name" "$times" "$t" "$((m / 1024))"
}
echo "data: $DATA ($TICKETS tickets)"
report "this" "${NEW[@]}"
if [ -n "${BASE_BIN:-}" ]; then
  report "base" "${OLD[@]}"
  t_new=$(printf '%s\n' "${NEW[@]}" | awk '{print $1}' | best)
  t_old=$(printf '%s\n' "${OLD[@]}" | awk '{print $1}' | best)
  awk -v a="$t_new" -v b="$t_old" 'BEGIN { printf "ratio (time, best of each) %.2fx   target <= 1.10x\n", a / b }'
  # Each run of this binary against the base run right after it (the machine drifts between
  # pairs more than within one): the median of those ratios.
  for i in "${!NEW[@]}"; do
    awk -v a="${NEW[$i]%% *}" -v b="${OLD[$i]%% *}" 'BEGIN { printf "%.4f\n", a / b }'
  done | sort -n | awk '{ r[NR] = $1 } END {
    m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "ratio (time, median of %d pairs) %.2fx\n", NR, m }'
fi
