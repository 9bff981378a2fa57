{{/* vim: set filetype=mustache: */}}

{{/* national.names.fullname: the release's base name, at most 40 characters so component names fit in 63. */}}
{{- define "national.names.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* national.names.process: name of one process of one service, e.g. <fullname>-reporting-api. Takes (dict "root" $ "meta" $meta "component" "api"). */}}
{{- define "national.names.process" -}}
{{- printf "%s-%s-%s" (include "national.names.fullname" .root) .meta.name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* national.names.serviceAccount: the service account every pod runs as: the chart's own, or the one named, or the namespace's `default` when the chart makes none and none is named. */}}
{{- define "national.names.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "national.names.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* national.services.catalogue: the one service of the chart, reporting in national mode, keyed as in .Values.services. */}}
{{- define "national.services.catalogue" -}}
reporting: {name: reporting, command: hubs-reporting, image: reporting, schema: national_reporting}
{{- end -}}

{{/* national.services.components: its long-running processes; in national mode nothing goes to an outbox, so no relay. */}}
{{- define "national.services.components" -}}
[api, worker]
{{- end -}}

{{/* national.labels.standard: app.kubernetes.io labels of every resource; takes (dict "root" $ "meta" $meta "component" "api") or the root context. */}}
{{- define "national.labels.standard" -}}
{{- $root := default . .root -}}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: wellbeing-hubs
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
{{ include "national.labels.selector" . }}
{{- end -}}

{{/* national.labels.selector: the immutable labels that select one process's pods (or the release's, from the root context). */}}
{{- define "national.labels.selector" -}}
{{- $root := default . .root -}}
app.kubernetes.io/instance: {{ $root.Release.Name }}
wellbeing-hubs.nhs.uk/hub-id: {{ $root.Values.national.id | quote }}
{{- if .meta }}
app.kubernetes.io/name: {{ .meta.name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{/* national.images.service: full image reference of a service; the digest wins over the tag. */}}
{{- define "national.images.service" -}}
{{- $image := .root.Values.image -}}
{{- $repository := printf "%s/%s/%s" $image.registry $image.repositoryPrefix .meta.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* national.env.service: environment of a process; values come from values.yaml, secrets by reference only. */}}
{{- define "national.env.service" -}}
{{- $v := .root.Values -}}
- name: HUBS_HUB_ID
  value: {{ $v.national.id | quote }}
- name: HUBS_HUB_NAME
  value: {{ $v.national.name | quote }}
- name: HUBS_LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: HUBS_VAR_DIR
  value: /tmp
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ $v.kafka.bootstrapServers | quote }}
- name: HUBS_TOPIC_PREFIX
  value: {{ $v.kafka.topicPrefix | quote }}
- name: HUBS_CONSUMER_MAX_ATTEMPTS
  value: {{ $v.consumerMaxAttempts | quote }}
- name: HUBS_API_BIND
  value: "0.0.0.0:8080"
{{- if ne .component "migrate" }}
{{- /* Every process, the API too, serves /metrics on its own port: never on the API's. */}}
- name: HUBS_METRICS_PORT
  value: "9090"
{{- end }}
- name: HUBS_REPORTING_MODE
  value: national
{{- $sec := $v.kafka.security }}
{{- if and (eq .component "worker") (ne $sec.protocol "PLAINTEXT") }}
- name: HUBS_KAFKA_SECURITY_PROTOCOL
  value: {{ $sec.protocol | quote }}
- name: HUBS_KAFKA_SSL_CA_FILE
  value: /etc/hubs/kafka/ca/ca.crt
{{- if eq $sec.protocol "SASL_SSL" }}
- name: HUBS_KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: HUBS_KAFKA_SASL_USERNAME
  value: {{ $sec.username | quote }}
- name: HUBS_KAFKA_SASL_PASSWORD_FILE
  value: /etc/hubs/kafka/user/password
{{- else if $sec.userSecret }}
- name: HUBS_KAFKA_SSL_CERT_FILE
  value: /etc/hubs/kafka/user/user.crt
- name: HUBS_KAFKA_SSL_KEY_FILE
  value: /etc/hubs/kafka/user/user.key
{{- end }}
{{- end }}
{{- if eq .component "worker" }}
- name: HUBS_NATIONAL_HUB_REGISTRY_FILE
  value: /etc/hubs/hub-registry/{{ $v.hubRegistry.key }}
- name: HUBS_NATIONAL_REPORT_VERSION_STEP
  value: {{ $v.hubRegistry.versionStep | quote }}
{{- end }}
- name: NATIONAL_KAFKA_BOOTSTRAP_SERVERS
  value: {{ $v.kafka.bootstrapServers | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.database.existingSecret | quote }}
      key: {{ index $v.database.urlKeys .key | quote }}
{{- if $v.database.schemaPerService }}
- name: DATABASE_SCHEMA
  value: {{ .meta.schema | quote }}
{{- end }}
{{- if eq .component "api" }}
- name: HUBS_API_THREADS
  value: {{ $v.apiThreads | quote }}
- name: HUBS_API_WORKERS
  value: {{ $v.apiWorkers | quote }}
{{- if gt (int $v.apiWorkers) 1 }}
{{- /* Several workers add up their metrics through files here, in the in-memory /tmp. */}}
- name: PROMETHEUS_MULTIPROC_DIR
  value: /tmp/prometheus-metrics
{{- end }}
- name: HUBS_AUTH_ISSUER
  value: {{ $v.auth.issuer | quote }}
- name: HUBS_AUTH_AUDIENCE
  value: {{ $v.auth.audience | quote }}
- name: HUBS_AUTH_ALGORITHMS
  value: {{ $v.auth.algorithms | quote }}
{{- if $v.auth.jwksUrl }}
- name: HUBS_AUTH_JWKS_URL
  value: {{ $v.auth.jwksUrl | quote }}
{{- end }}
{{- if $v.auth.publicKeysConfigMap }}
{{- $files := list }}
{{- range $v.auth.publicKeysConfigMapKeys }}{{ $files = append $files (printf "/etc/hubs/auth-keys/%s" .) }}{{ end }}
- name: HUBS_AUTH_PUBLIC_KEY_FILES
  value: {{ join "," $files | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* national.pod.spec: the parts of a pod spec every process shares (security, /tmp, scheduling). */}}
{{- define "national.pod.spec" -}}
{{- $v := .root.Values -}}
serviceAccountName: {{ include "national.names.serviceAccount" .root }}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext: {{- toYaml $v.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
{{- with $v.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.topologySpreadConstraints }}
topologySpreadConstraints: {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir:
      medium: Memory
      sizeLimit: {{ $v.tmpSizeLimit }}
{{- if and (eq .component "api") $v.auth.publicKeysConfigMap }}
  - name: auth-keys
    configMap:
      name: {{ $v.auth.publicKeysConfigMap }}
{{- end }}
{{- if eq .component "worker" }}
  - name: hub-registry
    configMap:
      name: {{ include "national.names.hubRegistry" .root }}
{{- $sec := $v.kafka.security }}
{{- if ne $sec.protocol "PLAINTEXT" }}
  - name: kafka-ca
    secret:
      secretName: {{ $sec.caSecret }}
      defaultMode: 0440
      items:
        - {key: {{ $sec.caKey | quote }}, path: ca.crt}
{{- if $sec.userSecret }}
  - name: kafka-user
    secret:
      secretName: {{ $sec.userSecret }}
      defaultMode: 0440
      items:
      {{- if eq $sec.protocol "SASL_SSL" }}
        - {key: {{ $sec.passwordKey | quote }}, path: password}
      {{- else }}
        - {key: {{ $sec.certKey | quote }}, path: user.crt}
        - {key: {{ $sec.keyKey | quote }}, path: user.key}
      {{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* national.names.hubRegistry: the ConfigMap of the hub registry (given, or made from hubRegistry.hubs). */}}
{{- define "national.names.hubRegistry" -}}
{{- default (printf "%s-hub-registry" (include "national.names.fullname" .)) .Values.hubRegistry.existingConfigMap -}}
{{- end -}}

{{/* national.container.mounts: /tmp for every container, the issuer's public keys for the API. */}}
{{- define "national.container.mounts" -}}
- name: tmp
  mountPath: /tmp
{{- if and (eq .component "api") .root.Values.auth.publicKeysConfigMap }}
- name: auth-keys
  mountPath: /etc/hubs/auth-keys
  readOnly: true
{{- end }}
{{- if eq .component "worker" }}
- name: hub-registry
  mountPath: /etc/hubs/hub-registry
  readOnly: true
{{- if ne .root.Values.kafka.security.protocol "PLAINTEXT" }}
- {name: kafka-ca, mountPath: /etc/hubs/kafka/ca, readOnly: true}
{{- if .root.Values.kafka.security.userSecret }}
- {name: kafka-user, mountPath: /etc/hubs/kafka/user, readOnly: true}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* national.validate.values: fails the render with a clear message when a required value is missing or wrong. */}}
{{- define "national.validate.values" -}}
{{- $v := .Values -}}
{{- $errors := list -}}
{{- if not (regexMatch "^[a-z0-9][a-z0-9-]{1,62}$" $v.national.id) -}}
{{- $errors = append $errors "national.id must be set: lower case letters, digits and dashes (e.g. north-cumbria)" -}}
{{- end -}}
{{- if not $v.kafka.bootstrapServers -}}{{- $errors = append $errors "kafka.bootstrapServers must be set" -}}{{- end -}}
{{- if not $v.database.existingSecret -}}{{- $errors = append $errors "database.existingSecret must name a Secret with the national database URL" -}}{{- end -}}
{{- if not (and $v.auth.issuer $v.auth.audience) -}}{{- $errors = append $errors "auth.issuer and auth.audience must be set" -}}{{- end -}}
{{- if and $v.auth.publicKeysConfigMap (not $v.auth.publicKeysConfigMapKeys) -}}
{{- $errors = append $errors "auth.publicKeysConfigMapKeys must list the PEM files of auth.publicKeysConfigMap" -}}
{{- end -}}
{{- if not (or $v.auth.jwksUrl $v.auth.publicKeysConfigMap) -}}
{{- $errors = append $errors "set auth.jwksUrl or auth.publicKeysConfigMap so the APIs can check token signatures" -}}
{{- end -}}
{{- if and (ne $v.kafka.security.protocol "PLAINTEXT") (not $v.kafka.security.caSecret) -}}
{{- $errors = append $errors "kafka.security.caSecret must name the Secret of the cluster's CA certificate" -}}
{{- end -}}
{{- if and (eq $v.kafka.security.protocol "SASL_SSL") (not (and $v.kafka.security.username $v.kafka.security.userSecret)) -}}
{{- $errors = append $errors "kafka.security.username and kafka.security.userSecret must be set with SASL_SSL" -}}
{{- end -}}
{{- if not (or $v.hubRegistry.hubs $v.hubRegistry.existingConfigMap) -}}
{{- $errors = append $errors "hubRegistry.hubs (or hubRegistry.existingConfigMap) must list the hubs and their public keys: only their signed reports are accepted" -}}
{{- end -}}
{{- if and $v.kafka.topics.create (not $v.kafka.topics.strimziCluster) -}}
{{- $errors = append $errors "kafka.topics.strimziCluster must be set when kafka.topics.create is true" -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\n\nVALUES VALIDATION:\n  - %s" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

{{/* national.notes.text: what NOTES.txt tells the operator after install or upgrade (a helper so tests can render it). */}}
{{- define "national.notes.text" -}}
{{- $catalogue := include "national.services.catalogue" . | fromYaml -}}
{{- $ctx := dict "root" . "meta" (index $catalogue "reporting") "component" "api" -}}
The national reporting service ({{ .Values.national.name }}) is deployed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}:
its worker reads every hub's reports from {{ .Values.kafka.topicPrefix }}national.hub-reports.v1 on {{ .Values.kafka.bootstrapServers }},
its API serves the national data set (counts only, small numbers suppressed); migrations ran as a hook Job first.

  API: http://{{ include "national.names.process" $ctx }}.{{ .Release.Namespace }}.svc:{{ .Values.apiService.port }}/v1/national/dataset  (docs at /docs)

Check that it is ready:
  kubectl -n {{ .Release.Namespace }} get pods -l app.kubernetes.io/instance={{ .Release.Name }}
  kubectl -n {{ .Release.Namespace }} port-forward svc/{{ include "national.names.process" $ctx }} 8080:{{ .Values.apiService.port }}
  curl -s http://127.0.0.1:8080/readyz
{{- if .Values.networkPolicy.enabled }}

Network policies deny all traffic by default: callers of the API must match networkPolicy.apiFrom,
and Prometheus must match networkPolicy.metricsFrom (it alone reaches port 9090, where every process serves /metrics).
{{- end }}
{{- end -}}
