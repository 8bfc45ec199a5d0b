#!/usr/bin/env bash
# The scale benchmark: capplan's snapshot and dry run against a real API
# server holding 1,000 nodes / 20,000 pods / 4,000 claims, then 5,000
# nodes / 150,000 pods / 20,000 claims, side by side with what a user
# would run today (kubectl get pods -A -o json piped into jq for the
# requests). Not part of CI: it takes several minutes and a few GB.
#
#   bench/scale.sh [OUT_DIR]     # prints a markdown table; logs in OUT_DIR
#
# Wall seconds and peak RSS (GNU time's %M; for a pipeline, its largest
# process) of each command, capplan at its default rate limit (kube.qps
# 50) and at client-go's default (5/s) for comparison.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out=${1:-/tmp/capplan-scale}
rm -rf "$out"
mkdir -p "$out/bin"
cd "$root"
CGO_ENABLED=0 go build -trimpath -o "$out/bin/capplan" ./cmd/capplan
(cd test/e2e/tools && go build -o "$out/bin/loadgen" ./loadgen && go build -o "$out/bin/kubectl" ./kubectl)
kc=$(test/e2e/cluster.sh start "$out/cluster")
trap 'test/e2e/cluster.sh stop "$out/cluster"' EXIT

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(go version | cut -d' ' -f3)"
echo
echo "| cluster | command | wall s | peak RSS MiB | result |"
echo "|---|---|---:|---:|---|"

# measure NAME CLUSTER CMD...: one timed run; the result column is what
# the command found (from its output), so that the rows can be compared.
count=0
measure() {
  local name=$1 size=$2; shift 2
  local code=0 f="$out/m$((count += 1))"
  /usr/bin/time -f "%e %M" -o "$f.time" "$@" >"$f.out" 2>"$f.err" || code=$?
  read -r wall rss < <(tail -1 "$f.time") # GNU time writes the exit status first
  echo "| $size | $name | $wall | $((rss / 1024)) | $(result "$name" "$code" "$f") |"
}

result() {
  case $1 in
  snapshot*) jq -r '.snapshot | "\(.nodes | length) nodes, \([.namespaces[].pods] | add) pods, \([.namespaces[].requests.cpu_cores] | add | . * 100 | round / 100) cores requested"' "$3.out" ;;
  run*) echo "exit $2 (3: no history to forecast), $(jq -r '"\(.summary.nodes) nodes, \(.summary.requests.cpu_cores | . * 100 | round / 100) cores requested"' "$out/run/report.json")" ;;
  kubectl*) echo "exit $2, $(cat "$3.out") cores requested" ;;
  esac
}

# The pipeline a user would write: every pod's JSON, then the requests of
# those that hold resources, summed in jq.
requests_jq='def cpu: if endswith("m") then (.[:-1] | tonumber) / 1000 else tonumber end;
  [.items[] | select(.status.phase != "Succeeded" and .status.phase != "Failed") | .spec.containers[].resources.requests.cpu // "0" | cpu] | add | . * 100 | round / 100'

step() {
  local size=$1
  measure "snapshot" "$size" "$out/bin/capplan" snapshot --kubeconfig "$kc" --rook-toolbox=false --format json
  measure "run --dry-run" "$size" "$out/bin/capplan" run --dry-run --kubeconfig "$kc" --rook-toolbox=false --ollama=false --out "$out/run"
  measure "kubectl get pods -A -o json \\| jq" "$size" bash -c "'$out/bin/kubectl' --kubeconfig '$kc' get pods -A -o json | jq '$requests_jq'"
}

"$out/bin/loadgen" -kubeconfig "$kc" -nodes 1000 -pods 20000 -claims 4000 2>"$out/loadgen-1.log"
step "1,000 / 20,000"
"$out/bin/loadgen" -kubeconfig "$kc" -from-node 1000 -nodes 5000 -from-pod 20000 -pods 150000 -from-claim 4000 -claims 20000 2>"$out/loadgen-2.log"
step "5,000 / 150,000"
measure "snapshot, --kube-qps 5 --kube-burst 10 (client-go's default)" "5,000 / 150,000" "$out/bin/capplan" snapshot --kubeconfig "$kc" --rook-toolbox=false --format json --kube-qps 5 --kube-burst 10
echo
echo "loadgen: $(cat "$out"/loadgen-*.log | tr '\n' ' ')"
