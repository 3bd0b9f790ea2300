#!/usr/bin/env bash
# Clock benchmark: business-time computations per second, and the time to compute every SLA
# clock for a generated data set once its lake is read (issue 3's targets: at least 20 million
# computations per second; under 5 s for 1 million tickets with ~10 million events).
#
#   bash bench/clocks.sh [TICKETS]        # default 1,000,000 tickets
#
# Data and lake are cached in $BENCH_DIR (default /tmp/slareview-bench) by ticket count.
# RUNS (default 3) runs; each prints its own figures.
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
BENCH_DIR=${BENCH_DIR:-/tmp/slareview-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}
DATA="$BENCH_DIR/data-$TICKETS"
LAKE="$BENCH_DIR/clock-lake-$TICKETS"

cargo build --quiet --bin slareview --example clock_bench
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
  "$CARGO_TARGET_DIR/debug/examples/clock_bench" "$LAKE" "$DATA"
done
