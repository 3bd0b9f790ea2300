#!/usr/bin/env bash
# Are two builds' outputs byte-identical? Runs `slareview run` with each binary on the same
# data and compares the SHA-256 of every file written (lake, tables, documents, summary).
# Usage: BASE_BIN=/path/to/old NEW_BIN=/path/to/new [DATA=sample_data] bash bench/identical.sh
# Prints one line per differing file and a last line `identical: N files` or `DIFFERENT: ...`;
# exits 1 when any file differs. Without --pdf: a PDF carries its creation time.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-sample_data}"
WORK="${WORK:-$(mktemp -d)}"
: "${BASE_BIN:?set BASE_BIN to the binary before the change}"
: "${NEW_BIN:?set NEW_BIN to the binary after it}"
EXTRA="${EXTRA:---lang en}"
for side in base new; do
    bin="$BASE_BIN"; [ "$side" = new ] && bin="$NEW_BIN"
    rm -rf "$WORK/$side"
    # The same output path for both, so paths printed into documents agree.
    "$bin" -q run --data "$DATA" --out "$WORK/out" $EXTRA > /dev/null
    mv "$WORK/out" "$WORK/$side"
    (cd "$WORK/$side" && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$WORK/$side.sha"
done
n=$(wc -l < "$WORK/base.sha")
if diff "$WORK/base.sha" "$WORK/new.sha"; then
    echo "identical: $n files ($(sha256sum < "$WORK/new.sha" | cut -c1-16) over the list of hashes)"
else
    echo "DIFFERENT: see the lines above ($WORK)"
    exit 1
fi
