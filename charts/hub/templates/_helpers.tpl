{{/* vim: set filetype=mustache: */}}

{{/* hub.names.fullname: the release's base name, at most 40 characters so component names fit in 63. */}}
{{- define "hub.names.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* hub.names.process: name of one process of one service, e.g. <fullname>-referral-api. Takes (dict "root" $ "meta" $meta "component" "api"). */}}
{{- define "hub.names.process" -}}
{{- printf "%s-%s-%s" (include "hub.names.fullname" .root) .meta.name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* hub.names.portalServiceToken: the Secret holding the token the portal shows the referral API (given, or made by the chart). */}}
{{- define "hub.names.portalServiceToken" -}}
{{- default (printf "%s-portal-service-token" (include "hub.names.fullname" .)) .Values.portalServiceToken.existingSecret -}}
{{- end -}}

{{/* hub.names.serviceAccount: the service account every pod runs as: the chart's own, or the one named, or the namespace's `default` when the chart makes none and none is named. */}}
{{- define "hub.names.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "hub.names.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The catalogue of the services, hub.services.catalogue, is in _catalogue.tpl, generated from services.toml. */}}

{{/* hub.services.components: the long-running processes of every service: an api, a worker and a relay (profile scaled), or one process that runs all three (profile compact). */}}
{{- define "hub.services.components" -}}
{{- if eq .Values.profile "compact" -}}
[all]
{{- else -}}
[api, worker, relay]
{{- end -}}
{{- end -}}

{{/* hub.process.parts: what a process of a service runs: its own component, or the api, worker and relay for `all`. Takes (dict "component" "all") or any context with a component. */}}
{{- define "hub.process.parts" -}}
{{- if eq .component "all" -}}
[api, worker, relay]
{{- else -}}
[{{ .component }}]
{{- end -}}
{{- end -}}

{{/* hub.process.autoscaled: "true" when a process is scaled by an autoscaler: its autoscaling.enabled, empty meaning yes (profile compact has no autoscaler). Takes the process's settings. */}}
{{- define "hub.process.autoscaled" -}}
{{- with (default dict .).autoscaling -}}
{{- if or .enabled (kindIs "invalid" .enabled) -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* hub.compact.settings: the settings of a service's one process in profile compact: its compact block's resources, one replica, and the extra environment, volumes and mounts of its api, worker and relay together (each once; the same name set two ways fails the render). Takes (dict "key" $key "svc" $svc). */}}
{{- define "hub.compact.settings" -}}
{{- $settings := dict "replicaCount" 1 "resources" .svc.compact.resources -}}
{{- range $field, $keyOf := dict "extraEnv" "name" "extraVolumes" "name" "extraVolumeMounts" "mountPath" -}}
{{- $seen := dict -}}
{{- $merged := list -}}
{{- range $part := list "api" "worker" "relay" -}}
{{- range (index (default dict (index $.svc $part)) $field | default list) -}}
{{- $id := toString (index . $keyOf) -}}
{{- if hasKey $seen $id -}}
{{- if ne (toJson (index $seen $id)) (toJson .) -}}
{{- fail (printf "\n\nVALUES VALIDATION:\n  - services.%s: %s %s is set differently for the api, worker or relay, which run as one process in profile compact: set it once, the same way" $.key $field $id) -}}
{{- end -}}
{{- else -}}
{{- $_ := set $seen $id . -}}
{{- $merged = append $merged . -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $settings $field $merged -}}
{{- end -}}
{{- toYaml $settings -}}
{{- end -}}

{{/* hub.labels.standard: app.kubernetes.io labels of every resource; takes (dict "root" $ "meta" $meta "component" "api") or the root context. */}}
{{- define "hub.labels.standard" -}}
{{- $root := default . .root -}}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: wellbeing-hubs
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
{{ include "hub.labels.selector" . }}
{{- end -}}

{{/* hub.labels.selector: the immutable labels that select one process's pods (or the release's, from the root context). */}}
{{- define "hub.labels.selector" -}}
{{- $root := default . .root -}}
app.kubernetes.io/instance: {{ $root.Release.Name }}
wellbeing-hubs.nhs.uk/hub-id: {{ $root.Values.hub.id | quote }}
{{- if .meta }}
app.kubernetes.io/name: {{ .meta.name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{/* hub.images.service: full image reference of a service (or of the portal, with .meta.image "portal"): its own repository, tag or digest when set (services.<name>.image, portal.image), else the shared ones; a digest wins over a tag. Each image has its own digest, so the shared image.digest is only for a registry that serves them all under one. */}}
{{- define "hub.images.service" -}}
{{- $image := .root.Values.image -}}
{{- $own := default dict .image -}}
{{- $repository := default (printf "%s/%s/%s" $image.registry $image.repositoryPrefix .meta.image) $own.repository -}}
{{- $digest := default $image.digest $own.digest -}}
{{- if $digest -}}
{{- printf "%s@%s" $repository $digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default (default .root.Chart.AppVersion $image.tag) $own.tag) -}}
{{- end -}}
{{- end -}}

{{/* hub.env.extra: the operator's own environment, volumes and mounts of a process: the hub-wide ones (extraEnv, extraVolumes, extraVolumeMounts) then the process's own (services.<name>.<process>.extra*). Takes (dict "root" $ "settings" $processSettings "field" "extraEnv"). */}}
{{- define "hub.env.extra" -}}
{{- $all := concat (default list (index .root.Values .field)) (default list (index (default dict .settings) .field)) -}}
{{- if $all }}
{{- toYaml $all }}
{{- end }}
{{- end -}}

{{/* hub.env.service: environment of a process (of each part it runs: api, worker, relay); values come from values.yaml, secrets by reference only. */}}
{{- define "hub.env.service" -}}
{{- $v := .root.Values -}}
{{- $parts := include "hub.process.parts" . | fromYamlArray -}}
- name: HUBS_HUB_ID
  value: {{ $v.hub.id | quote }}
- name: HUBS_HUB_NAME
  value: {{ $v.hub.name | quote }}
- name: HUBS_REGION
  value: {{ $v.hub.region | quote }}
- name: HUBS_LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: HUBS_OPENING_HOURS
  value: {{ $v.hub.openingHours | quote }}
- name: HUBS_TIME_ZONE
  value: {{ $v.hub.timeZone | quote }}
- name: HUBS_URGENT_FIRST_CONTACT_HOURS
  value: {{ $v.hub.urgentFirstContactHours | quote }}
- name: HUBS_VAR_DIR
  value: /tmp
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ $v.kafka.bootstrapServers | quote }}
- name: HUBS_TOPIC_PREFIX
  value: {{ $v.kafka.topicPrefix | quote }}
- name: HUBS_CONSUMER_MAX_ATTEMPTS
  value: {{ $v.consumerMaxAttempts | quote }}
{{- if $v.kafka.topics.create }}
{{- /* Strimzi makes the topics (KafkaTopics of this chart): the processes only wait for them. */}}
- name: HUBS_KAFKA_CREATE_TOPICS
  value: "false"
{{- end }}
{{- include "hub.kafka.env" . }}
- name: HUBS_API_BIND
  value: "0.0.0.0:8080"
{{- if ne .component "migrate" }}
{{- /* Every process, the API too, serves /metrics on its own port: never on the API's. */}}
- name: HUBS_METRICS_PORT
  value: "9090"
{{- end }}
{{- if eq .component "all" }}
{{- /* Requests finish within this on SIGTERM; then the worker and relay stop after their step, before the pod's grace period ends. */}}
- name: HUBS_GRACE_SECONDS
  value: {{ sub (int $v.terminationGracePeriodSeconds) 10 | quote }}
{{- end }}
{{- if and (eq .meta.name "reporting") (has "relay" $parts) }}
- name: HUBS_REPORT_SIGNING_KEY_FILE
  value: /etc/hubs/report-signing/key.pem
- name: HUBS_REPORT_SIGNING_KEY_ID
  value: {{ $v.reportSigning.keyId | quote }}
{{- end }}
{{- if eq .meta.name "reporting" }}
- name: HUBS_REPORTING_MODE
  value: hub
- name: NATIONAL_KAFKA_BOOTSTRAP_SERVERS
  value: {{ default $v.kafka.bootstrapServers $v.kafka.nationalBootstrapServers | quote }}
{{- with $v.kafka.national.topicPrefix }}
- name: HUBS_NATIONAL_TOPIC_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- end }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.database.existingSecret | quote }}
      key: {{ index $v.database.urlKeys .key | quote }}
{{- if $v.database.schemaPerService }}
- name: DATABASE_SCHEMA
  value: {{ .meta.schema | quote }}
{{- end }}
{{- if and (eq .meta.name "referral") (ne .component "migrate") }}
- name: HUBS_PERSONAL_DATA_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $v.personalData.existingSecret | quote }}
      key: {{ $v.personalData.keysKey | quote }}
{{- end }}
{{- $duty := $v.dutyNotices }}
{{- if and (eq .meta.name "referral") (has "worker" $parts) $duty.email }}
- name: HUBS_DUTY_EMAIL
  value: {{ $duty.email | quote }}
- name: HUBS_DUTY_EMAIL_FROM
  value: {{ $duty.from | quote }}
- name: HUBS_PORTAL_URL
  value: {{ $v.hub.portalUrl | quote }}
{{- if $duty.smtp.host }}
- name: HUBS_SMTP_HOST
  value: {{ $duty.smtp.host | quote }}
- name: HUBS_SMTP_PORT
  value: {{ $duty.smtp.port | quote }}
- name: HUBS_SMTP_STARTTLS
  value: {{ $duty.smtp.starttls | quote }}
{{- if $duty.smtp.username }}
- name: HUBS_SMTP_USERNAME
  value: {{ $duty.smtp.username | quote }}
- name: HUBS_SMTP_PASSWORD_FILE
  value: /etc/hubs/duty/smtp/password
{{- end }}
{{- end }}
{{- if $duty.notify.templateId }}
- name: HUBS_NOTIFY_TEMPLATE_ID
  value: {{ $duty.notify.templateId | quote }}
- name: HUBS_NOTIFY_API_KEY_FILE
  value: /etc/hubs/duty/notify/api-key
{{- end }}
{{- end }}
{{- if and (eq .meta.name "assessment") (or (has "api" $parts) (eq .component "migrate")) }}
- name: HUBS_CLINICAL_NOTES_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $v.personalData.existingSecret | quote }}
      key: {{ $v.personalData.clinicalNotesKeysKey | quote }}
{{- end }}
{{- if and (eq .meta.name "outreach") (has "api" $parts) }}
- name: HUBS_SURVEY_PARTICIPATION_KEY_FILE
  value: /etc/hubs/survey-participation/key
{{- end }}
{{- if has "api" $parts }}
- name: HUBS_API_THREADS
  value: {{ $v.apiThreads | quote }}
{{- /* In profile compact the API is threads of the one process: no gunicorn workers. */}}
{{- if eq .component "api" }}
- name: HUBS_API_WORKERS
  value: {{ $v.apiWorkers | quote }}
{{- if gt (int $v.apiWorkers) 1 }}
{{- /* Several workers add up their metrics through files here, in the in-memory /tmp. */}}
- name: PROMETHEUS_MULTIPROC_DIR
  value: /tmp/prometheus-metrics
{{- end }}
{{- end }}
{{- /* X-Forwarded-For counts only from these proxies (and, at referral, from the portal's token). */}}
- name: HUBS_TRUSTED_PROXIES
  value: {{ join "," $v.trustedProxies | quote }}
{{- if eq .meta.name "referral" }}
- name: HUBS_PORTAL_SERVICE_TOKEN_FILE
  value: /etc/hubs/portal-service-token/token
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
{{- with include "hub.env.extra" (dict "root" .root "settings" .settings "field" "extraEnv") }}
{{ . }}
{{- end }}
{{- end -}}

{{/* hub.kafka.clusters: the Kafka clusters a process talks to with its own settings, as a list of (dict "prefix" "dir" "security"): the hub's for every worker and relay, the national one for reporting's relay and worker when it is a cluster of its own. */}}
{{- define "hub.kafka.clusters" -}}
{{- $v := .root.Values -}}
{{- $parts := include "hub.process.parts" . | fromYamlArray -}}
{{- $kafka := or (has "worker" $parts) (has "relay" $parts) -}}
{{- $clusters := list -}}
{{- if and $kafka (ne $v.kafka.security.protocol "PLAINTEXT") -}}
{{- $clusters = append $clusters (dict "prefix" "HUBS_KAFKA_" "name" "kafka" "security" $v.kafka.security) -}}
{{- end -}}
{{- if and (eq .meta.name "reporting") $kafka $v.kafka.nationalBootstrapServers -}}
{{- $clusters = append $clusters (dict "prefix" "HUBS_NATIONAL_KAFKA_" "name" "national-kafka" "security" $v.kafka.national.security) -}}
{{- end -}}
{{- toYaml $clusters -}}
{{- end -}}

{{/* hub.kafka.env: how a process reaches each of its Kafka clusters (TLS, SCRAM); secrets as mounted files only. */}}
{{- define "hub.kafka.env" -}}
{{- range include "hub.kafka.clusters" . | fromYamlArray }}
{{- $dir := printf "/etc/hubs/%s" .name }}
- name: {{ .prefix }}SECURITY_PROTOCOL
  value: {{ .security.protocol | quote }}
{{- if ne .security.protocol "PLAINTEXT" }}
- name: {{ .prefix }}SSL_CA_FILE
  value: {{ $dir }}/ca/ca.crt
{{- if eq .security.protocol "SASL_SSL" }}
- name: {{ .prefix }}SASL_MECHANISM
  value: SCRAM-SHA-512
- name: {{ .prefix }}SASL_USERNAME
  value: {{ .security.username | quote }}
- name: {{ .prefix }}SASL_PASSWORD_FILE
  value: {{ $dir }}/user/password
{{- else if .security.userSecret }}
- name: {{ .prefix }}SSL_CERT_FILE
  value: {{ $dir }}/user/user.crt
- name: {{ .prefix }}SSL_KEY_FILE
  value: {{ $dir }}/user/user.key
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* hub.kafka.volumes: the CA and user Secrets of each Kafka cluster a process reaches securely. */}}
{{- define "hub.kafka.volumes" -}}
{{- range include "hub.kafka.clusters" . | fromYamlArray }}
{{- if ne .security.protocol "PLAINTEXT" }}
- name: {{ .name }}-ca
  secret:
    secretName: {{ .security.caSecret }}
    defaultMode: 0440
    items:
      - {key: {{ .security.caKey | quote }}, path: ca.crt}
{{- if .security.userSecret }}
- name: {{ .name }}-user
  secret:
    secretName: {{ .security.userSecret }}
    defaultMode: 0440
    items:
    {{- if eq .security.protocol "SASL_SSL" }}
      - {key: {{ .security.passwordKey | quote }}, path: password}
    {{- else }}
      - {key: {{ .security.certKey | quote }}, path: user.crt}
      - {key: {{ .security.keyKey | quote }}, path: user.key}
    {{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* hub.kafka.mounts: where those Secrets are read. */}}
{{- define "hub.kafka.mounts" -}}
{{- range include "hub.kafka.clusters" . | fromYamlArray }}
{{- if ne .security.protocol "PLAINTEXT" }}
- {name: {{ .name }}-ca, mountPath: /etc/hubs/{{ .name }}/ca, readOnly: true}
{{- if .security.userSecret }}
- {name: {{ .name }}-user, mountPath: /etc/hubs/{{ .name }}/user, readOnly: true}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* hub.pod.spec: the parts of a pod spec every process shares (security, /tmp, scheduling). */}}
{{- define "hub.pod.spec" -}}
{{- $v := .root.Values -}}
{{- $parts := include "hub.process.parts" . | fromYamlArray -}}
serviceAccountName: {{ include "hub.names.serviceAccount" .root }}
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
{{- if and (has "api" $parts) $v.auth.publicKeysConfigMap }}
  - name: auth-keys
    configMap:
      name: {{ $v.auth.publicKeysConfigMap }}
{{- end }}
{{- if and (has "api" $parts) (eq .meta.name "referral") }}
  - name: portal-service-token
    secret:
      secretName: {{ include "hub.names.portalServiceToken" .root }}
      defaultMode: 0440
      items:
        - {key: {{ $v.portalServiceToken.key | quote }}, path: token}
{{- end }}
{{- if and (has "api" $parts) (eq .meta.name "outreach") }}
  - name: survey-participation
    secret:
      secretName: {{ $v.personalData.existingSecret }}
      defaultMode: 0440
      items:
        - {key: {{ $v.personalData.surveyParticipationKeyKey | quote }}, path: key}
{{- end }}
{{- with include "hub.kafka.volumes" . }}
{{ . | indent 2 }}
{{- end }}
{{- $duty := $v.dutyNotices }}
{{- if and (eq .meta.name "referral") (has "worker" $parts) $duty.email }}
{{- if and $duty.smtp.host $duty.smtp.username }}
  - name: duty-smtp
    secret:
      secretName: {{ $duty.smtp.existingSecret }}
      defaultMode: 0440
      items:
        - {key: {{ $duty.smtp.passwordKey | quote }}, path: password}
{{- end }}
{{- if $duty.notify.templateId }}
  - name: duty-notify
    secret:
      secretName: {{ $duty.notify.existingSecret }}
      defaultMode: 0440
      items:
        - {key: {{ $duty.notify.apiKeyKey | quote }}, path: api-key}
{{- end }}
{{- end }}
{{- if and (has "relay" $parts) (eq .meta.name "reporting") }}
  - name: report-signing
    secret:
      secretName: {{ $v.reportSigning.existingSecret }}
      defaultMode: 0440
      items:
        - {key: {{ $v.reportSigning.key | quote }}, path: key.pem}
{{- end }}
{{- with include "hub.env.extra" (dict "root" .root "settings" .settings "field" "extraVolumes") }}
{{ . | indent 2 }}
{{- end }}
{{- end -}}

{{/* hub.container.mounts: /tmp for every container, the issuer's public keys for the API, the portal's service token for referral's. */}}
{{- define "hub.container.mounts" -}}
{{- $parts := include "hub.process.parts" . | fromYamlArray -}}
- name: tmp
  mountPath: /tmp
{{- if and (has "api" $parts) .root.Values.auth.publicKeysConfigMap }}
- name: auth-keys
  mountPath: /etc/hubs/auth-keys
  readOnly: true
{{- end }}
{{- if and (has "api" $parts) (eq .meta.name "referral") }}
- name: portal-service-token
  mountPath: /etc/hubs/portal-service-token
  readOnly: true
{{- end }}
{{- if and (has "api" $parts) (eq .meta.name "outreach") }}
- name: survey-participation
  mountPath: /etc/hubs/survey-participation
  readOnly: true
{{- end }}
{{- with include "hub.kafka.mounts" . }}
{{ . }}
{{- end }}
{{- $duty := .root.Values.dutyNotices }}
{{- if and (eq .meta.name "referral") (has "worker" $parts) $duty.email }}
{{- if and $duty.smtp.host $duty.smtp.username }}
- {name: duty-smtp, mountPath: /etc/hubs/duty/smtp, readOnly: true}
{{- end }}
{{- if $duty.notify.templateId }}
- {name: duty-notify, mountPath: /etc/hubs/duty/notify, readOnly: true}
{{- end }}
{{- end }}
{{- if and (has "relay" $parts) (eq .meta.name "reporting") }}
- name: report-signing
  mountPath: /etc/hubs/report-signing
  readOnly: true
{{- end }}
{{- with include "hub.env.extra" (dict "root" .root "settings" .settings "field" "extraVolumeMounts") }}
{{ . }}
{{- end }}
{{- end -}}

{{/* hub.validate.values: fails the render with a clear message when a required value is missing or wrong. */}}
{{- define "hub.validate.values" -}}
{{- $v := .Values -}}
{{- $errors := list -}}
{{- if not (regexMatch "^[a-z0-9][a-z0-9-]{1,62}$" $v.hub.id) -}}
{{- $errors = append $errors "hub.id must be set: lower case letters, digits and dashes (e.g. north-cumbria)" -}}
{{- end -}}
{{- if not $v.hub.name -}}{{- $errors = append $errors "hub.name must be set" -}}{{- end -}}
{{- if not $v.hub.region -}}{{- $errors = append $errors "hub.region must be set: the NHS England region of the hub" -}}{{- end -}}
{{- if not $v.kafka.bootstrapServers -}}{{- $errors = append $errors "kafka.bootstrapServers must be set" -}}{{- end -}}
{{- if not $v.database.existingSecret -}}{{- $errors = append $errors "database.existingSecret must name a Secret with each service's database URL" -}}{{- end -}}
{{- if and (or $v.services.referral.enabled $v.services.assessment.enabled $v.services.outreach.enabled) (not $v.personalData.existingSecret) -}}
{{- $errors = append $errors "personalData.existingSecret must name a Secret with the referral, assessment and outreach services' keys" -}}
{{- end -}}
{{- if not (and $v.auth.issuer $v.auth.audience) -}}{{- $errors = append $errors "auth.issuer and auth.audience must be set" -}}{{- end -}}
{{- if and $v.auth.publicKeysConfigMap (not $v.auth.publicKeysConfigMapKeys) -}}
{{- $errors = append $errors "auth.publicKeysConfigMapKeys must list the PEM files of auth.publicKeysConfigMap" -}}
{{- end -}}
{{- if not (or $v.auth.jwksUrl $v.auth.publicKeysConfigMap) -}}
{{- $errors = append $errors "set auth.jwksUrl or auth.publicKeysConfigMap so the APIs can check token signatures" -}}
{{- end -}}
{{- range $name, $sec := dict "kafka.security" $v.kafka.security "kafka.national.security" $v.kafka.national.security -}}
{{- if and (ne $sec.protocol "PLAINTEXT") (not $sec.caSecret) -}}
{{- $errors = append $errors (printf "%s.caSecret must name the Secret of the cluster's CA certificate with %s" $name $sec.protocol) -}}
{{- end -}}
{{- if and (eq $sec.protocol "SASL_SSL") (not (and $sec.username $sec.userSecret)) -}}
{{- $errors = append $errors (printf "%s.username and %s.userSecret must be set with SASL_SSL" $name $name) -}}
{{- end -}}
{{- end -}}
{{- if and (ne $v.kafka.national.security.protocol "PLAINTEXT") (not $v.kafka.nationalBootstrapServers) -}}
{{- $errors = append $errors "kafka.national.security applies to a national cluster of its own: set kafka.nationalBootstrapServers" -}}
{{- end -}}
{{- if and $v.kafka.user.create (not $v.kafka.topics.strimziCluster) -}}
{{- $errors = append $errors "kafka.topics.strimziCluster must name the Strimzi cluster the KafkaUser belongs to" -}}
{{- end -}}
{{- if and $v.dutyNotices.email (not (or $v.dutyNotices.smtp.host $v.dutyNotices.notify.templateId)) -}}
{{- $errors = append $errors "dutyNotices.email needs a way to send: dutyNotices.smtp.host or dutyNotices.notify.templateId" -}}
{{- end -}}
{{- if and $v.dutyNotices.email (not $v.hub.portalUrl) -}}
{{- $errors = append $errors "hub.portalUrl must be set: duty notices link to the case in the portal" -}}
{{- end -}}
{{- if and $v.dutyNotices.smtp.username (not $v.dutyNotices.smtp.existingSecret) -}}
{{- $errors = append $errors "dutyNotices.smtp.existingSecret must hold the SMTP user's password" -}}
{{- end -}}
{{- if and $v.dutyNotices.notify.templateId (not $v.dutyNotices.notify.existingSecret) -}}
{{- $errors = append $errors "dutyNotices.notify.existingSecret must hold the GOV.UK Notify API key" -}}
{{- end -}}
{{- if and $v.services.reporting.enabled (not (and $v.reportSigning.existingSecret $v.reportSigning.keyId)) -}}
{{- $errors = append $errors "reportSigning.existingSecret and reportSigning.keyId must be set: the national service accepts only signed reports" -}}
{{- end -}}
{{- if and $v.portal.enabled (not $v.portal.existingSecret) -}}
{{- $errors = append $errors "portal.existingSecret must name a Secret with the portal's session key (and its OIDC client secret), or set portal.enabled=false" -}}
{{- end -}}
{{- if and $v.portal.enabled (not (and $v.portal.oidc.metadataUrl $v.portal.oidc.clientId)) -}}
{{- $errors = append $errors "portal.oidc.metadataUrl and portal.oidc.clientId must be set: people sign in to the portal with the hub's identity provider" -}}
{{- end -}}
{{- if and $v.kafka.topics.create (not $v.kafka.topics.strimziCluster) -}}
{{- $errors = append $errors "kafka.topics.strimziCluster must be set when kafka.topics.create is true" -}}
{{- end -}}
{{- if eq $v.profile "compact" -}}
{{- range $key, $svc := $v.services -}}
{{- range $part := list "api" "worker" -}}
{{- $autoscaling := (index $svc $part).autoscaling -}}
{{- if and $svc.enabled $autoscaling $autoscaling.enabled -}}
{{- $errors = append $errors (printf "services.%s.%s.autoscaling.enabled: profile compact runs each service as one pod that no autoscaler may scale (its one relay keeps each case's events in order); set it false, or use profile scaled" $key $part) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if lt (int $v.terminationGracePeriodSeconds) 15 -}}
{{- $errors = append $errors "terminationGracePeriodSeconds must be 15 or more with profile compact: requests have that less 10 seconds to finish, the worker and relay the rest to stop" -}}
{{- end -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\n\nVALUES VALIDATION:\n  - %s" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

{{/* hub.notes.text: what NOTES.txt tells the operator after install or upgrade (a helper so tests can render it). */}}
{{- define "hub.notes.text" -}}
{{- $catalogue := include "hub.services.catalogue" . | fromYaml -}}
Hub {{ .Values.hub.name }} ({{ .Values.hub.id }}, {{ .Values.hub.region }}) is deployed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.

Services, each with an api, a worker and a relay{{ if eq .Values.profile "compact" }} in one process (profile compact){{ end }} (migrations ran as hook Jobs before they started):
{{- range $key, $svc := .Values.services }}
{{- if $svc.enabled }}
{{- $meta := index $catalogue $key }}
  - {{ $meta.name }}: http://{{ include "hub.names.process" (dict "root" $ "meta" $meta "component" "api") }}.{{ $.Release.Namespace }}.svc:{{ $.Values.apiService.port }}  (docs at /docs, readiness at /readyz)
{{- end }}
{{- end }}

Kafka: {{ .Values.kafka.bootstrapServers }}; topics {{ .Values.kafka.topicPrefix }}hub.{{ .Values.hub.id }}.<service>.events.v1
{{- if .Values.kafka.topics.create }} (created as KafkaTopics on Strimzi cluster {{ .Values.kafka.topics.strimziCluster }}){{ end }}.
Reports to the national team go to {{ default .Values.kafka.bootstrapServers .Values.kafka.nationalBootstrapServers }}.

Check that every process is ready:
  kubectl -n {{ .Release.Namespace }} get pods -l app.kubernetes.io/instance={{ .Release.Name }}
Reach the referral API from your machine:
  kubectl -n {{ .Release.Namespace }} port-forward svc/{{ include "hub.names.process" (dict "root" . "meta" (index $catalogue "referral") "component" "api") }} 8080:{{ .Values.apiService.port }}
  curl -s http://127.0.0.1:8080/readyz
{{- if .Values.portal.enabled }}

The portal: http://{{ include "hub.names.fullname" . }}-portal.{{ .Release.Namespace }}.svc:{{ .Values.apiService.port }} (route your ingress to it;
people sign in with {{ .Values.portal.oidc.metadataUrl }}). It shows the referral API the token in Secret
{{ include "hub.names.portalServiceToken" . }}, mounted in both.
{{- else if .Values.services.referral.enabled }}

The portal names the person behind a self-referral to the referral API, which believes it only with
the portal's service token: mount Secret {{ include "hub.names.portalServiceToken" . }} (key {{ .Values.portalServiceToken.key }}) in the portal
and set HUBS_PORTAL_SERVICE_TOKEN_FILE to that file.
{{- end }}
{{- if .Values.networkPolicy.enabled }}

Network policies deny all traffic by default: callers of the APIs must match networkPolicy.apiFrom,
and Prometheus must match networkPolicy.metricsFrom (it alone reaches port 9090, where every process serves /metrics).
{{- end }}
{{- if .Values.metrics.serviceMonitor.enabled }}
Prometheus scrapes every process through its ServiceMonitor (labels hub_id={{ .Values.hub.id }}, service, component).
{{- end }}
{{- end -}}
