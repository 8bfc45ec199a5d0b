#!/usr/bin/env bash
# Builds a CPU-only Ollama server from the Go module proxy for the narrative
# tests and prints its path. The binary is cached outside the repository,
# keyed by version, so only the first run on a machine pays the ~4 min build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version=${OLLAMA_VERSION:-v0.17.4}
cache="${CAPPLAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/capplan}/ollama/$version"
bin="$cache/ollama"
if [ -x "$bin" ]; then
  echo "$bin"; exit 0
fi

# llama.cpp's vendored headers are missing from the module zip: nlohmann/json
# and stb_image come from Debian, miniaudio from a stub in this directory.
if ! dpkg -s nlohmann-json3-dev libstb-dev >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nlohmann-json3-dev libstb-dev >&2
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=1 CGO_CPPFLAGS="-I$here/ollama-include" GOBIN="$tmp" \
  go install -ldflags "-X github.com/ollama/ollama/version.Version=${version#v}" \
  "github.com/ollama/ollama@$version" >&2
mv "$tmp/ollama" "$bin"
echo "$bin"
