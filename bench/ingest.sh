#!/usr/bin/env bash
# Ingest benchmark: slareview's validated ingest against plain polars reading the same CSVs and
# writing Parquet. Prints wall time, rows per second and peak memory (max RSS) of each.
#
#   bash bench/ingest.sh [TICKETS]        # default 1,000,000 tickets (~10 million events)
#
# The generated data is cached in $BENCH_DIR (default /tmp/slareview-bench) by ticket count.
# RUNS (default 3) runs of each side; the fastest time and the largest peak memory are shown.
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
BENCH_DIR=${BENCH_DIR:-/tmp/slareview-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}
DATA="$BENCH_DIR/data-$TICKETS"

cargo build --quiet --bin slareview --example plain_polars_ingest
BIN="$CARGO_TARGET_DIR/debug/slareview"
PLAIN="$CARGO_TARGET_DIR/debug/examples/plain_polars_ingest"

if [ ! -f "$DATA/ticket_events.csv" ]; then
  echo "generating $TICKETS tickets into $DATA ..." >&2
  "$BIN" generate --tickets "$TICKETS" --seed 1 --out "$DATA" >&2
fi
du -sh "$DATA" >&2

# Runs a command, prints "<seconds> <max RSS MiB>" of it on stdout (its own output to stderr).
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=sys.stderr)
dt = time.perf_counter() - t
if r.returncode != 0:
    sys.exit(f"command failed ({r.returncode}): {sys.argv[1:]}")
print(f"{dt:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
PY
}

ROWS=$(python3 -c "
import sys
n=0
for f in ['contracts','sla_targets','tickets','ticket_events','surveys','engineers','kb_articles']:
    try:
        with open('$DATA/'+f+'.csv','rb') as h: n += sum(1 for _ in h) - 1
    except FileNotFoundError: pass
print(n)")

# Best of RUNS: this machine's cores are shared and a single run can be a third slower.
RUNS=${RUNS:-3}
best() {  # best() NAME CMD... -> sets NAME_SECS (fastest) and NAME_MEM (largest peak)
  local name=$1; shift
  local secs mem best_secs="" best_mem=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$BENCH_DIR/lake" "$BENCH_DIR/plain"
    read -r secs mem < <(measure "$@")
    if [ -z "$best_secs" ] || python3 -c "import sys; sys.exit(0 if $secs < $best_secs else 1)"; then best_secs=$secs; fi
    if python3 -c "import sys; sys.exit(0 if $mem > $best_mem else 1)"; then best_mem=$mem; fi
  done
  printf -v "${name}_SECS" '%s' "$best_secs"
  printf -v "${name}_MEM" '%s' "$best_mem"
}
best S "$BIN" -q ingest --data "$DATA" --lake "$BENCH_DIR/lake"
best P "$PLAIN" "$DATA" "$BENCH_DIR/plain"

python3 - "$ROWS" "$S_SECS" "$S_MEM" "$P_SECS" "$P_MEM" "$RUNS" <<'PY'
import sys
rows, s, sm, p, pm, runs = int(sys.argv[1]), *map(float, sys.argv[2:6]), sys.argv[6]
print(f"rows (all files)      {rows:>12,}")
print(f"slareview ingest      {s:>8.2f} s  {rows/s:>12,.0f} rows/s  peak {sm:>7,.0f} MiB")
print(f"plain polars          {p:>8.2f} s  {rows/p:>12,.0f} rows/s  peak {pm:>7,.0f} MiB")
print(f"ratio (time)          {s/p:>8.2f}x   target <= 1.5x   (best of {runs} runs each)")
print(f"ratio (peak memory)   {sm/pm:>8.2f}x")
PY
