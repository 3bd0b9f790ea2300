#!/usr/bin/env bash
# The real-data check of issue 6: import the public ServiceNow incident log, run the whole job
# on it, and compare the computed resolution outcome with the log's own `made_sla`, per
# priority as filed. Needs python3 (for the comparison only).
#   bash bench/servicenow.sh [LOG] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
LOG="${1:-../shared/data/servicenow_incident_log/incident_event_log.csv.gz}"
WORK="${2:-/tmp/slareview-servicenow}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/slareview-target}"
cargo build -q
BIN="$CARGO_TARGET_DIR/debug/slareview"
rm -rf "$WORK"
mkdir -p "$WORK"
# The log's timestamps carry no zone; the instance's zone is not published, so UTC.
/usr/bin/time -f "import: %e s wall, peak %M KiB" "$BIN" import servicenow "$LOG" --out "$WORK/canonical" --assume-tz UTC >/dev/null
# Most incidents were opened in 2016Q2 (the log runs 2016-02-29 .. 2016-05-13; late updates
# stretch as_of into 2017), so that is the report period.
/usr/bin/time -f "run:    %e s wall, peak %M KiB" "$BIN" run --data "$WORK/canonical" --out "$WORK/out" --period 2016Q2 2>&1 >/dev/null | grep -E "read|run:|as of"
python3 - "$WORK" <<'PY'
import csv, collections, sys
work = sys.argv[1]
tickets = {r["ticket_id"]: r for r in csv.DictReader(open(f"{work}/canonical/tickets.csv"))}
rows = [r for r in csv.DictReader(open(f"{work}/out/tables/ticket_sla.csv"))
        if r["metric"] == "resolution" and r["state"] in ("met", "breached")]
by = collections.defaultdict(collections.Counter)
hours = collections.defaultdict(list)
for r in rows:
    t = tickets[r["ticket_id"]]
    by[t["priority"]][(r["state"], t["made_sla"])] += 1
    hours[(t["priority"], t["made_sla"])].append(int(r["elapsed_seconds"]) / 3600)
print()
print("priority  incidents  met&made  breached&missed  met&missed  breached&made  agreement  target")
targets = {"P1": "8 h", "P2": "24 h", "P3": "3 d", "P4": "5 d"}
for p in sorted(by):
    c = by[p]
    n = sum(c.values())
    agree = c[("met", "true")] + c[("breached", "false")]
    print(f"{p:<9} {n:>9}  {c[('met','true')]:>8}  {c[('breached','false')]:>15}  {c[('met','false')]:>10}  {c[('breached','true')]:>13}  {100*agree/n:>8.1f}%  {targets[p]:>6}")
print()
print("resolution time on the clock (hours), by the log's made_sla:")
for k in sorted(hours):
    v = sorted(hours[k]); n = len(v)
    q = lambda f: v[min(n - 1, int(f * n))]
    print(f"  {k[0]} made_sla={k[1]:<5} n={n:>6}  median {q(.5):8.1f}  p90 {q(.9):8.1f}  max {v[-1]:8.1f}")
PY
