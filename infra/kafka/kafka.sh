#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) for local tests
# and CI, run straight from the Maven Central jars listed in pom.xml (no
# tarball download, no Docker).
#
# Usage:
#   kafka.sh fetch
#   kafka.sh start  [--port 9092] [--controller-port 9093] [--dir DIR]
#   kafka.sh start  --sasl-ssl-port P --tls-dir TLS --admin-user NAME:PASSWORD
#                   [--scram-user NAME:PASSWORD]... [--controller-port 9093] [--dir DIR]
#   kafka.sh stop   [--dir DIR]
#   kafka.sh kill   [--dir DIR]          # SIGKILL, for fault-injection tests
#   kafka.sh status [--dir DIR]          # exit 0 running, 3 not running
#   kafka.sh run-class MAIN_CLASS [ARGS...]   # e.g. org.apache.kafka.tools.ProducerPerformance
#
# Machine-readable output (stdout, one line): KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:PORT
# (printed by `start`, and by `status` when running). Everything else goes to stderr.
#
# With --sasl-ssl-port the broker's only client listener is SASL_SSL (SCRAM-SHA-512
# over TLS) on that port, and the StandardAuthorizer refuses whatever no ACL allows.
# TLS holds PEM files: ca.crt, broker.crt (its subject alternative names must include
# IP:127.0.0.1) and broker.key (unencrypted PKCS#8). The SCRAM users (--admin-user and
# every --scram-user) are added when the storage is formatted, i.e. on the first start
# of DIR only. The admin user and the controller listener's principal (User:ANONYMOUS,
# plaintext on loopback) are super users. DIR/admin.properties is a client config of
# the admin user for the Kafka tools (run-class ... --command-config DIR/admin.properties).
#
# Environment: KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_DATA_DIR (defaults for the
# flags), KAFKA_LIB_DIR (jar folder, default infra/kafka/lib), KAFKA_HEAP_OPTS,
# KAFKA_JVM_OPTS, KAFKA_START_TIMEOUT (90), KAFKA_STOP_TIMEOUT (30), JAVA_HOME.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034 # read by usage() in common.sh
USAGE_END='^# KAFKA_JVM_OPTS'
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$SCRIPT_DIR/../lib/common.sh"
POM="$SCRIPT_DIR/pom.xml"
LIB_DIR="${KAFKA_LIB_DIR:-$SCRIPT_DIR/lib}"
TOOLS_LOG4J="$SCRIPT_DIR/tools-log4j2.properties"
STAMP_FILE=".fetched"          # inside LIB_DIR: kafka version + pom checksum
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

java_bin() {
  local j
  if [[ -n "${JAVA_HOME:-}" ]]; then j="$JAVA_HOME/bin/java"; else j="$(command -v java || true)"; fi
  [[ -n "$j" && -x "$j" ]] || die "java not found (Kafka 4.x brokers need Java 17+)"
  # Kafka 4.x brokers refuse to run on Java < 17.
  local major
  major="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
  [[ "${major%%.*}" -ge 17 ]] 2>/dev/null || die "$j is Java ${major:-?}; Kafka 4.x needs 17+"
  printf '%s\n' "$j"
}

pom_kafka_version() {
  sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n1
}

wanted_stamp() {
  printf 'kafka=%s pom-sha256=%s\n' "$(pom_kafka_version)" "$(sha256sum "$POM" | cut -d' ' -f1)"
}

lib_is_current() {
  local v; v="$(pom_kafka_version)"
  [[ -f "$LIB_DIR/$STAMP_FILE" && -f "$LIB_DIR/kafka_2.13-$v.jar" ]] &&
    [[ "$(cat "$LIB_DIR/$STAMP_FILE")" == "$(wanted_stamp)" ]]
}

cmd_fetch() {
  if lib_is_current; then
    log "jars for Kafka $(pom_kafka_version) already in $LIB_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (run infra/tools/install-system.sh)"
  mkdir -p "$(dirname "$LIB_DIR")"
  # Serialise concurrent fetches (e.g. parallel test workers calling start).
  exec 8>"$LIB_DIR.lock"
  flock -w 600 8 || die "timed out waiting for another fetch"
  if lib_is_current; then log "jars already fetched by another process"; return 0; fi
  log "fetching Kafka $(pom_kafka_version) jars into $LIB_DIR (mvn)"
  local tmp="$LIB_DIR.tmp.$$"
  rm -rf "$tmp"
  # Copy into a temp folder, then swap, so an interrupted fetch never leaves a
  # half-populated lib/ that looks usable.
  # The sed drops the bare colour-reset codes Debian's Maven 3.8.7 prints even
  # in quiet batch mode.
  if ! mvn -B -q -ntp -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 |
      sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2; then
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  wanted_stamp >"$tmp/$STAMP_FILE"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars"
  exec 8>&-
}

# ---- argument parsing -------------------------------------------------------
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
DIR="${KAFKA_DATA_DIR:-$REPO_ROOT/var/kafka}"
SASL_SSL_PORT=""
TLS_DIR=""
ADMIN_USER=""
SCRAM_USERS=()

parse_args() {
  # --scram-user may be given many times: taken out before the single-valued flags.
  local rest=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --scram-user=*) SCRAM_USERS+=("${1#*=}"); shift ;;
      --scram-user) [[ -n "${2:-}" ]] || die "$1 needs a value"; SCRAM_USERS+=("$2"); shift 2 ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  parse_flags port=PORT controller-port=CPORT dir=DIR sasl-ssl-port=SASL_SSL_PORT tls-dir=TLS_DIR \
    admin-user=ADMIN_USER -- ${rest[@]+"${rest[@]}"}
  if [[ -n "$SASL_SSL_PORT" ]]; then
    # The SASL_SSL listener takes the place of the plaintext one.
    PORT="$SASL_SSL_PORT"
    [[ -n "$TLS_DIR" ]] || die "--sasl-ssl-port needs --tls-dir"
    [[ -n "$ADMIN_USER" ]] || die "--sasl-ssl-port needs --admin-user NAME:PASSWORD"
    TLS_DIR="$(realpath -m -- "$TLS_DIR")"
    local user
    for user in "$ADMIN_USER" ${SCRAM_USERS[@]+"${SCRAM_USERS[@]}"}; do
      # Names and passwords end up in --add-scram and a JAAS line: no quotes, commas or brackets.
      [[ "$user" =~ ^[A-Za-z0-9._-]+:[A-Za-z0-9._~-]+$ ]] ||
        die "SCRAM users are NAME:PASSWORD of letters, digits, '.', '_', '-' (password also '~'): ${user%%:*}"
    done
  elif [[ -n "$TLS_DIR$ADMIN_USER" || ${#SCRAM_USERS[@]} -gt 0 ]]; then
    die "--tls-dir, --admin-user and --scram-user need --sasl-ssl-port"
  fi
  [[ "$PORT" =~ ^[0-9]+$ && "$CPORT" =~ ^[0-9]+$ ]] || die "ports must be numbers"
  [[ "$PORT" != "$CPORT" ]] || die "--port and --controller-port must differ"
  # Absolute: it ends up in configs and in the pid check. Only start creates it.
  DIR="$(realpath -m -- "$DIR")"
  PID_FILE="$DIR/kafka.pid"
  PROPS="$DIR/server.properties"
}

# ---- helpers ----------------------------------------------------------------
# Alive = has a non-empty command line. Unlike `kill -0`, this is false for a
# zombie (a JVM that died but was not reaped yet).
proc_alive() {
  local c
  c="$(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null)" && [[ -n "$c" ]]
}

# Prints the pid if the broker for $DIR is alive. Checks the command line too,
# so a stale pid file whose pid was reused by another process is ignored.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmdline; cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmdline" == *" kafka.Kafka $PROPS"* ]] || return 1
  printf '%s\n' "$pid"
}

props_port() {  # port of the client listener (PLAINTEXT or SASL_SSL) in the written server.properties
  sed -n 's/^listeners=\(PLAINTEXT\|SASL_SSL\):\/\/127\.0\.0\.1:\([0-9]*\),.*/\2/p' "$PROPS" 2>/dev/null | head -n1
}

props_cport() {  # port of the CONTROLLER listener
  sed -n 's/^listeners=.*CONTROLLER:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$PROPS" 2>/dev/null | head -n1
}

# A SIGKILLed JVM can look gone (its main thread is a zombie) while its other
# threads still hold the listening sockets for a moment; wait until they are
# closed so an immediate restart on the same ports does not fail.
wait_ports_closed() {
  local p c i
  p="$(props_port)"; c="$(props_cport)"
  for ((i = 0; i < 150; i++)); do
    { [[ -n "$p" ]] && port_open "$p"; } || { [[ -n "$c" ]] && port_open "$c"; } || return 0
    sleep 0.1
  done
  log "warning: ports ${p:-?}/${c:-?} still open 15 s after the broker exited"
}

# Kafka's Uuid string form: 16 random bytes, URL-safe base64, no padding.
# Kafka itself never hands out ids starting with '-' (CLI parsers choke on them).
random_cluster_id() {
  local id
  while :; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { printf '%s\n' "$id"; return; }
  done
}

# The listeners of a plaintext broker: PLAINTEXT for clients, CONTROLLER for the quorum.
plaintext_listeners() {
  cat <<EOF
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
EOF
}

# The listeners of a secured broker: SASL_SSL (SCRAM-SHA-512 over TLS) for clients and
# between brokers; the controller listener stays plaintext, on loopback only.
sasl_ssl_listeners() {
  local admin="${ADMIN_USER%%:*}" password="${ADMIN_USER#*:}"
  cat <<EOF
listeners=SASL_SSL://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=SASL_SSL://127.0.0.1:$PORT
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin" password="$password";
ssl.keystore.type=PEM
ssl.keystore.location=$DIR/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.crt
ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# The controller listener's principal (plaintext: ANONYMOUS) and the admin, who
# creates topics and ACLs.
super.users=User:ANONYMOUS;User:$admin
EOF
}

# A client config of the admin user: the readiness probe and the Kafka tools use it.
sasl_ssl_client_config() {
  local admin="${ADMIN_USER%%:*}" password="${ADMIN_USER#*:}"
  cat <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin" password="$password";
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.crt
EOF
}

write_tls_keystore() {
  local f
  for f in ca.crt broker.crt broker.key; do
    [[ -r "$TLS_DIR/$f" ]] || die "no readable $TLS_DIR/$f (--tls-dir needs ca.crt, broker.crt, broker.key)"
  done
  # A PEM key store is the private key followed by its certificate chain, in one file.
  (umask 077 && cat "$TLS_DIR/broker.key" "$TLS_DIR/broker.crt" >"$DIR/broker-keystore.pem")
}

write_configs() {
  mkdir -p "$DIR/logs" "$DIR/data"
  local listeners
  if [[ -n "$SASL_SSL_PORT" ]]; then
    write_tls_keystore
    listeners="$(sasl_ssl_listeners)"
  else
    listeners="$(plaintext_listeners)"
  fi
  # Passwords of SCRAM users may be in it: readable by its owner only.
  (umask 077 && : >"$PROPS")
  # Rewritten on every start so port changes apply; node.id and log.dirs never
  # change, so the data survives restarts.
  cat >"$PROPS" <<EOF
# Written by infra/kafka/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
# Static single-voter quorum (not a dynamic --standalone one): the controller
# endpoint is then taken from this file, so a restart may use other ports.
controller.quorum.voters=1@127.0.0.1:$CPORT
controller.listener.names=CONTROLLER
$listeners
log.dirs=$DIR/data
# One broker: every internal topic must live with replication factor 1.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
default.replication.factor=1
# Fewer internal partitions than the default 50: the first consumer group /
# transaction on a 2-core machine is then ready much sooner.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
num.partitions=3
auto.create.topics.enable=true
delete.topic.enable=true
# Tests should not wait 3 s for the first rebalance.
group.initial.rebalance.delay.ms=0
# After a SIGKILL the restarted broker cannot register until the old
# incarnation's session expires (default 9 s); 4 s keeps fault tests quick.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
EOF
  cat >"$DIR/log4j2.properties" <<EOF
# Broker logging: WARN in general, INFO for the server lifecycle, to a file.
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $DIR/logs/server.log
appender.file.filePattern = $DIR/logs/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = FILE
logger.server.name = kafka.server
logger.server.level = INFO
logger.kafka.name = kafka.Kafka
logger.kafka.level = INFO
logger.srv.name = org.apache.kafka.server
logger.srv.level = INFO
EOF
  # Short client timeouts so one probe attempt fails fast instead of the
  # admin client's default 60 s.
  (umask 077 && : >"$DIR/probe.properties")
  cat >"$DIR/probe.properties" <<EOF
request.timeout.ms=4000
default.api.timeout.ms=6000
socket.connection.setup.timeout.ms=2000
socket.connection.setup.timeout.max.ms=2000
EOF
  rm -f "$DIR/admin.properties"
  if [[ -n "$SASL_SSL_PORT" ]]; then
    sasl_ssl_client_config >>"$DIR/probe.properties"
    (umask 077 && sasl_ssl_client_config >"$DIR/admin.properties")
  fi
}

format_storage() {
  if [[ -f "$DIR/data/meta.properties" ]]; then
    return 0
  fi
  local cid; cid="$(random_cluster_id)"
  log "formatting storage in $DIR/data (cluster id $cid)"
  local scram=() user
  if [[ -n "$SASL_SSL_PORT" ]]; then
    for user in "$ADMIN_USER" ${SCRAM_USERS[@]+"${SCRAM_USERS[@]}"}; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=${user%%:*},password=${user#*:}]")
    done
  fi
  # --ignore-formatted: harmless if a parallel start got there first.
  "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$TOOLS_LOG4J" \
    -cp "$LIB_DIR/*" kafka.tools.StorageTool format \
    --config "$PROPS" --cluster-id "$cid" --ignore-formatted ${scram[@]+"${scram[@]}"} \
    >"$DIR/logs/format.out" 2>&1 || {
      cat "$DIR/logs/format.out" >&2
      die "storage format failed"
    }
}

probe_ready() {  # one API round-trip: the listener only serves requests once the broker is unfenced
  timeout 20 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" \
    -cp "$LIB_DIR/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$PORT" --command-config "$DIR/probe.properties" --list \
    >/dev/null 2>>"$DIR/logs/probe.err"
}

show_logs() {
  log "---- last lines of $DIR/logs/kafka.out ----"
  tail -n 30 "$DIR/logs/kafka.out" >&2 2>/dev/null || true
  log "---- last lines of $DIR/logs/server.log ----"
  tail -n 30 "$DIR/logs/server.log" >&2 2>/dev/null || true
}

# ---- subcommands ------------------------------------------------------------
cmd_start() {
  parse_args "$@"
  mkdir -p "$DIR"
  hold_start_lock "$DIR/.start.lock"
  local pid
  if pid="$(running_pid)"; then
    local p; p="$(props_port)"
    say_already_running "pid $pid, port ${p:-?}" "$p"
    echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${p:-$PORT}"
    return 0
  fi
  rm -f "$PID_FILE"
  port_open "$PORT" && die "port $PORT is already in use"
  port_open "$CPORT" && die "controller port $CPORT is already in use"

  lib_is_current || cmd_fetch
  JAVA="$(java_bin)"
  write_configs
  format_storage

  local t0; t0="$(now_ns)"
  : >"$DIR/logs/probe.err"
  # Small heap: tests and CI share a 2-core box with Postgres and the apps.
  local heap="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
  local jvm="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"
  # setsid -f: the broker gets its own session (a Ctrl-C in the calling
  # terminal/test run does not hit it) and this script never waits on it.
  # The inner shell publishes its pid atomically and then execs java, so the
  # pid file holds the JVM's pid. Lock fds 8/9 are closed for the broker, or it
  # would hold the start lock for its whole life.
  # shellcheck disable=SC2086,SC2016
  setsid -f bash -c 'echo $$ >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$PID_FILE" \
    "$JAVA" $heap $jvm \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" \
    -Dkafka.logs.dir="$DIR/logs" \
    -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" \
    </dev/null >>"$DIR/logs/kafka.out" 2>&1 8>&- 9>&-

  local deadline=$((SECONDS + START_TIMEOUT))
  pid=""
  while [[ ! -s "$PID_FILE" ]]; do
    ((SECONDS < deadline)) || die "broker launcher never wrote $PID_FILE"
    sleep 0.05
  done
  pid="$(cat "$PID_FILE")"

  # Wait: JVM alive -> TCP port accepts -> a real API call succeeds.
  while :; do
    if ! proc_alive "$pid"; then
      show_logs
      rm -f "$PID_FILE"
      die "broker exited during startup (see $DIR/logs)"
    fi
    if ((SECONDS >= deadline)); then
      show_logs
      tail -n 5 "$DIR/logs/probe.err" >&2 || true
      log "broker not ready after ${START_TIMEOUT}s; stopping it"
      end_broker TERM
      exit 1
    fi
    if port_open "$PORT" && probe_ready; then
      break
    fi
    sleep 0.5
  done
  log "started (pid $pid, ${PORT}/${CPORT}, dir $DIR) in $(ms_since "$t0") ms"
  echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT"
}

# Ends the broker with SIGTERM (SIGKILL if it has not exited STOP_TIMEOUT later)
# or, given KILL, at once with SIGKILL; returns when its ports are closed.
end_broker() {
  local signal="${1:-TERM}" pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running ($DIR)"
    return 0
  fi
  kill "-$signal" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while [[ "$signal" == TERM ]] && proc_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "no exit ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  while proc_alive "$pid"; do sleep 0.1; done
  wait_ports_closed
  rm -f "$PID_FILE"
  if [[ "$signal" == KILL ]]; then
    log "killed (pid $pid, SIGKILL); data kept in $DIR/data"
  else
    log "stopped (pid $pid)"
  fi
}

cmd_stop() { parse_args "$@"; end_broker TERM; }

cmd_kill() { parse_args "$@"; end_broker KILL; }

cmd_status() {
  parse_args "$@"
  local pid
  if pid="$(running_pid)"; then
    local p; p="$(props_port)"
    log "running (pid $pid, port ${p:-?}, dir $DIR)"
    echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${p:-$PORT}"
    return 0
  fi
  log "not running ($DIR)"
  return 3
}

cmd_run_class() {
  [[ $# -ge 1 ]] || die "run-class needs a main class"
  lib_is_current || cmd_fetch
  local java; java="$(java_bin)"
  # shellcheck disable=SC2086
  exec "$java" ${KAFKA_TOOLS_HEAP_OPTS:--Xmx512m} \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIB_DIR/*" "$@"
}

dispatch "fetch start stop kill status run-class" "$@"
