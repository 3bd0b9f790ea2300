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
EXAMPLE=clock_bench
source bench/lake.sh "$@"
for _ in $(seq "${RUNS:-3}"); do
  "$CARGO_TARGET_DIR/debug/examples/clock_bench" "$LAKE" "$DATA"
done
