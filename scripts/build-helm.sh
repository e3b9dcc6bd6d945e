#!/usr/bin/env bash
# Build helm (module helm.sh/helm/v3, command cmd/helm) with this machine's Go, from the Go module
# proxy, once, into node_modules/.cache/kubeready/helm/<version>/helm, for the Helm tests
# (test/sources/helm.test.ts, test/cli/render.test.ts). Prints the binary's path on success.
# A helm already built there is kept. KUBEREADY_HELM_VERSION picks another version.
#
# The link flags are those of helm's own Makefile: the version, and the Kubernetes version that
# `helm template` assumes (.Capabilities.KubeVersion) from the client-go helm is built with;
# without them a from-source helm claims Kubernetes v1.20.
set -euo pipefail
VERSION="${KUBEREADY_HELM_VERSION:-v3.22.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/node_modules/.cache/kubeready/helm/$VERSION"
BIN="$DIR/helm"
if [ -x "$BIN" ] && "$BIN" version --template '{{.Version}}' >/dev/null 2>&1; then
  echo "$BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "build-helm: the Go toolchain is not installed (go not on PATH); cannot build helm $VERSION" >&2
  exit 1
fi
export GOTOOLCHAIN=local
start=$(date +%s)
MOD="$(go mod download -json "helm.sh/helm/v3@$VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
CLIENT_GO="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$MOD")"   # e.g. v0.37.0 -> Kubernetes 1.37
K8S_MINOR="$(echo "$CLIENT_GO" | cut -d. -f2)"
if ! [[ "$K8S_MINOR" =~ ^[0-9]+$ ]]; then
  echo "build-helm: cannot read the client-go version from $MOD" >&2
  exit 1
fi
LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$VERSION"
for pkg in pkg/chartutil pkg/lint/rules; do
  LDFLAGS="$LDFLAGS -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$K8S_MINOR"
done
mkdir -p "$(dirname "$DIR")"
TMP="$(mktemp -d "$DIR.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
GOBIN="$TMP" go install -trimpath -ldflags "$LDFLAGS" "helm.sh/helm/v3/cmd/helm@$VERSION"
"$TMP/helm" version --template '{{.Version}}' >/dev/null
mkdir -p "$DIR"
mv -f "$TMP/helm" "$BIN"   # atomic: concurrent test processes never see half a binary
echo "build-helm: built helm $VERSION (Kubernetes 1.$K8S_MINOR) in $(( $(date +%s) - start ))s" >&2
echo "$BIN"
