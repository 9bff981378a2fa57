#!/usr/bin/env bash
# Installs the system packages the test suite needs on a fresh Debian 12
# machine, then fetches the Kafka jars. Idempotent and fast when everything is
# already there (no apt-get update unless a package is missing).
#
#   postgresql  -> initdb/pg_ctl/psql for infra/postgres/postgres.sh
#   prometheus  -> promtool, to check alerting/recording rules
#   maven       -> fetching the Kafka jars (infra/kafka/pom.xml)
#   ShellCheck  -> lint of the infra shell scripts (package shellcheck; make lint)
#   openjdk-17-jre-headless, only when no java is on PATH (Kafka 4.x needs 17+)
#
# Usage: infra/tools/install-system.sh        (as root, or with passwordless sudo)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

log() { printf 'install-system.sh: %s\n' "$*"; }
die() { printf 'install-system.sh: error: %s\n' "$*" >&2; exit 1; }

WANTED=(postgresql prometheus maven shellcheck)
command -v java >/dev/null 2>&1 || WANTED+=(openjdk-17-jre-headless)

installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]; }

MISSING=()
for p in "${WANTED[@]}"; do
  if installed "$p"; then log "ok: $p already installed"; else MISSING+=("$p"); fi
done

if ((${#MISSING[@]})); then
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      die "missing packages: ${MISSING[*]}; run as root: apt-get update && apt-get install -y --no-install-recommends ${MISSING[*]}"
    fi
  fi
  log "installing: ${MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start daemons (a Prometheus on :9090 or the
  # distro's Postgres cluster on :5432): tests start their own. policy-rc.d
  # exit 101 = "action forbidden"; only added if the machine has none.
  POLICY=/usr/sbin/policy-rc.d
  if [[ ! -e "$POLICY" ]]; then
    trap '"${SUDO[@]}" rm -f "$POLICY"' EXIT
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 0755 "$POLICY"
  fi
  # Wait for the dpkg lock instead of failing if another apt run holds it.
  APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -qq
  "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null
  for p in "${MISSING[@]}"; do installed "$p" || die "$p did not install"; done
  log "installed: ${MISSING[*]}"
fi

# Sanity: the tools the suite calls must be on PATH now.
command -v promtool >/dev/null || die "promtool not found after installing prometheus"
command -v mvn >/dev/null || die "mvn not found after installing maven"
PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
if [[ ! -x "$PG_BIN/initdb" ]]; then
  # shellcheck disable=SC2012
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
fi
[[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL server binaries not found"

log "postgres: $("$PG_BIN/postgres" --version)"
log "promtool: $(promtool --version 2>&1 | head -n1)"
log "maven: $(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g')"
log "java: $(java -version 2>&1 | head -n1)"

"$REPO_ROOT/infra/kafka/kafka.sh" fetch
log "done"
