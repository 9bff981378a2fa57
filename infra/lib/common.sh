# shellcheck shell=bash
# What the scripts that run the test infrastructure share (infra/kafka/kafka.sh,
# infra/postgres/postgres.sh): messages, the usage text, flag parsing, the start
# lock, port probes and the subcommand dispatch. Sourced after `set -euo pipefail`,
# never run. The sourcing script sets USAGE_END, the header line (a sed pattern)
# that ends its usage text.

# The script that sourced this file: its header is the usage text, its name
# prefixes every message.
INFRA_SCRIPT="${BASH_SOURCE[1]}"
INFRA_NAME="${INFRA_SCRIPT##*/}"
# shellcheck disable=SC2034 # the sourcing scripts keep their data under it
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '%s: %s\n' "$INFRA_NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The script's header from `# Usage:` to USAGE_END, to stderr; exit 2.
usage() {
  sed -n "/^# Usage:/,/${USAGE_END:?}/p" "$INFRA_SCRIPT" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# parse_flags FLAG=VARIABLE... -- ARGS...
# Sets each VARIABLE from `--FLAG VALUE` or `--FLAG=VALUE` in ARGS (the last one
# given wins); -h/--help prints the usage; any other argument is an error, and so
# is `--FLAG` without a value.
parse_flags() {
  local -A variable=()
  while [[ "$1" != -- ]]; do
    variable["--${1%%=*}"]="${1#*=}"
    shift
  done
  shift
  local flag
  while [[ $# -gt 0 ]]; do
    [[ "$1" == -h || "$1" == --help ]] && usage
    flag="${1%%=*}"
    [[ -n "$flag" && -n "${variable[$flag]:-}" ]] || die "unknown argument: $1"
    if [[ "$1" == *=* ]]; then
      printf -v "${variable[$flag]}" '%s' "${1#*=}"
      shift
    else
      [[ -n "${2:-}" ]] || die "$1 needs a value"
      printf -v "${variable[$flag]}" '%s' "$2"
      shift 2
    fi
  done
}

# dispatch "COMMAND..." ARGS...: runs cmd_<COMMAND> (dashes as underscores) with the
# rest of ARGS when ARGS start with one of the listed commands, else prints the usage.
dispatch() {
  local commands=" $1 " command="${2:-}"
  shift
  [[ $# -gt 0 ]] && shift
  [[ -n "$command" && "$commands" == *" $command "* ]] || usage
  "cmd_${command//-/_}" "$@"
}

# One start per data folder at a time: holds a lock on fd 9 until the script
# exits. Whatever the script leaves running must be started with 9>&- or it
# would hold the lock for its whole life.
hold_start_lock() {
  exec 9>"$1"
  flock -w 300 9 || die "timed out waiting for another start on ${1%/*}"
}

# What `start` says when the server for DIR already runs: $1 its details, $2 its
# port, which may not be the PORT asked for.
say_already_running() {
  log "already running for $DIR ($1)"
  [[ -z "$2" || "$2" == "$PORT" ]] || log "warning: requested port $PORT but it runs on $2"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

now_ns() { date +%s%N; }

# Milliseconds since a now_ns reading.
ms_since() { echo $((($(now_ns) - $1) / 1000000)); }
