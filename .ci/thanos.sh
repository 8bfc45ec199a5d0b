#!/usr/bin/env bash
# Builds a pinned Thanos (sidecar and query, for the tests against a store
# that holds several clusters) from the Go module proxy and prints its
# path. Thanos' go.mod has replace directives, which `go install
# pkg@version` refuses, so the module is downloaded and built as the main
# module, with the build tag its releases use (.promu.yml): its labels
# code assumes Prometheus' slice layout, and without the tag it reads
# other memory as strings and crashes. Cached outside the repository,
# keyed by version, so only the first run on a machine pays the build
# (4.6 minutes on 2 cores with an empty build cache).
set -euo pipefail
version=${THANOS_VERSION:-v0.42.4}
cache="${CAPPLAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/capplan}/thanos/$version"
bin="$cache/thanos"
if [ -x "$bin" ]; then
  echo "$bin"; exit 0
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "github.com/thanos-io/thanos@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
cp -r "$src" "$tmp/src"
chmod -R u+w "$tmp/src"
(cd "$tmp/src" && CGO_ENABLED=0 go build -trimpath -tags slicelabels -ldflags='-s -w' -o "$tmp/thanos" ./cmd/thanos) >&2
mv "$tmp/thanos" "$bin"
echo "$bin"
