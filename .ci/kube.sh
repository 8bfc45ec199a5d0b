#!/usr/bin/env bash
# Builds the end-to-end tests' Kubernetes from the Go module proxy and
# prints the directory of the binaries: kube-apiserver and etcd (from
# test/e2e/tools, whose go.mod pins them), kwok and metrics-server (plain
# go install). Cached outside the repository, keyed by the tools' go.sum
# and the versions, so only the first run on a machine pays the build
# (about 10 minutes for kube-apiserver on 2 cores).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kwok=${KWOK_VERSION:-v0.8.0}
metrics=${METRICS_SERVER_VERSION:-v0.9.0}
key=$( (cat "$root/test/e2e/tools/go.sum"; echo "$kwok $metrics") | sha256sum | cut -c1-16)
bin="${CAPPLAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/capplan}/kube/$key"
if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/etcd" ] && [ -x "$bin/kwok" ] && [ -x "$bin/metrics-server" ]; then
  echo "$bin"; exit 0
fi
mkdir -p "$(dirname "$bin")"
tmp=$(mktemp -d "$(dirname "$bin")/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(
  cd "$root/test/e2e/tools"
  CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$tmp/kube-apiserver" ./kube-apiserver
  CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$tmp/etcd" ./etcd
) >&2
CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath -ldflags='-s -w' "sigs.k8s.io/kwok/cmd/kwok@$kwok" >&2
CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath -ldflags='-s -w' "sigs.k8s.io/metrics-server/cmd/metrics-server@$metrics" >&2
rm -rf "$bin"
mv "$tmp" "$bin"
trap - EXIT
echo "$bin"
