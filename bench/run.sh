#!/usr/bin/env bash
# Forecast accuracy and speed of `capplan forecast` beside the anchors of
# the shared forecasting yardstick, measured in one run on the same data.
#
#   bench/run.sh [SHARED_BENCH_DIR] [OUT_DIR]
#   ANCHORS="statsmodels_hw r_ets" (default) picks the anchors; ANCHORS= runs capplan alone.
#   DATASETS="m4-hourly ..." picks datasets (default: all under data/).
#
# Needs Go; the anchors need Debian's python3-statsmodels, r-base-core and
# r-cran-forecast. Prints a markdown table: accuracy from the yardstick's
# scorer, CPU seconds per series, and capplan's speed-up over each anchor.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$(cd "${1:-$root/../shared/bench}" && pwd)
out=${2:-/tmp/capplan-bench}
anchors=${ANCHORS-"statsmodels_hw r_ets"}
datasets=${DATASETS:-$(cd "$bench/data" && ls)}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p "$out"
(cd "$root" && go build -o "$out/capplan" ./cmd/capplan)
(cd "$bench/score" && go build -o "$out/score" .)

meta() { sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" "$bench/data/$1/meta.json"; }
cpu_of() { sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p' "$1"; }

printf '| dataset | method | series | MASE | MASE median | sMAPE | cov80 | cov95 | MSIS | CPU s | ms/series | capplan speed-up |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for ds in $datasets; do
  data="$bench/data/$ds"
  h=$(meta "$ds" horizon); m=$(meta "$ds" season)
  n=$(tail -n +2 "$data/train.csv" | cut -d, -f1 | uniq | sort -u | wc -l)
  declare -A cpu=()
  TIMEFORMAT='%U %S'
  t=$( { time "$out/capplan" forecast --in "$data/train.csv" --horizon "$h" --out "$out/$ds.capplan.csv" 2>"$out/$ds.capplan.err"; } 2>&1 )
  cpu[capplan]=$(echo "$t" | awk '{printf "%.2f", $1 + $2}')
  for a in $anchors; do
    case $a in
      statsmodels_hw) /usr/bin/python3 "$bench/baselines/statsmodels_hw.py" "$data" "$out/$ds.$a.csv" >"$out/$ds.$a.log" 2>"$out/$ds.$a.err" ;;
      r_ets) Rscript "$bench/baselines/r_ets.R" "$data" "$out/$ds.$a.csv" >"$out/$ds.$a.log" 2>"$out/$ds.$a.err" ;;
    esac
    cpu[$a]=$(cpu_of "$out/$ds.$a.log")
  done
  for method in capplan $anchors; do
    s=$("$out/score" -data "$data" -forecast "$out/$ds.$method.csv" -json)
    speed=""
    if [ "$method" != capplan ]; then
      speed=$(awk -v a="${cpu[$method]}" -v c="${cpu[capplan]}" 'BEGIN{printf "%.1f×", a / c}')
    fi
    echo "$s" | python3 -c '
import json, sys
r = json.load(sys.stdin)
ds, method, n, cpu, speed = sys.argv[1:6]
cells = [ds, method, r["series"]] + ["%.3f" % r[k] for k in ("mase", "mase_median")] + ["%.2f" % r["smape"]]
cells += ["%.3f" % r[k] for k in ("cov80", "cov95")] + ["%.2f" % r["msis"], "%.2f" % float(cpu), "%.1f" % (1000 * float(cpu) / int(n)), speed]
print("| " + " | ".join(str(c) for c in cells) + " |")
' "$ds" "$method" "$n" "${cpu[$method]}" "$speed"
  done
  unset cpu
done
