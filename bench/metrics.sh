#!/usr/bin/env bash
# Metrics benchmark: the whole metrics stage (Rust-derived tables, every query in queries/,
# Parquet + CSV for each table) for a generated data set, after its clocks are computed
# (issue 4's target: under 10 s for 1 million tickets on this 2-core machine).
#
#   bash bench/metrics.sh [TICKETS]        # default 1,000,000 tickets
#
# Data and lake are cached in $BENCH_DIR (default /tmp/slareview-bench), shared with
# bench/clocks.sh. RUNS (default 3) runs; each prints its own figures.
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
BENCH_DIR=${BENCH_DIR:-/tmp/slareview-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}
DATA="$BENCH_DIR/data-$TICKETS"
LAKE="$BENCH_DIR/clock-lake-$TICKETS"
OUT="$BENCH_DIR/metrics-out-$TICKETS"

cargo build --quiet --bin slareview --example metrics_bench
BIN="$CARGO_TARGET_DIR/debug/slareview"
if [ ! -f "$DATA/ticket_events.csv" ]; then
  echo "generating $TICKETS tickets into $DATA ..." >&2
  "$BIN" generate --tickets "$TICKETS" --seed 1 --out "$DATA" >&2
fi
if [ ! -f "$LAKE/manifest.json" ]; then
  echo "ingesting into $LAKE ..." >&2
  "$BIN" -q ingest --data "$DATA" --lake "$LAKE" >&2
fi
nproc | sed 's/^/cores: /'
for _ in $(seq "${RUNS:-3}"); do
  /usr/bin/time -f "peak memory %M KiB" "$CARGO_TARGET_DIR/debug/examples/metrics_bench" "$LAKE" "$DATA" "$OUT"
done
