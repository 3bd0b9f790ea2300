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
EXAMPLE=metrics_bench
source bench/lake.sh "$@"
OUT="$BENCH_DIR/metrics-out-$TICKETS"
for _ in $(seq "${RUNS:-3}"); do
  /usr/bin/time -f "peak memory %M KiB" "$CARGO_TARGET_DIR/debug/examples/metrics_bench" "$LAKE" "$DATA" "$OUT"
done
