#!/usr/bin/env bash
# A real Kubernetes control plane on this machine for the chart tests: etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler as built by infra/kubernetes/build.sh, with one node
# simulated by kwok (pods are scheduled, become Ready and Job pods complete; no container runs).
# Everything listens on 127.0.0.1 only; the Service and pod address ranges are labels, no traffic
# is ever sent to them. Admission is the API server's own (ServiceAccount, PodSecurity, quotas...).
#
# Usage:
#   cluster.sh start   [--port 56443] [--etcd-port 52379] [--dir DIR]
#   cluster.sh stop    [--dir DIR]
#   cluster.sh status  [--dir DIR]       # exit 0 running, 3 not running
#   cluster.sh destroy [--dir DIR]       # stop and delete the cluster's state
#
# Machine-readable output (stdout, one line), printed by `start` and by
# `status` when running:
#   KUBECONFIG=DIR/kubeconfig          (cluster-admin; the node is `kwok-node-0`)
# Everything else goes to stderr.
#
# Environment: KUBE_DIR (default var/kubernetes), KUBE_TOOLS (default .tools),
# KUBE_START_TIMEOUT (120).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034 # read by usage() in common.sh
USAGE_END='^# Everything else'
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$SCRIPT_DIR/../lib/common.sh"
START_TIMEOUT="${KUBE_START_TIMEOUT:-120}"
TOOLS="${KUBE_TOOLS:-$REPO_ROOT/.tools}"
BIN="$TOOLS/bin"
PROCESSES=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

PORT=56443
ETCD_PORT=52379
DIR="${KUBE_DIR:-$REPO_ROOT/var/kubernetes}"

parse_args() {
  parse_flags port=PORT etcd-port=ETCD_PORT dir=DIR -- "$@"
  [[ "$PORT" =~ ^[0-9]+$ && "$ETCD_PORT" =~ ^[0-9]+$ ]] || die "ports must be numbers"
  DIR="$(realpath -m -- "$DIR")"
  PKI="$DIR/pki"
  KUBECONFIG_FILE="$DIR/kubeconfig"
}

pid_of() { cat "$DIR/$1.pid" 2>/dev/null || true; }
alive() { local p; p="$(pid_of "$1")"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }
is_running() { alive kube-apiserver && alive etcd; }
running_port() { cat "$DIR/port" 2>/dev/null || true; }

# A CA, the API server's serving certificate, a cluster-admin client certificate and the service
# account signing key, made once per DIR.
make_pki() {
  [[ -f "$PKI/.done" ]] && return 0
  rm -rf "$PKI" && mkdir -p "$PKI" && chmod 700 "$PKI"
  local o=(-nodes -days 3650 -sha256)
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 "${o[@]}" -keyout ca.key -out ca.crt -subj "/CN=hubs-test-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\n' >san.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile san.ext -out apiserver.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=cluster-admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -sha256 -out admin.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr san.ext
  ) || die "could not make the cluster's certificates"
  : >"$PKI/.done"
}

write_kubeconfig() {
  cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: hubs-test
    cluster:
      server: https://127.0.0.1:$PORT
      certificate-authority: $PKI/ca.crt
users:
  - name: cluster-admin
    user:
      client-certificate: $PKI/admin.crt
      client-key: $PKI/admin.key
contexts:
  - name: hubs-test
    context: {cluster: hubs-test, user: cluster-admin}
current-context: hubs-test
EOF
  chmod 600 "$KUBECONFIG_FILE"
}

# launch NAME ARGS...: runs .tools/bin/NAME in its own session, logging to DIR/NAME.log. fd 9 (the
# start lock) is closed so the process does not hold it for its life.
launch() {
  local name=$1
  shift
  setsid "$BIN/$name" "$@" >>"$DIR/$name.log" 2>&1 9>&- </dev/null &
  echo $! >"$DIR/$name.pid"
}

wait_for() {
  local what=$1 deadline=$((SECONDS + START_TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what not ready after ${START_TIMEOUT}s (logs in $DIR)"
    for p in "${PROCESSES[@]}"; do
      if [[ -f "$DIR/$p.pid" ]] && ! alive "$p"; then
        tail -n 20 "$DIR/$p.log" >&2 || true
        die "$p exited (log: $DIR/$p.log)"
      fi
    done
    sleep 0.5
  done
}

kubectl_() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

cmd_start() {
  parse_args "$@"
  mkdir -p "$DIR"
  hold_start_lock "$DIR/.lock"
  if is_running; then
    say_already_running "port $(running_port)" "$(running_port)"
    echo "KUBECONFIG=$KUBECONFIG_FILE"
    return 0
  fi
  for b in "${PROCESSES[@]}" kubectl; do
    [[ -x "$BIN/$b" ]] || die "$BIN/$b is missing: run bash infra/kubernetes/build.sh"
  done
  port_open "$PORT" && die "port $PORT is already in use"
  port_open "$ETCD_PORT" && die "port $ETCD_PORT is already in use"
  local t0; t0="$(now_ns)"
  make_pki
  write_kubeconfig
  echo "$PORT" >"$DIR/port"

  # Durability is pointless for a test cluster's state.
  launch etcd --name hubs-test --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "hubs-test=http://127.0.0.1:$((ETCD_PORT + 1))" \
    --unsafe-no-fsync --log-level warn --quota-backend-bytes 2147483648
  wait_for etcd port_open "$ETCD_PORT"

  # --endpoint-reconciler-type=none: the `kubernetes` Service would otherwise point at 127.0.0.1,
  # which Endpoints refuse. PodSecurity and ServiceAccount admission are on by default.
  launch kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" --authorization-mode Node,RBAC \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --enable-priority-and-fairness=false --profiling=false --v 0
  wait_for kube-apiserver kubectl_ get --raw /readyz

  local kc=(--kubeconfig "$KUBECONFIG_FILE" --authentication-kubeconfig "$KUBECONFIG_FILE"
    --authorization-kubeconfig "$KUBECONFIG_FILE" --bind-address 127.0.0.1 --leader-elect=false)
  # The node lifecycle controller is among the defaults: without it the simulated node keeps its
  # not-ready taint. --secure-port 0: neither serves anything of its own here.
  launch kube-controller-manager "${kc[@]}" --secure-port 0 \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials --controllers '*' --profiling=false
  launch kube-scheduler "${kc[@]}" --secure-port 0 --profiling=false

  launch kwok --kubeconfig "$KUBECONFIG_FILE" --config "$TOOLS/kwok-stages.yaml" \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr 10.244.0.0/16 --node-ip 10.0.0.1 --node-lease-duration-seconds 40
  kubectl_ apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-a
status:
  allocatable: {cpu: "32", memory: 128Gi, pods: "250"}
  capacity: {cpu: "32", memory: 128Gi, pods: "250"}
EOF
  wait_for "the node" kubectl_ wait --for condition=Ready node/kwok-node-0 --timeout 5s
  # The node lifecycle controller lifts the not-ready taint once it has seen the node Ready.
  wait_for "the node's taints" bash -c "[[ -z \"\$(\"$BIN/kubectl\" --kubeconfig '$KUBECONFIG_FILE' get node kwok-node-0 -o jsonpath='{.spec.taints}')\" ]]"
  wait_for "the default service account" kubectl_ get serviceaccount default -n default
  log "started (port $PORT, state $DIR) in $(ms_since "$t0") ms"
  echo "KUBECONFIG=$KUBECONFIG_FILE"
}

cmd_stop() {
  parse_args "$@"
  local p name stopped=0
  for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do
    name="${PROCESSES[$i]}"
    p="$(pid_of "$name")"
    if [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$p" 2>/dev/null || true
      stopped=1
    fi
    rm -f "$DIR/$name.pid"
  done
  if ((stopped)); then log "stopped ($DIR)"; else log "not running ($DIR)"; fi
}

cmd_status() {
  parse_args "$@"
  if is_running; then
    log "running (port $(running_port), state $DIR)"
    echo "KUBECONFIG=$KUBECONFIG_FILE"
    return 0
  fi
  log "not running ($DIR)"
  return 3
}

cmd_destroy() {
  cmd_stop "$@"
  rm -rf "$DIR/etcd" "$PKI" "$KUBECONFIG_FILE" "$DIR"/*.log "$DIR/port" "$DIR/.lock"
  log "destroyed cluster state in $DIR"
}

dispatch "start stop status destroy" "$@"
