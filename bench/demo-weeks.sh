#!/usr/bin/env bash
# A year of weekly reports: `capplan demo --weeks 52` into a new local
# repository, the repository it leaves, and the 52nd week's run against
# the first's, each as a process of its own.
#
#   bench/demo-weeks.sh [OUT_DIR] [RUNS]
#
# The 52nd run is replayed exactly: the 52-week repository less its last
# commit, then `demo --weeks 1` (the same Monday, the same demo world, 51
# reports before it). The first run is `demo --weeks 1` into an empty
# repository: the demo's two years of history and no report before it,
# as the first week of the replay has. Each is run RUNS times (default 5)
# and the median wall time and peak resident memory are shown; GNU time
# measures them. Needs Go, git and /usr/bin/time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/capplan-demo-weeks}
runs=${2:-5}
rm -rf "$out"
mkdir -p "$out"
(cd "$root" && go build -o "$out/capplan" ./cmd/capplan)
export OLLAMA_HOST=127.0.0.1:9 # no narrative model: the runs are timed alone
timed() { /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>>"$out/log"; cat "$out/time"; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

read -r wall rss < <(timed "$out/capplan" demo --weeks 52 --git-dir "$out/year" --ollama=false)
head_bytes=$(git -C "$out/year" ls-tree -r -l HEAD | awk '{s+=$4} END {print s}')
git_bytes=$(du -sb "$out/year/.git" | cut -f1)
commits=$(git -C "$out/year" rev-list --count HEAD)
read -r again_wall _ < <(timed "$out/capplan" demo --weeks 1 --git-dir "$out/year" --ollama=false)
after=$(git -C "$out/year" rev-list --count HEAD)

cp -a "$out/year" "$out/week51"
git -C "$out/week51" reset --quiet --hard HEAD~1
for i in $(seq "$runs"); do
  rm -rf "$out/first" "$out/last"
  cp -a "$out/week51" "$out/last"
  timed "$out/capplan" demo --weeks 1 --git-dir "$out/last" --ollama=false >>"$out/last.txt"
  timed "$out/capplan" demo --weeks 1 --git-dir "$out/first" --ollama=false >>"$out/first.txt"
done
first_s=$(cut -d' ' -f1 "$out/first.txt" | median); last_s=$(cut -d' ' -f1 "$out/last.txt" | median)
first_kb=$(cut -d' ' -f2 "$out/first.txt" | median); last_kb=$(cut -d' ' -f2 "$out/last.txt" | median)

cat <<TABLE
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), load1 at start $(cut -d' ' -f1 /proc/loadavg)

| measure | value |
|---|---:|
| \`capplan demo --weeks 52\` wall time | $wall s |
| its peak resident memory | $((rss / 1024)) MiB |
| commits | $commits |
| HEAD tree (sum of file sizes) | $(awk -v b="$head_bytes" 'BEGIN {printf "%.2f MB", b/1e6}') |
| .git | $(awk -v b="$git_bytes" 'BEGIN {printf "%.2f MB", b/1e6}') |
| \`capplan demo --weeks 1\` again, the same Monday | $again_wall s, $((after - commits)) new commits |
| first run, median of $runs: wall, peak memory | $first_s s, $((first_kb / 1024)) MiB |
| 52nd run, median of $runs: wall, peak memory | $last_s s, $((last_kb / 1024)) MiB |
| 52nd over first | $(awk -v a="$last_s" -v b="$first_s" 'BEGIN {printf "%.2fx", a/b}') time, $(awk -v a="$last_kb" -v b="$first_kb" 'BEGIN {printf "%.2fx", a/b}') memory |
TABLE
