#!/usr/bin/env bash
# The scale benchmark: capplan's snapshot and dry run against a real API
# server holding 1,000 nodes / 20,000 pods / 4,000 claims, then 5,000
# nodes / 150,000 pods / 20,000 claims, side by side with what a user
# would run today (kubectl top nodes, and kubectl get pods -A -o json
# piped into jq for the requests), with a metrics API served by
# test/e2e/tools/fakemetrics. Not part of CI: it takes several minutes and
# a few GB.
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
(cd test/e2e/tools && go build -o "$out/bin/loadgen" ./loadgen && go build -o "$out/bin/kubectl" ./kubectl && go build -o "$out/bin/fakemetrics" ./fakemetrics)
kc=$(test/e2e/cluster.sh start "$out/cluster")
stop_metrics() { [ -f "$out/fakemetrics.pid" ] && kill "$(cat "$out/fakemetrics.pid")" 2>/dev/null; rm -f "$out/fakemetrics.pid"; }
trap 'stop_metrics; test/e2e/cluster.sh stop "$out/cluster"' EXIT
kubectl() { "$out/bin/kubectl" --kubeconfig "$kc" "$@"; }

# The metrics API: test/e2e/tools/fakemetrics (nodes at 60% of
# allocatable, containers at 80% of requests) behind the aggregation
# layer, restarted after each fill because it lists the cluster once.
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: metrics, namespace: kube-system}
spec: {type: ExternalName, externalName: localhost, ports: [{name: https, port: $metrics_port}]}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  service: {name: metrics, namespace: kube-system, port: $metrics_port}
  group: metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
YAML
start_metrics() {
  stop_metrics
  "$out/bin/fakemetrics" -kubeconfig "$kc" -addr "127.0.0.1:$metrics_port" 2>>"$out/fakemetrics.log" &
  echo $! >"$out/fakemetrics.pid"
  for _ in $(seq 600); do
    kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes >/dev/null 2>&1 && return
    sleep 0.5
  done
  echo "the metrics API did not answer; see $out/fakemetrics.log" >&2
  exit 1
}

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
  snapshot*) jq -r '.snapshot | "\(.nodes | length) nodes, \([.namespaces[].pods] | add) pods, \([.namespaces[].requests.cpu_cores] | add | . * 100 | round / 100) cores requested, \([.nodes[].usage.cpu_cores // 0] | add | . * 100 | round / 100) used"' "$3.out" ;;
  run*) echo "exit $2 (3: no history to forecast), $(jq -r '"\(.summary.nodes) nodes, \(.summary.requests.cpu_cores | . * 100 | round / 100) cores requested"' "$out/run/report.json")" ;;
  "kubectl top"*) echo "exit $2, $(($(wc -l <"$3.out") - 1)) nodes" ;;
  kubectl*) echo "exit $2, $(cat "$3.out") cores requested" ;;
  esac
}

# The pipeline a user would write: every pod's JSON, then the requests of
# those that hold resources, summed in jq.
requests_jq='def cpu: if endswith("m") then (.[:-1] | tonumber) / 1000 else tonumber end;
  [.items[] | select(.status.phase != "Succeeded" and .status.phase != "Failed") | .spec.containers[].resources.requests.cpu // "0" | cpu] | add | . * 100 | round / 100'

step() {
  local size=$1
  start_metrics
  measure "snapshot" "$size" "$out/bin/capplan" snapshot --kubeconfig "$kc" --rook-toolbox=false --format json
  measure "run --dry-run" "$size" "$out/bin/capplan" run --dry-run --kubeconfig "$kc" --rook-toolbox=false --ollama=false --out "$out/run"
  measure "kubectl top nodes" "$size" "$out/bin/kubectl" --kubeconfig "$kc" top nodes
  measure "kubectl get pods -A -o json \\| jq" "$size" bash -c "'$out/bin/kubectl' --kubeconfig '$kc' get pods -A -o json | jq '$requests_jq'"
}

"$out/bin/loadgen" -kubeconfig "$kc" -nodes 1000 -pods 20000 -claims 4000 2>"$out/loadgen-1.log"
step "1,000 / 20,000"
"$out/bin/loadgen" -kubeconfig "$kc" -from-node 1000 -nodes 5000 -from-pod 20000 -pods 150000 -from-claim 4000 -claims 20000 2>"$out/loadgen-2.log"
step "5,000 / 150,000"
measure "snapshot, --kube-qps 5 --kube-burst 10 (client-go's default)" "5,000 / 150,000" "$out/bin/capplan" snapshot --kubeconfig "$kc" --rook-toolbox=false --format json --kube-qps 5 --kube-burst 10
echo
echo "loadgen: $(cat "$out"/loadgen-*.log | tr '\n' ' ')"
