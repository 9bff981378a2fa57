#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and CI: initdb on first start, tuned
# for speed instead of durability (fsync/full_page_writes/synchronous_commit
# off), reachable only on 127.0.0.1 with trust auth, superuser `postgres`,
# database `hubs`.
#
# Usage:
#   postgres.sh start   [--port 55432] [--dir DIR]
#   postgres.sh stop    [--dir DIR]
#   postgres.sh status  [--dir DIR]       # exit 0 running, 3 not running
#   postgres.sh destroy [--dir DIR]       # stop and delete the cluster
#
# Machine-readable output (stdout, one line), printed by `start` and by
# `status` when running:
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/hubs
# Everything else goes to stderr.
#
# Environment: POSTGRES_PORT, POSTGRES_DIR (defaults for the flags; the dir
# defaults to var/postgres in the repo), PG_BINDIR (server binaries),
# POSTGRES_START_TIMEOUT (60).
#
# Running as root (CI): PostgreSQL refuses to run as root, so the server runs
# as the system user `hubspg` (created if missing) via runuser, and DIR is
# chowned to it. If hubspg cannot reach DIR (an ancestor such as /root is not
# traversable), the cluster is placed in /var/tmp/hubs-postgres/<hash of DIR>
# instead and DIR/cluster is a symlink to it; `destroy` removes both.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034 # read by usage() in common.sh
USAGE_END='^# Everything else'
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$SCRIPT_DIR/../lib/common.sh"
PG_USER_OS="hubspg"
DB_NAME="hubs"
START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
FALLBACK_ROOT="/var/tmp/hubs-postgres"

find_bindir() {
  local d
  if [[ -n "${PG_BINDIR:-}" ]]; then
    d="$PG_BINDIR"
  else
    # Debian's pg_config (postgresql-common) points at the server's bin dir;
    # fall back to the newest /usr/lib/postgresql/<ver>/bin.
    d="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -z "$d" || ! -x "$d/initdb" ]]; then
      # shellcheck disable=SC2012
      d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
    fi
  fi
  [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]] ||
    die "PostgreSQL server binaries not found (run infra/tools/install-system.sh or set PG_BINDIR)"
  printf '%s\n' "$d"
}

# ---- running as the right OS user ------------------------------------------
AS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && AS_ROOT=1

ensure_os_user() {
  ((AS_ROOT)) || return 0
  id -u "$PG_USER_OS" >/dev/null 2>&1 && return 0
  log "creating system user $PG_USER_OS (PostgreSQL will not run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$PG_USER_OS" 2>/dev/null ||
    id -u "$PG_USER_OS" >/dev/null 2>&1 || die "could not create user $PG_USER_OS"
}

# Run a server-side command as the cluster owner. cd / first: hubspg may not
# be allowed into the caller's cwd (e.g. /root), which makes initdb/pg_ctl warn.
as_owner() {
  if ((AS_ROOT)); then
    (cd / && runuser -u "$PG_USER_OS" -- "$@")
  else
    "$@"
  fi
}

# ---- argument parsing -------------------------------------------------------
PORT="${POSTGRES_PORT:-55432}"
DIR="${POSTGRES_DIR:-$REPO_ROOT/var/postgres}"

parse_args() {
  parse_flags port=PORT dir=DIR -- "$@"
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "--port must be a number"
  DIR="$(realpath -m -- "$DIR")"
  [[ "$DIR" != *"'"* && "$DIR" != *'"'* ]] || die "--dir must not contain quotes"
  BINDIR="$(find_bindir)"
  resolve_cluster_dir
  PGDATA="$CLUSTER/data"
  LOGFILE="$CLUSTER/postgres.log"
}

# CLUSTER is where the server's files live: DIR itself when the server user
# can reach it, else a per-DIR folder under /var/tmp (see header). Only `start`
# (PREPARE=1) creates and chowns folders.
PREPARE=0
resolve_cluster_dir() {
  CLUSTER="$DIR"
  if ((PREPARE)); then mkdir -p "$DIR"; fi
  ((AS_ROOT)) || return 0
  ensure_os_user
  local h; h="$(printf '%s' "$DIR" | sha256sum | cut -c1-16)"
  if ((!PREPARE)); then
    # stop/status/destroy: find an existing cluster, change nothing.
    [[ -d "$FALLBACK_ROOT/$h" ]] && CLUSTER="$FALLBACK_ROOT/$h"
    return 0
  fi
  if runuser -u "$PG_USER_OS" -- test -x "$DIR" 2>/dev/null; then
    chown "$PG_USER_OS:$PG_USER_OS" "$DIR"
    return 0
  fi
  CLUSTER="$FALLBACK_ROOT/$h"
  mkdir -p "$FALLBACK_ROOT"
  chmod 0755 "$FALLBACK_ROOT"
  mkdir -p "$CLUSTER"
  chown "$PG_USER_OS:$PG_USER_OS" "$CLUSTER"
  ln -sfn "$CLUSTER" "$DIR/cluster"
  if [[ ! -f "$CLUSTER/.announced" ]]; then
    log "$PG_USER_OS cannot traverse to $DIR; cluster lives in $CLUSTER ($DIR/cluster links to it)"
    : >"$CLUSTER/.announced"
  fi
}

# ---- helpers ----------------------------------------------------------------
is_running() { [[ -f "$PGDATA/PG_VERSION" ]] && as_owner "$BINDIR/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

running_port() { sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null; }

url() { echo "DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$1/$DB_NAME"; }

init_cluster() {
  # .initialized is written last, so a half-done initdb is redone from scratch.
  [[ -f "$CLUSTER/.initialized" ]] && return 0
  rm -rf "$PGDATA"
  log "initdb in $PGDATA"
  # -A trust: local socket and 127.0.0.1/::1 connections need no password.
  # --no-locale: C collation, identical sorting on every machine.
  as_owner "$BINDIR/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$CLUSTER/initdb.log" 2>&1 || { cat "$CLUSTER/initdb.log" >&2; die "initdb failed"; }
  as_owner tee -a "$PGDATA/postgresql.conf" >/dev/null <<'EOF'

# ---- infra/postgres/postgres.sh: throwaway test cluster ----
# Durability is pointless for test data; these make writes and DDL much faster.
fsync = off
synchronous_commit = off
full_page_writes = off
# Never reachable from outside this machine.
listen_addresses = '127.0.0.1'
# pytest workers, app pools and benchmarks together need more than 100.
max_connections = 200
# port and unix_socket_directories are passed by postgres.sh on each start.
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  : >"$CLUSTER/.initialized"
}

socket_dir() {
  # A Unix socket path is limited to 107 bytes; with a deep DIR (pytest tmp
  # paths) fall back to TCP only rather than failing to start.
  local sock="$PGDATA/.s.PGSQL.$PORT"
  if ((${#sock} <= 107)); then printf '%s\n' "$PGDATA"; else printf '\n'; fi
}

ensure_db() {
  local psql=("$BINDIR/psql" -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -v ON_ERROR_STOP=1)
  if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    "${psql[@]}" -c "CREATE DATABASE $DB_NAME" >/dev/null
    log "created database $DB_NAME"
  fi
}

# ---- subcommands ------------------------------------------------------------
cmd_start() {
  PREPARE=1
  parse_args "$@"
  hold_start_lock "$DIR/.lock"
  if is_running; then
    local p; p="$(running_port)"
    say_already_running "port ${p:-?}" "$p"
    url "${p:-$PORT}"
    return 0
  fi
  port_open "$PORT" && die "port $PORT is already in use"
  local t0; t0="$(now_ns)"
  init_cluster
  local sock; sock="$(socket_dir)"
  [[ -n "$sock" ]] || log "data dir path too long for a Unix socket; TCP only"
  # fd 9 (our lock) is closed so the postmaster does not keep it open forever.
  as_owner "$BINDIR/pg_ctl" -D "$PGDATA" -l "$LOGFILE" -w -t "$START_TIMEOUT" \
    -o "-p $PORT -k '$sock'" start >/dev/null 9>&- ||
    { tail -n 30 "$LOGFILE" >&2 || true; die "pg_ctl start failed (log: $LOGFILE)"; }
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -t 2; do
    ((SECONDS < deadline)) || { tail -n 30 "$LOGFILE" >&2 || true; die "not ready after ${START_TIMEOUT}s"; }
    sleep 0.2
  done
  ensure_db "$PORT"
  log "started (port $PORT, data $PGDATA) in $(ms_since "$t0") ms"
  url "$PORT"
}

cmd_stop() {
  parse_args "$@"
  if ! is_running; then
    log "not running ($DIR)"
    return 0
  fi
  # fast = roll back open transactions and disconnect clients, then stop.
  if ! as_owner "$BINDIR/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
    log "fast shutdown timed out; using immediate"
    as_owner "$BINDIR/pg_ctl" -D "$PGDATA" -m immediate -w -t 30 stop >/dev/null
  fi
  log "stopped ($DIR)"
}

cmd_status() {
  parse_args "$@"
  if is_running; then
    local p; p="$(running_port)"
    log "running (port ${p:-?}, data $PGDATA)"
    url "${p:-$PORT}"
    return 0
  fi
  log "not running ($DIR)"
  return 3
}

cmd_destroy() {
  cmd_stop "$@"
  rm -rf "$PGDATA" "$CLUSTER/.initialized" "$CLUSTER/.announced" "$CLUSTER/initdb.log" "$LOGFILE" "$DIR/.lock"
  if [[ "$CLUSTER" != "$DIR" ]]; then
    rm -rf "$CLUSTER" "$DIR/cluster"
  fi
  log "destroyed cluster for $DIR"
}

dispatch "start stop status destroy" "$@"
