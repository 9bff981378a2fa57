#!/usr/bin/env bash
# The Kubernetes control plane the chart tests install into, built once into the project's .tools/
# (git-ignored) from the Go module proxy, pinned, and quick when already there:
#   .tools/bin/kube-apiserver, kube-controller-manager, kube-scheduler, kubectl   k8s.io/kubernetes
#   .tools/bin/etcd                                                      go.etcd.io/etcd/server/v3 (etcd/go.mod)
#   .tools/bin/kwok                                                      sigs.k8s.io/kwok: simulated nodes and kubelets
#   .tools/prometheus-operator-crd/                                      the Prometheus Operator's own CRDs
# No container ever runs: kwok marks pods scheduled on its nodes Running and Ready, and Job pods
# Succeeded, so Helm, the controllers and the admission chain are real and the workloads are not.
# Usage: bash infra/kubernetes/build.sh   (infra/kubernetes/cluster.sh starts what it builds)
set -euo pipefail

KUBERNETES_VERSION=v1.36.3        # also in controlplane/go.mod
KWOK_VERSION=v0.8.0
PROMETHEUS_OPERATOR_VERSION=v0.85.0

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
TOOLS="${HUBS_TOOLS_DIR:-$REPO_ROOT/.tools}"
BIN="$TOOLS/bin"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
mkdir -p "$BIN"
printf "*\n" >"$TOOLS/.gitignore"

log() { printf 'kubernetes/build.sh: %s\n' "$*" >&2; }
# One build at a time: a second run (CI starts one early, in the background) waits for the first.
exec 8>"$TOOLS/.kubernetes-build.lock"
flock 8
# A stamp per part records what it was built from (the pins and, for the local modules, their
# go.mod), so a changed pin rebuilds and an unchanged one is instant.
fresh() { [[ -f "$TOOLS/.$1" && "$(cat "$TOOLS/.$1")" == "$2" ]]; }
stamp() { printf '%s' "$2" >"$TOOLS/.$1"; }
[[ -x "$GO" ]] || { log "Go is needed (expected at /usr/local/go/bin/go)"; exit 1; }

# The version Helm reads from the API server (the charts' kubeVersion) is set at link time.
kube_version_flags() {
  local v=${KUBERNETES_VERSION#v}
  printf -- '-s -w -X k8s.io/component-base/version.gitVersion=%s -X k8s.io/component-base/version.gitMajor=%s -X k8s.io/component-base/version.gitMinor=%s -X k8s.io/component-base/version.gitTreeState=clean' \
    "$KUBERNETES_VERSION" "${v%%.*}" "$(cut -d. -f2 <<<"$v")"
}

id="$KUBERNETES_VERSION/$(sha256sum <"$HERE/controlplane/go.sum" | cut -c1-16)"
if ! fresh kubernetes "$id" || [[ ! -x "$BIN/kube-apiserver" ]]; then
  log "building kube-apiserver, kube-controller-manager, kube-scheduler and kubectl $KUBERNETES_VERSION (a few minutes)"
  (cd "$HERE/controlplane" && CGO_ENABLED=0 "$GO" build -trimpath -o "$BIN/" -ldflags "$(kube_version_flags)" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  stamp kubernetes "$id"
fi

id="$(sha256sum <"$HERE/etcd/go.sum" | cut -c1-16)"
if ! fresh etcd "$id" || [[ ! -x "$BIN/etcd" ]]; then
  log "building etcd"
  (cd "$HERE/etcd" && CGO_ENABLED=0 "$GO" build -trimpath -ldflags "-s -w" -o "$BIN/etcd" .)
  stamp etcd "$id"
fi

if ! fresh kwok "$KWOK_VERSION" || [[ ! -x "$BIN/kwok" || ! -f "$TOOLS/kwok-stages.yaml" ]]; then
  log "building kwok $KWOK_VERSION"
  GOBIN="$BIN" GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # kwok's own stages, from the same release: a node becomes Ready and keeps its lease; a pod
  # becomes Ready, a Job's pod completes, a deleted pod goes.
  dir="$(GOFLAGS=-mod=mod "$GO" mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  stages="$dir/kustomize/stage"
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
    pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    printf -- '---\n'
    cat "$stages/$f.yaml"
  done >"$TOOLS/kwok-stages.yaml"
  stamp kwok "$KWOK_VERSION"
fi

crds="$TOOLS/prometheus-operator-crd"
if ! fresh prometheus-operator-crd "$PROMETHEUS_OPERATOR_VERSION" || [[ ! -d "$crds" ]]; then
  log "fetching the Prometheus Operator's CRDs $PROMETHEUS_OPERATOR_VERSION"
  dir="$(cd "$TOOLS" && GOFLAGS=-mod=mod "$GO" mod download -json \
    "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir/example/prometheus-operator-crd" ]] || { log "no CRDs in $dir"; exit 1; }
  rm -rf "$crds" && mkdir -p "$crds"
  cp "$dir"/example/prometheus-operator-crd/*.yaml "$crds/"
  chmod -R u+w "$crds"
  stamp prometheus-operator-crd "$PROMETHEUS_OPERATOR_VERSION"
fi
printf '%s\n' "$TOOLS"
