#!/usr/bin/env bash
# Builds a pinned helm from the Go module proxy for `helm lint` and the
# chart tests and prints its path. The binary is cached outside the
# repository, keyed by version, so only the first run on a machine pays the
# build (6-7 minutes on 2 cores).
set -euo pipefail
version=${HELM_VERSION:-v3.22.0}
cache="${CAPPLAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/capplan}/helm/$version"
bin="$cache/helm"
if [ -x "$bin" ]; then
  echo "$bin"; exit 0
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# As helm's Makefile does: the version, and the Kubernetes version its
# k8s.io modules (v0.37) are of, which `helm template` and `helm lint` take
# as the cluster's when none is given.
k8s_minor=37
CGO_ENABLED=0 GOBIN="$tmp" go install \
  -ldflags "-X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor" \
  "helm.sh/helm/v3/cmd/helm@$version" >&2
mv "$tmp/helm" "$bin"
echo "$bin"
