#!/usr/bin/env bash
# The fleet benchmark: 20 clusters of 3 to 50 nodes (530 in all), 90 days
# of history each (test/e2e/tools/fleethistory: cAdvisor and
# kube-state-metrics series every 5 minutes or hourly), each a Prometheus
# with a Thanos sidecar and the external label cluster=<name>, behind one
# Thanos Query; capplan plans the fleet in one dry run (cluster_label
# discovers the clusters), then the largest cluster alone through the same
# store, the anchor. Not part of CI: it takes several minutes and a few GB.
#
#   bench/fleet.sh [OUT_DIR]     # prints a markdown table; logs in OUT_DIR
#
# Wall seconds and peak RSS (GNU time's %M) of each capplan run. The
# Thanos binary is $CAPPLAN_THANOS_BIN, else .ci/thanos.sh's.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out=${1:-/tmp/capplan-fleet}
clusters=${FLEET_CLUSTERS:-20}
rm -rf "$out"
mkdir -p "$out/bin"
cd "$root"
thanos=${CAPPLAN_THANOS_BIN:-$(.ci/thanos.sh)}
CGO_ENABLED=0 go build -trimpath -o "$out/bin/capplan" ./cmd/capplan
(cd test/e2e/tools && go build -o "$out/bin/fleethistory" ./fleethistory)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ready() { # URL: wait up to 120 s for it to answer 200
  for _ in $(seq 1 1200); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$1 did not become ready" >&2; exit 1
}
today=$(date -u +%F)
endpoints=()
total=0
start=$(date +%s)
for i in $(seq 0 $((clusters - 1))); do
  name=$(printf 'c%02d' "$i")
  nodes=$((3 + (47 * i + (clusters - 1) / 2) / (clusters - 1)))
  total=$((total + nodes))
  dir="$out/$name"
  mkdir -p "$dir"
  "$out/bin/fleethistory" -nodes "$nodes" -seed "$((i + 1))" -growth "0.00$((i % 5 + 1))" -now "$today" >"$dir/history.om"
  promtool tsdb create-blocks-from openmetrics --max-block-duration=2400h "$dir/history.om" "$dir/data" >"$dir/promtool.log"
  rm "$dir/history.om"
  printf 'global:\n  external_labels:\n    cluster: %s\n' "$name" >"$dir/prometheus.yml"
  p=$(port) g=$(port) h=$(port)
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=2y \
    --web.listen-address="127.0.0.1:$p" --log.level=warn >"$dir/prometheus.log" 2>&1 &
  pids+=($!)
  ready "http://127.0.0.1:$p/-/ready"
  "$thanos" sidecar --tsdb.path="$dir/data" --prometheus.url="http://127.0.0.1:$p" --grpc-address="127.0.0.1:$g" \
    --http-address="127.0.0.1:$h" --log.level=warn >"$dir/sidecar.log" 2>&1 &
  pids+=($!)
  ready "http://127.0.0.1:$h/-/ready"
  endpoints+=("--endpoint=127.0.0.1:$g")
  largest=$name
done
q=$(port)
"$thanos" query --http-address="127.0.0.1:$q" --grpc-address="127.0.0.1:$(port)" --log.level=warn "${endpoints[@]}" >"$out/query.log" 2>&1 &
pids+=($!)
ready "http://127.0.0.1:$q/-/ready"
# Query lists its stores a little after it is ready.
for _ in $(seq 1 300); do
  n=$(curl -fs "http://127.0.0.1:$q/api/v1/label/cluster/values" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
  [ "$n" = "$clusters" ] && break
  sleep 0.2
done
setup=$(($(date +%s) - start))

cat >"$out/fleet.yaml" <<YAML
prometheus: {url: "http://127.0.0.1:$q"}
cluster_label: cluster
ollama: {enabled: false}
YAML
cat >"$out/one.yaml" <<YAML
prometheus: {url: "http://127.0.0.1:$q"}
clusters: [{name: $largest}]
ollama: {enabled: false}
YAML

echo "machine: $(getconf _NPROCESSORS_ONLN) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(go version | cut -d' ' -f3); commit $(git rev-parse --short HEAD)"
echo "store: $clusters clusters, $total nodes, 90 days each, Thanos $(basename "$(dirname "$thanos")") Query over one Prometheus $(prometheus --version 2>&1 | sed -n 's/.*version \([^ ]*\).*/\1/p' | head -1) and sidecar a cluster (set up in ${setup} s)"
echo
echo "| run | clusters | nodes | wall s | peak RSS MiB | result |"
echo "|---|---:|---:|---:|---:|---|"
measure() { # NAME CONFIG NODES
  local f="$out/$1" code=0
  /usr/bin/time -f "%e %M" -o "$f.time" "$out/bin/capplan" run --config "$2" --dry-run --out "$f" >"$f.out" 2>"$f.err" || code=$?
  read -r wall rss < <(tail -1 "$f.time")
  local planned
  planned=$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); print(sum(1 for c in f["clusters"] if not c.get("error")), sum(c["resources"] for c in f["clusters"]))' "$f/fleet.json")
  read -r ok resources <<<"$planned"
  echo "| $1 | $ok planned | $3 | $wall | $((rss / 1024)) | exit $code, $resources resources |"
  echo "$wall"  >"$f.wall"
}
measure fleet "$out/fleet.yaml" "$total"
measure one "$out/one.yaml" 50
echo
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
fleet, one = (float(open(f"{out}/{n}.wall").read()) for n in ("fleet", "one"))
print(f"fleet / largest cluster alone: {fleet / one:.1f}x wall")
f = json.load(open(f"{out}/fleet/fleet.json"))
print("soonest first: " + ", ".join(f'{c["name"]} {c["runway_days"] if c["runway_days"] is not None else "beyond"}' for c in f["clusters"][:5]) + ", ...")
PY
