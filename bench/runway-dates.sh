#!/usr/bin/env bash
# The runway benchmark's dates scored in-process: FirstPassage on every
# case's daily means and peaks as the planner asks (forecast's
# BenchmarkRunwayDates), the way score_runway.py scores report.json, in a
# second instead of a process a case; and the first runs: the generator's
# linear shape with 14, 21 or 28 days of history; and the real cases:
# repositories' checked-out trees, day by day (bench/real/).
#
# usage: bench/runway-dates.sh
#
# The date model's constants were chosen on the tuning seeds 1-3 and 9-12
# (and first-run seeds 1-4); the held-out seeds 4-8 (first-run 5-8) are
# reported. bench/runway.sh scores the same cases through `capplan plan`.
# No constant was chosen on the real cases; their halves are reported apart.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${CAPPLAN_SHARED:-$root/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# daily OUT.json SEED... : the cases' daily means and peaks with their truth.
daily() {
	python3 - "$@" <<'PY'
import csv, json, os, sys
from collections import defaultdict
out, dirs = sys.argv[1], sys.argv[2:]
cases = {}
for d in dirs:
    seed = int(d.rsplit("seed", 1)[1])
    for case, t in json.load(open(os.path.join(d, "truth.json"))).items():
        acc = defaultdict(list)
        with open(os.path.join(d, case, "history.csv")) as f:
            r = csv.reader(f); next(r)
            for _, ts, v in r:
                acc[ts[:10]].append(float(v))
        days = sorted(acc)
        t.update(seed=seed, means=[sum(acc[x]) / len(acc[x]) for x in days], peaks=[max(acc[x]) for x in days])
        cases[f"seed{seed}/{case}"] = t
json.dump(cases, open(out, "w"))
PY
}
gen="$shared/bench/runway/gen_runway.py"
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
	python3 "$gen" --seed "$seed" --cases 48 "$work/all/seed$seed" >/dev/null
done
daily "$work/all.json" "$work"/all/seed*
# First runs: the linear shape only, 14 to 28 days of history, seeds of
# their own (101-108, called 1-8 here).
for seed in 1 2 3 4 5 6 7 8; do
	python3 - "$gen" "$((100 + seed))" "$work/first/seed$seed" <<'PY'
import contextlib, importlib.util, io, sys
spec = importlib.util.spec_from_file_location("gen_runway", sys.argv[1])
g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
g.SHAPES, g.HISTS = ["linear"] * 8, [14, 21, 28]
sys.argv = ["gen_runway.py", "--seed", sys.argv[2], "--cases", "48", sys.argv[3]]
with contextlib.redirect_stdout(io.StringIO()):
    g.main()
PY
done
daily "$work/first.json" "$work"/first/seed*
bench() { (cd "$root" && CAPPLAN_RUNWAY_DAILY=$1 CAPPLAN_RUNWAY_SEEDS=$2 go test ./forecast -run '^$' -bench RunwayDates -benchtime 1x | grep -v '^\(goos\|goarch\|pkg\|cpu\|Benchmark\|PASS\|ok\)'); }
echo "== held out: seeds 4-8"
bench "$work/all.json" 4,5,6,7,8
echo "== tuning: seeds 1-3, 9-12"
bench "$work/all.json" 1,2,3,9,10,11,12
echo "== first runs, held out: seeds 105-108"
bench "$work/first.json" 5,6,7,8
echo "== first runs, tuning: seeds 101-104"
bench "$work/first.json" 1,2,3,4
python3 "$root/bench/real/cases.py" "$root/bench/real/trees.csv" "$work/real.json"
echo "== real: repositories' trees (bench/real/SOURCES.md)"
bench "$work/real.json" 1,2
