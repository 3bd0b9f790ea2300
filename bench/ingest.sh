#!/usr/bin/env bash
# Ingest benchmark: slareview's validated ingest against plain polars reading the same CSVs and
# writing Parquet. Prints wall time, rows per second and peak memory (max RSS) of each.
#
#   bash bench/ingest.sh [TICKETS]        # default 1,000,000 tickets (~10 million events)
#
# The generated data is cached in $BENCH_DIR (default /tmp/slareview-bench) by ticket count.
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

# RUNS (default 5) pairs of runs, slareview then plain polars, taken in turns so that both sides
# see the same moments of this machine (its shared cores swing by a third from minute to minute).
# Reported: the fastest time and the largest peak memory of each side, and the median of the
# per-pair time ratios.
RUNS=${RUNS:-5}
S_ALL=(); P_ALL=(); S_MEM=0; P_MEM=0
for _ in $(seq "$RUNS"); do
  rm -rf "$BENCH_DIR/lake" "$BENCH_DIR/plain"
  read -r secs mem < <(measure "$BIN" -q ingest --data "$DATA" --lake "$BENCH_DIR/lake")
  S_ALL+=("$secs"); [ "$mem" -gt "$S_MEM" ] && S_MEM=$mem
  read -r secs mem < <(measure "$PLAIN" "$DATA" "$BENCH_DIR/plain")
  P_ALL+=("$secs"); [ "$mem" -gt "$P_MEM" ] && P_MEM=$mem
done

python3 - "$ROWS" "$S_MEM" "$P_MEM" "${S_ALL[*]}" "${P_ALL[*]}" <<'PY'
import statistics, sys
rows, sm, pm = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
s_all = [float(x) for x in sys.argv[4].split()]
p_all = [float(x) for x in sys.argv[5].split()]
s, p = min(s_all), min(p_all)
pairs = [a / b for a, b in zip(s_all, p_all)]
print(f"runs (slareview)      {' '.join(f'{x:.2f}' for x in s_all)} s")
print(f"runs (plain polars)   {' '.join(f'{x:.2f}' for x in p_all)} s")
print(f"rows (all files)      {rows:>12,}")
print(f"slareview ingest      {s:>8.2f} s  {rows/s:>12,.0f} rows/s  peak {sm:>7,.0f} MiB")
print(f"plain polars          {p:>8.2f} s  {rows/p:>12,.0f} rows/s  peak {pm:>7,.0f} MiB")
print(f"ratio (time)          {s/p:>8.2f}x   target <= 1.5x   (best of {len(s_all)} runs each)")
print(f"ratio (time, pairs)   {statistics.median(pairs):>8.2f}x   median of {len(pairs)} back-to-back pairs")
print(f"ratio (peak memory)   {sm/pm:>8.2f}x")
PY
