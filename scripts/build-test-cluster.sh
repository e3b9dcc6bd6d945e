#!/usr/bin/env bash
# Build the test control plane for kubeready's integration tests from Go modules, with the
# machine's Go: kube-apiserver, kube-controller-manager and kube-scheduler from k8s.io/kubernetes
# (tools/test-cluster/kube) and etcd from go.etcd.io/etcd/server/v3 (tools/test-cluster/etcd).
#
# Output: $KUBEREADY_TEST_BIN, or node_modules/.cache/kubeready/k8s-<version>/bin/. A stamp file
# records the inputs (go.mod, go.sum, flags); when it matches and every binary is there, nothing is
# built. When KUBEBUILDER_ASSETS names a folder with kube-apiserver and etcd (the envtest
# convention), those prebuilt binaries are used and nothing is built.
#
# Usage: scripts/build-test-cluster.sh [--force] [--print-dir]
#   --force      rebuild even when the cache is complete
#   --print-dir  print the folder the binaries are (or would be) in, and exit
#
# Cold build on 2 cores: see docs/testing.md (about 10+ minutes; a warm Go build cache is faster).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBE_MOD="$ROOT/tools/test-cluster/kube"
ETCD_MOD="$ROOT/tools/test-cluster/etcd"

FORCE=0
PRINT_DIR=0
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    --print-dir) PRINT_DIR=1 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-test-cluster: unknown argument: $a" >&2; exit 2 ;;
  esac
done

log() { echo "build-test-cluster: $*" >&2; }

# Versions come from the wrapper modules, so that there is one place to bump them.
K8S_VERSION="$(awk '($1 == "require" ? $2 : $1) == "k8s.io/kubernetes" { print ($1 == "require" ? $3 : $2); exit }' "$KUBE_MOD/go.mod")"
ETCD_VERSION="$(awk '($1 == "require" ? $2 : $1) == "go.etcd.io/etcd/server/v3" { print ($1 == "require" ? $3 : $2); exit }' "$ETCD_MOD/go.mod")"
if [[ -z "$K8S_VERSION" || -z "$ETCD_VERSION" ]]; then
  log "cannot read the Kubernetes or etcd version from tools/test-cluster/*/go.mod"; exit 1
fi
VERSION_CORE="${K8S_VERSION#v}"
K8S_MAJOR="${VERSION_CORE%%.*}"
K8S_MINOR="$(echo "$VERSION_CORE" | cut -d. -f2)"

BIN_DIR="${KUBEREADY_TEST_BIN:-$ROOT/node_modules/.cache/kubeready/k8s-${VERSION_CORE}/bin}"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd)

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  if [[ -x "$KUBEBUILDER_ASSETS/kube-apiserver" && -x "$KUBEBUILDER_ASSETS/etcd" ]]; then
    if [[ "$PRINT_DIR" == 1 ]]; then echo "$KUBEBUILDER_ASSETS"; exit 0; fi
    log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has kube-apiserver and etcd: using them, nothing built"
    for b in "${BINARIES[@]}"; do
      if [[ -x "$KUBEBUILDER_ASSETS/$b" ]]; then log "  $b: $("$KUBEBUILDER_ASSETS/$b" --version 2>&1 | head -n1)"; else log "  $b: absent (tests that need it are skipped)"; fi
    done
    exit 0
  fi
  log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks kube-apiserver or etcd: building instead"
fi

if [[ "$PRINT_DIR" == 1 ]]; then echo "$BIN_DIR"; exit 0; fi

# Upstream's flags (hack/lib/golang.sh, hack/lib/version.sh): static, stripped, no test code, the
# version stamped in so that /version and --version tell the truth.
TAGS="notest,grpcnotrace"
KUBE_LDFLAGS="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  KUBE_LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$K8S_MAJOR -X $p.gitMinor=$K8S_MINOR -X $p.gitTreeState=clean"
done
ETCD_LDFLAGS="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION"

STAMP="$BIN_DIR/.stamp"
stamp_text() {
  {
    echo "go: $(go version)"
    echo "kube ldflags: $KUBE_LDFLAGS tags: $TAGS"
    echo "etcd ldflags: $ETCD_LDFLAGS"
    sha256sum "$KUBE_MOD/go.mod" "$KUBE_MOD/go.sum" "$ETCD_MOD/go.mod" "$ETCD_MOD/go.sum" | awk '{ print $1 }'
  }
}

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then PATH="/usr/local/go/bin:$PATH"; fi
if ! command -v go >/dev/null 2>&1; then
  log "Go is not installed (or not on PATH); the test cluster cannot be built"; exit 1
fi

complete=1
for b in "${BINARIES[@]}"; do [[ -x "$BIN_DIR/$b" ]] || complete=0; done
WANT="$(stamp_text)"
if [[ "$FORCE" == 0 && "$complete" == 1 && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  log "up to date in $BIN_DIR (Kubernetes $K8S_VERSION, etcd $ETCD_VERSION): nothing to do"
  exit 0
fi

export CGO_ENABLED=0
export GOTOOLCHAIN=local                       # fail fast rather than download a toolchain
export GOFLAGS="${GOFLAGS:-} -mod=readonly"    # go.sum is committed; never rewrite it here
mkdir -p "$BIN_DIR"
# Build into a scratch folder next to the cache and move the results in at the end, so that an
# interrupted build never leaves a half-written set that looks complete.
WORK="$(mktemp -d "$BIN_DIR/../.build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

log "building Kubernetes $K8S_VERSION and etcd $ETCD_VERSION with $(go version | awk '{ print $3 }') into $BIN_DIR"
log "  (GOMODCACHE=$(go env GOMODCACHE), GOCACHE=$(go env GOCACHE); a cold build takes 10+ minutes on 2 cores)"
T0="$(now)"

T="$(now)"
(cd "$KUBE_MOD" && go mod download) && (cd "$ETCD_MOD" && go mod download)
log "modules downloaded or found in the module cache in $(since "$T")"

T="$(now)"
(cd "$ETCD_MOD" && go build -trimpath -ldflags "$ETCD_LDFLAGS" -o "$WORK/etcd" go.etcd.io/etcd/server/v3)
log "etcd built in $(since "$T")"

T="$(now)"
(cd "$KUBE_MOD" && go build -trimpath -tags "$TAGS" -ldflags "$KUBE_LDFLAGS" -o "$WORK/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler)
log "kube-apiserver, kube-controller-manager, kube-scheduler built in $(since "$T")"

rm -f "$STAMP"
for b in "${BINARIES[@]}"; do mv -f "$WORK/$b" "$BIN_DIR/$b"; done
echo "$WANT" > "$STAMP"

for b in "${BINARIES[@]}"; do
  log "  $b $(du -h "$BIN_DIR/$b" | cut -f1)  $("$BIN_DIR/$b" --version 2>&1 | head -n1)"
done
log "done in $(since "$T0"); total $(du -sh "$BIN_DIR" | cut -f1)"
