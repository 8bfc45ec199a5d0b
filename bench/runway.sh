#!/usr/bin/env bash
# The runway benchmark: capplan's threshold dates against a known future
# (../shared/bench/runway: gen_runway.py writes the cases, score_runway.py
# runs `capplan plan --history-csv ... --config ...` on each and scores).
#
# usage: bench/runway.sh [SEED...]    (default: 1 2 3)
#
# For each seed, 48 cases are scored whole, then in two halves by FNV-1a
# (32-bit) of the case's name: the scenarios and the slope's spread were
# chosen on the even halves of seeds 1-3; the scenarios added since and the
# chances' calibration on all of seeds 1-3 and 9-12 (bench/runway-dates.sh).
# Seeds 4-8 chose nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${CAPPLAN_SHARED:-$root/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/capplan" "$root/cmd/capplan"
[ $# -gt 0 ] || set -- 1 2 3
for seed in "$@"; do
	cases="$work/seed$seed"
	python3 "$shared/bench/runway/gen_runway.py" --seed "$seed" --cases 48 "$cases" >/dev/null
	echo "seed $seed, all 48: $(python3 "$shared/bench/runway/score_runway.py" "$cases" "$work/capplan")"
	for half in 0 1; do
		python3 - "$cases" "$cases-half$half" "$half" <<'PY'
import json, os, sys
src, dst, half = sys.argv[1], sys.argv[2], int(sys.argv[3])
def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h
truth = json.load(open(os.path.join(src, "truth.json")))
keep = {k: v for k, v in truth.items() if fnv1a(k) % 2 == half}
os.makedirs(dst)
for k in keep:
    os.symlink(os.path.join(src, k), os.path.join(dst, k))
json.dump(keep, open(os.path.join(dst, "truth.json"), "w"))
PY
		name=$([ "$half" = 0 ] && echo "even half" || echo "odd half")
		echo "seed $seed, $name: $(python3 "$shared/bench/runway/score_runway.py" "$cases-half$half" "$work/capplan")"
	done
done
