# Sourced by bench/clocks.sh and bench/metrics.sh: builds the binary and EXAMPLE, and makes sure
# a generated data set of TICKETS tickets and its lake exist in $BENCH_DIR (default
# /tmp/slareview-bench), cached by ticket count. Sets DATA, LAKE and BIN.
TICKETS=${1:-1000000}
BENCH_DIR=${BENCH_DIR:-/tmp/slareview-bench}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}
DATA="$BENCH_DIR/data-$TICKETS"
LAKE="$BENCH_DIR/clock-lake-$TICKETS"

cargo build --quiet --bin slareview --example "$EXAMPLE"
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
