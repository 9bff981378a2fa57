#!/usr/bin/env bash
# Starts (and stops) a demo hub and the national reporting service on this machine:
# Kafka from infra/kafka, SQLite files (or DATABASE_URL), every process under honcho.
#   run.sh start | stop | logs | status | prepare (var/, keys and token only) | procfile
# HUBS_PROFILE=scaled (default: a process per service and role, infra/run/Procfile) or compact
# (the whole hub in one process, `hubs-hub all`, infra/run/Procfile.compact).
set -euo pipefail
# var/ holds signing keys, the personal-data key and SQLite databases: readable by their owner only.
umask 077
cd "$(dirname "$0")/../.."
ROOT=$PWD
VAR=${HUBS_VAR_DIR:-$ROOT/var}
RUN=$VAR/run
export HUBS_VAR_DIR=$VAR/data
export HUBS_HOST=${HUBS_HOST:-127.0.0.1}
# generated from services.toml: begin ports
export REFERRAL_PORT=${REFERRAL_PORT:-8001}
export ASSESSMENT_PORT=${ASSESSMENT_PORT:-8002}
export CARE_PORT=${CARE_PORT:-8003}
export OUTREACH_PORT=${OUTREACH_PORT:-8004}
export REPORTING_PORT=${REPORTING_PORT:-8005}
export NATIONAL_PORT=${NATIONAL_PORT:-8006}
export PORTAL_PORT=${PORTAL_PORT:-8000}
# The hub's services, each as name:the variable of its API's port.
HUB_SERVICES=(referral:REFERRAL_PORT assessment:ASSESSMENT_PORT care-coordination:CARE_PORT outreach:OUTREACH_PORT reporting:REPORTING_PORT)
# generated from services.toml: end ports
# The compact profile's one metrics port for the whole hub.
export HUB_METRICS_PORT=${HUB_METRICS_PORT:-9100}
HUBS_PROFILE=${HUBS_PROFILE:-scaled}
case "$HUBS_PROFILE" in
  scaled) PROCFILE=infra/run/Procfile ;;
  compact) PROCFILE=infra/run/Procfile.compact ;;
  *) echo "HUBS_PROFILE must be scaled or compact, not '$HUBS_PROFILE'" >&2; exit 2 ;;
esac
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}
export HUBS_HUB_ID=${HUBS_HUB_ID:-demo-hub} HUBS_HUB_NAME=${HUBS_HUB_NAME:-Demo hub} HUBS_REGION=${HUBS_REGION:-london}
export NATIONAL_DATABASE_URL=${NATIONAL_DATABASE_URL:-sqlite:///$HUBS_VAR_DIR/national-reporting.db}
export HUBS_RELAY_IDLE_SECONDS=${HUBS_RELAY_IDLE_SECONDS:-0.2}
# The demo trusts the development issuer (never in a real hub): `hubs-dev-token` makes tokens.
export HUBS_AUTH_DEV_ISSUER=true HUBS_DEV_ISSUER_KEY_FILE=$VAR/dev-issuer-key.pem
# The token the portal shows the referral API when it names a person's address (Procfile).
export PORTAL_SERVICE_TOKEN_FILE=$VAR/portal-service-token
# The demo hub signs its reports with this key (Procfile: reporting-relay); the national service
# takes reports only from the hubs its registry names, with their public keys (national-worker).
export REPORT_SIGNING_KEY_FILE=$VAR/report-signing-key.pem REPORT_SIGNING_KEY_ID=${HUBS_HUB_ID}-demo-1
export NATIONAL_HUB_REGISTRY_FILE=$VAR/national-hubs.json
PATH=$ROOT/.venv/bin:$PATH

personal_data_key() {
  # A key for the demo only, kept beside the demo data; a real hub sets HUBS_PERSONAL_DATA_KEYS.
  local key_file=$VAR/personal-data.key
  [ -s "$key_file" ] || python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" >"$key_file"
  chmod 600 "$key_file"
  cat "$key_file"
}

portal_service_token() {
  # Made once for this machine, readable by its owner only; a real hub keeps it in a Secret.
  [ -s "$PORTAL_SERVICE_TOKEN_FILE" ] || (umask 077 && python -c "import secrets; print(secrets.token_urlsafe(48))" >"$PORTAL_SERVICE_TOKEN_FILE")
  chmod 600 "$PORTAL_SERVICE_TOKEN_FILE"
}

clinical_notes_key() {
  # The assessment service's own key for outcome reasons, for the demo only; a real hub sets HUBS_CLINICAL_NOTES_KEYS.
  local key_file=$VAR/clinical-notes.key
  [ -s "$key_file" ] || python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" >"$key_file"
  chmod 600 "$key_file"
  cat "$key_file"
}

survey_participation_key_file() {
  # The secret that keys "already answered" tokens of staff surveys, outside the database.
  local key_file=$VAR/survey-participation.key
  [ -s "$key_file" ] || python -c "import secrets; print(secrets.token_urlsafe(32))" >"$key_file"
  chmod 600 "$key_file"
  echo "$key_file"
}

report_signing_key() {
  # The demo hub's Ed25519 key, made once (a real hub: openssl genpkey -algorithm ed25519, in a Secret),
  # and the national registry naming the hub with its public key, written again on every prepare.
  [ -s "$REPORT_SIGNING_KEY_FILE" ] || python -c "
import sys
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
key = Ed25519PrivateKey.generate().private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
open(sys.argv[1], 'wb').write(key)" "$REPORT_SIGNING_KEY_FILE"
  chmod 600 "$REPORT_SIGNING_KEY_FILE"
  python -c "
import json, sys
from cryptography.hazmat.primitives import serialization as s
key_file, key_id, hub_id, name, region, registry = sys.argv[1:]
public = s.load_pem_private_key(open(key_file, 'rb').read(), None).public_key()
pem = public.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo).decode()
hub = {'hub_id': hub_id, 'name': name, 'region': region, 'keys': [{'key_id': key_id, 'public_key': pem}]}
json.dump({'hubs': [hub]}, open(registry, 'w'), indent=2)" \
    "$REPORT_SIGNING_KEY_FILE" "$REPORT_SIGNING_KEY_ID" "$HUBS_HUB_ID" "$HUBS_HUB_NAME" "$HUBS_REGION" \
    "$NATIONAL_HUB_REGISTRY_FILE"
  chmod 600 "$NATIONAL_HUB_REGISTRY_FILE"
}

wait_ready() {
  local name=$1 url=$2 deadline=$((SECONDS + 90))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ((SECONDS > deadline)); then echo "$name did not become ready at $url; see make logs" >&2; return 1; fi
    sleep 0.5
  done
}

# var/ and the demo's keys and token, readable by their owner only (also what an earlier run,
# before umask 077, left readable by others).
prepare() {
  mkdir -p "$RUN" "$HUBS_VAR_DIR"
  chmod 700 "$VAR" "$RUN" "$HUBS_VAR_DIR"
  find "$VAR" -maxdepth 2 -type f \( -name '*.db*' -o -name '*.key' -o -name '*.pem' \) -exec chmod 600 {} +
  export HUBS_PERSONAL_DATA_KEYS=${HUBS_PERSONAL_DATA_KEYS:-$(personal_data_key)}
  export HUBS_CLINICAL_NOTES_KEYS=${HUBS_CLINICAL_NOTES_KEYS:-$(clinical_notes_key)}
  export HUBS_SURVEY_PARTICIPATION_KEY_FILE=${HUBS_SURVEY_PARTICIPATION_KEY_FILE:-$(survey_participation_key_file)}
  portal_service_token
  report_signing_key
}

start() {
  if [ -f "$RUN/honcho.pid" ] && kill -0 "$(cat "$RUN/honcho.pid")" 2>/dev/null; then
    echo "already running (make stop first)"; summary; return 0
  fi
  prepare
  if [ "$KAFKA_BOOTSTRAP_SERVERS" = "127.0.0.1:$KAFKA_PORT" ]; then
    bash infra/kafka/kafka.sh start --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" --dir "$VAR/kafka"
  fi
  local service
  for service in "${HUB_SERVICES[@]}"; do
    "hubs-${service%%:*}" migrate 2>>"$RUN/migrate.log"
  done
  HUBS_REPORTING_MODE=national HUBS_HUB_ID=national DATABASE_URL=$NATIONAL_DATABASE_URL \
    hubs-reporting migrate 2>>"$RUN/migrate.log"
  nohup honcho start -f "$PROCFILE" -d "$ROOT" --no-prefix >"$RUN/hubs.log" 2>&1 &
  echo $! >"$RUN/honcho.pid"
  echo "$HUBS_PROFILE" >"$RUN/profile"
  for service in "${HUB_SERVICES[@]}" national-reporting:NATIONAL_PORT portal:PORTAL_PORT; do
    local port_variable=${service##*:}
    wait_ready "${service%%:*}" "http://$HUBS_HOST:${!port_variable}/readyz"
  done
  summary
}

api_docs() {
  # Where each service of the hub documents its API.
  local service port_variable
  for service in "${HUB_SERVICES[@]}"; do
    port_variable=${service##*:}
    printf '  %-19s http://%s:%s/docs\n' "${service%%:*}" "$HUBS_HOST" "${!port_variable}"
  done
}

summary() {
  cat <<TXT

wellbeing-hubs is running: hub '$HUBS_HUB_ID' ($HUBS_REGION) and the national reporting service,
with synthetic demo data flowing every 2 seconds (profile: $(cat "$RUN/profile" 2>/dev/null || echo "$HUBS_PROFILE")).

  portal              http://$HUBS_HOST:$PORTAL_PORT/   (self-referral; development sign-in for staff)
$(api_docs)
  hub reporting       http://$HUBS_HOST:$REPORTING_PORT/v1/dataset
  national reporting  http://$HUBS_HOST:$NATIONAL_PORT/v1/national/dataset
  Kafka               $KAFKA_BOOTSTRAP_SERVERS
  metrics             /metrics of APIs on port+1300, relays on port+1100, workers on port+1200
                      (compact profile: the whole hub's on $HUB_METRICS_PORT, the national service's as above)
  logs                make logs   (file: $RUN/hubs.log)
  tokens              .venv/bin/hubs-dev-token --hub $HUBS_HUB_ID --role hub-lead   (clinician, referrer;
                      national-analyst with --hub national for the national service)
  stop                make stop

Try a self-referral:
  curl -s -X POST http://$HUBS_HOST:$REFERRAL_PORT/v1/self-referrals -H 'Content-Type: application/json' \\
    -d '{"name":"Sam Example","risk_screen":{"thoughts_of_self_harm":false,"risk_to_others":false},"consent_to_contact":true}'
  TOKEN=\$(HUBS_DEV_ISSUER_KEY_FILE=$HUBS_DEV_ISSUER_KEY_FILE .venv/bin/hubs-dev-token --hub national --role national-analyst)
  curl -s -H "Authorization: Bearer \$TOKEN" http://$HUBS_HOST:$NATIONAL_PORT/v1/national/dataset
TXT
}

stop() {
  if [ -f "$RUN/honcho.pid" ]; then
    local pid; pid=$(cat "$RUN/honcho.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/honcho.pid" "$RUN/profile"
  fi
  bash infra/kafka/kafka.sh stop --dir "$VAR/kafka" || true
  echo "stopped"
}

case "${1:-}" in
  start) start ;;
  prepare) prepare ;;
  stop) stop ;;
  logs) exec tail -n 100 -F "$RUN/hubs.log" ;;
  status) summary ;;
  procfile) echo "$PROCFILE" ;;
  *) echo "usage: $0 start|stop|logs|status|prepare|procfile" >&2; exit 2 ;;
esac
