#!/usr/bin/env bash
# Bounded mutation fuzzing of ingest, the config parsers and whole runs (tests/fuzz_mutation.rs):
# 10,000 mutated data folders ingested in process, a share of them also run whole by the binary
# (60 s limit, 3 GB address space each). Prints the figures: cases, panics, hangs, crashes,
# reconcile failures, raw invisible characters in documents, time; and every distinct failure
# with the folder its input was kept in.
#
#   bash bench/fuzz.sh [CASES] [RUNS] [SEED]     # default 10000 cases, 500 whole runs, seed 15
#
# A failing case is reproduced alone with SLAREVIEW_FUZZ_SEED=S SLAREVIEW_FUZZ_CASE=N.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-10000}
RUNS=${2:-500}
SEED=${3:-15}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}
LOG=${FUZZ_LOG:-/tmp/slareview-fuzz-$SEED.log}
BIN_COPY=$(mktemp -d)/slareview
trap 'rm -rf "$(dirname "$BIN_COPY")"' EXIT

# The binary under test must be this clone's. In a target folder shared by several clones,
# target/debug/slareview is whichever clone built last, and cargo may take another clone's newer
# artifacts for fresh: then rebuild after touching our sources. Copy it aside at once.
build() {
  cargo build --quiet --locked --bin slareview --test fuzz_mutation
  cp "$CARGO_TARGET_DIR/debug/slareview" "$BIN_COPY"
  grep -q -a -F "$PWD" "$BIN_COPY"
}
if ! build; then
  echo "target/debug/slareview was built from another clone; rebuilding this one" >&2
  touch src/lib.rs src/main.rs tests/fuzz_mutation.rs
  build || { echo "cannot get a build of $PWD" >&2; exit 2; }
fi

start=$(date +%s)
set +e
SLAREVIEW_TEST_BIN=$BIN_COPY SLAREVIEW_FUZZ_CASES=$CASES SLAREVIEW_FUZZ_RUNS=$RUNS \
  SLAREVIEW_FUZZ_SEED=$SEED cargo test --quiet --locked --test fuzz_mutation -- --nocapture >"$LOG" 2>&1
status=$?
set -e
end=$(date +%s)
grep '^fuzz: ' "$LOG" || true
echo "wall time: $((end - start)) s; test exit status $status; full log: $LOG"
exit $status
