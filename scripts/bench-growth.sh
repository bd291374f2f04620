#!/usr/bin/env bash
# The figures of docs/performance.md at 1,000, 10,000 and 120,000 cases, one run each:
# the store (open, CPython json.loads, one save at 100 and at N, export), the allocation batch,
# and the real binary in a pseudo-terminal at 80x24 (open to usable queue, search keystrokes,
# bytes per move, page and screen switch, peak resident memory), also with the queue index lost.
#
#   scripts/bench-growth.sh [SIZES...]      default: 1000 10000 120000
#
# Needs python3 (for json.loads) and about 2 GB of disk per 120,000 cases; ~10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000 120000}")
[ $# -eq 0 ] && sizes=(1000 10000 120000)
swift build -c release --product haven >/dev/null
swift build -c release --product haven-bench >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/haven-growth.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A part that misses a budget exits 1; the others still run, and so does this script's end.
failed=0
for n in "${sizes[@]}"; do
    echo "=== $n cases ==="
    .build/release/haven demo --cases "$n" --no-open --store "$work/demo-$n" >/dev/null
    .build/release/haven-bench --part terminal --store "$work/demo-$n" || failed=1
    # The first start after the queue index is lost: reported, its open not judged.
    .build/release/haven-bench --part terminal --cold --store "$work/demo-$n" || failed=1
    .build/release/haven-bench --part store --cases "$n" --saves 50 --directory "$work" || failed=1
    .build/release/haven-bench --part allocation --cases "$n" || failed=1
    rm -rf "$work/demo-$n"
done
[ "$failed" -eq 0 ] || echo "Some budgets were missed (MISSED above)."
exit "$failed"
