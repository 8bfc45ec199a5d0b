#!/usr/bin/env bash
# Forecast accuracy and speed of `capplan forecast` beside the anchors of
# the shared forecasting yardstick, measured in one run on the same data.
#
#   bench/run.sh [SHARED_BENCH_DIR] [OUT_DIR]
#   ANCHORS="statsmodels_hw r_ets" (default) picks the anchors; ANCHORS= runs capplan alone;
#     r_theta, r_arima, r_mstl, r_tbats, r_comb run ../baselines/r_forecast.R with that method.
#   DATASETS="m4-hourly ..." picks datasets (default: all under data/, and m3-monthly-24,
#     made by bench/datasets.py cut: each M3 monthly series' last 24 training months).
#   HALVES=1 also scores each dataset's tuning and reporting halves (bench/datasets.py split).
#   REUSE=1 keeps an anchor's forecast and log already in OUT_DIR instead of running it again
#     (R's ets takes over an hour on these sets; capplan always runs).
#
# Needs Go; the anchors need Debian's python3-statsmodels, r-base-core and
# r-cran-forecast. Prints a markdown table: accuracy from the yardstick's
# scorer, CPU seconds (user+sys) per series, and capplan's speed-up over
# each anchor. Every runner times itself the same way: CPU seconds from
# reading train.csv to writing the forecast, after the interpreter or
# runtime has started (cpu_s in its log). capplan runs first, on all
# datasets, before the long anchor runs; its time is the median of five
# runs, since a run of well under a second is at the mercy of the
# scheduler.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$(cd "${1:-$root/../shared/bench}" && pwd)
out=${2:-/tmp/capplan-bench}
anchors=${ANCHORS-"statsmodels_hw r_ets"}
datasets=${DATASETS:-$(cd "$bench/data" && ls) m3-monthly-24}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p "$out"
(cd "$root" && go build -o "$out/capplan" ./cmd/capplan)
(cd "$bench/score" && go build -o "$out/score" .)

# dir is a dataset's folder: the yardstick's, or one derived from it.
dir() {
  case $1 in
    m3-monthly-24)
      [ -f "$out/data/$1/meta.json" ] || python3 "$root/bench/datasets.py" cut "$bench/data/m3-monthly" 24 "$1" "$out/data/$1" >/dev/null
      echo "$out/data/$1" ;;
    *) echo "$bench/data/$1" ;;
  esac
}
meta() { sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" "$(dir "$1")/meta.json"; }

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(go version | cut -d' ' -f3), load1 at start $(cut -d' ' -f1 /proc/loadavg)"
echo

for ds in $datasets; do
  data=$(dir "$ds")
  runs=""
  for _ in 1 2 3 4 5; do
    "$out/capplan" forecast --in "$data/train.csv" --horizon "$(meta "$ds" horizon)" \
      --out "$out/$ds.capplan.csv" 2>"$out/$ds.capplan.err"
    runs="$runs $(sed -n 's/.*forecast done.* cpu_s=\([0-9.]*\).*/\1/p' "$out/$ds.capplan.err")"
  done
  echo "cpu_s=$(echo $runs | tr ' ' '\n' | sort -n | sed -n 3p) runs=[$runs ]" > "$out/$ds.capplan.log"
done
for ds in $datasets; do
  data=$(dir "$ds")
  for a in $anchors; do
    if [ "${REUSE:-}" = 1 ] && [ -s "$out/$ds.$a.csv" ] && grep -q cpu_s= "$out/$ds.$a.log" 2>/dev/null; then continue; fi
    case $a in
      statsmodels_hw) /usr/bin/python3 "$bench/baselines/statsmodels_hw.py" "$data" "$out/$ds.$a.csv" >"$out/$ds.$a.log" 2>"$out/$ds.$a.err" ;;
      r_ets) Rscript "$bench/baselines/r_ets.R" "$data" "$out/$ds.$a.csv" >"$out/$ds.$a.log" 2>"$out/$ds.$a.err" ;;
      r_theta|r_arima|r_mstl|r_tbats|r_comb)
        Rscript "$bench/baselines/r_forecast.R" "${a#r_}" "$data" "$out/$ds.$a.csv" >"$out/$ds.$a.log" 2>"$out/$ds.$a.err" ;;
      *) echo "unknown anchor $a" >&2; exit 2 ;;
    esac
  done
done

cpu_of() { sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p' "$out/$1.$2.log"; }
printf '| dataset | method | series | MASE | MASE median | sMAPE | cov80 | cov95 | MSIS | CPU s | ms/series | capplan speed-up |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
# score DATA FORECAST prints the scorer's JSON; with HALVES=1 the rows
# of each half come from the whole forecast, cut to that half's series.
score() {
  if [ "${3:-}" ]; then
    python3 "$root/bench/datasets.py" keep "$1" "$2" "$out/half.csv"
    "$out/score" -data "$1" -forecast "$out/half.csv" -json
  else
    "$out/score" -data "$1" -forecast "$2" -json
  fi
}
parts=""
if [ "${HALVES:-}" = 1 ]; then parts="tuning reporting"; fi
for ds in $datasets; do
  for part in all $parts; do
  data=$(dir "$ds")
  if [ "$part" != all ]; then
    [ -d "$out/split/$ds/$part" ] || python3 "$root/bench/datasets.py" split "$data" "$out/split/$ds" >/dev/null
    data="$out/split/$ds/$part"
  fi
  for method in capplan $anchors; do
    speed=""
    if [ "$method" != capplan ]; then
      speed=$(awk -v a="$(cpu_of "$ds" "$method")" -v c="$(cpu_of "$ds" capplan)" 'BEGIN{printf "%.0f×", a / c}')
    fi
    score "$data" "$out/$ds.$method.csv" "$([ "$part" = all ] || echo half)" | python3 -c '
import json, sys
r = json.load(sys.stdin)
ds, method, cpu, speed = sys.argv[1:5]
cells = [ds if sys.argv[5] == "all" else ds + " (" + sys.argv[5] + ")", method, r["series"]] + ["%.3f" % r[k] for k in ("mase", "mase_median")] + ["%.2f" % r["smape"]]
cells += ["%.3f" % r[k] for k in ("cov80", "cov95")] + ["%.2f" % r["msis"]]
if sys.argv[5] == "all":
    cells += ["%.3f" % float(cpu), "%.2f" % (1000 * float(cpu) / r["series"]), speed]
else:  # a half is cut from the whole run, whose time it shares
    cells += ["–", "–", ""]
print("| " + " | ".join(str(c) for c in cells) + " |")
' "$ds" "$method" "$(cpu_of "$ds" "$method")" "$speed" "$part"
  done
  done
done
