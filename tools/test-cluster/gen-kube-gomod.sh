#!/usr/bin/env bash
# Regenerate tools/test-cluster/kube/go.mod (and go.sum) for another Kubernetes version:
#
#   tools/test-cluster/gen-kube-gomod.sh 1.37.2
#
# k8s.io/kubernetes requires every staging module (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0
# and resolves them with `replace ... => ./staging/src/...`, which only applies inside its own
# repository. This reads that replace block from the published go.mod and pins each staging
# module to its tag v0.<minor>.<patch> instead, so the list is right for every minor (1.36 added
# k8s.io/streaming and k8s.io/cri-streaming, for instance). Then `go mod tidy` fills go.sum.
#
# For etcd, edit the version in tools/test-cluster/etcd/go.mod (k8s 1.34-1.36: etcd 3.6.x,
# 1.37: 3.7.x) and run `go mod tidy` there. Commit both go.mod and go.sum files.
set -euo pipefail
VERSION="${1:?usage: $0 1.X.Y}"
VERSION="${VERSION#v}"
STAGING="v0.${VERSION#*.}"
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/kube" && pwd)"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local

GOMOD="$(cd "$DIR" && go mod download -json "k8s.io/kubernetes@v$VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
[[ -f "$GOMOD" ]] || { echo "cannot download k8s.io/kubernetes@v$VERSION" >&2; exit 1; }
GO_LINE="$(grep -m1 '^go ' "$GOMOD")"
GODEBUG_LINE="$(grep -m1 '^godebug ' "$GOMOD" || true)"

{
  cat <<EOF
// Wrapper module that builds the test control plane (kube-apiserver, kube-controller-manager,
// kube-scheduler) from k8s.io/kubernetes for kubeready's integration tests. Not a library.
// Build with scripts/build-test-cluster.sh; regenerate the replace block with
// tools/test-cluster/gen-kube-gomod.sh when the Kubernetes version changes.
module kubeready.local/test-cluster/kube

$GO_LINE
EOF
  [[ -n "$GODEBUG_LINE" ]] && printf '\n%s\n' "$GODEBUG_LINE"
  cat <<EOF

tool (
	k8s.io/kubernetes/cmd/kube-apiserver
	k8s.io/kubernetes/cmd/kube-controller-manager
	k8s.io/kubernetes/cmd/kube-scheduler
)

require k8s.io/kubernetes v$VERSION

// k8s.io/kubernetes requires its staging modules at v0.0.0 and resolves them with ./staging
// replaces, which do not apply to a dependency. Pin each to its published tag.
replace (
EOF
  sed -n "s#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\t\1 => \1 $STAGING#p" "$GOMOD"
  echo ')'
} > "$DIR/go.mod"

rm -f "$DIR/go.sum"
(cd "$DIR" && go mod tidy)
echo "tools/test-cluster/kube/go.mod now builds Kubernetes v$VERSION ($(grep -c '=> k8s.io/' "$DIR/go.mod") staging modules pinned to $STAGING)"
