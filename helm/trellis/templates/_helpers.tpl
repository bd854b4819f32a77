{{/* Names: <release>-trellis unless the release name already says trellis; 63 characters at most. */}}
{{- define "trellis.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: <fullname>-<component>. */}}
{{- define "trellis.componentName" -}}
{{- printf "%s-%s" (include "trellis.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "trellis.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "trellis.labels" -}}
{{ include "trellis.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels on the chart's objects that belong to no single component. */}}
{{- define "trellis.releaseLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "trellis.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .service (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{- define "trellis.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "trellis.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* "true" when some site's blocks are pods the scheduler starts (provider: kubernetes), else empty. */}}
{{- define "trellis.kubernetesBlocks" -}}
{{- range .Values.sites }}{{ if eq (.provider | default "external") "kubernetes" }}true{{ end }}{{ end -}}
{{- end -}}

{{- define "trellis.dataClaimName" -}}
{{- .Values.dataVolume.existingClaim | default (include "trellis.componentName" (dict "root" . "component" "data")) -}}
{{- end -}}

{{- define "trellis.secretName" -}}
{{- include "trellis.componentName" (dict "root" . "component" "credentials") -}}
{{- end -}}

{{- define "trellis.jdbcUrl" -}}
{{- $postgres := .root.Values.postgres -}}
{{- $url := printf "jdbc:postgresql://%s:%v/%s" $postgres.host $postgres.port .database -}}
{{- if $postgres.jdbcParameters }}{{ printf "%s?%s" $url $postgres.jdbcParameters }}{{ else }}{{ $url }}{{ end -}}
{{- end -}}

{{/* The Kafka part of every service's application.yml. */}}
{{- define "trellis.kafkaConfig" -}}
{{- $kafka := dict "bootstrap-servers" .Values.kafka.bootstrapServers -}}
{{- if .Values.kafka.properties }}{{ $_ := set $kafka "properties" .Values.kafka.properties }}{{ end -}}
{{- toYaml $kafka -}}
{{- end -}}

{{/* Environment from Secrets: the database password (services with a database) and the Kafka JAAS config. */}}
{{- define "trellis.secretEnv" -}}
{{- $root := .root -}}
{{- if .database }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.postgres.existingSecret | default (include "trellis.secretName" $root) }}
      key: {{ if $root.Values.postgres.existingSecret }}{{ $root.Values.postgres.existingSecretPasswordKey }}{{ else }}postgres-password{{ end }}
{{- end }}
{{- $jaas := $root.Values.kafka.saslJaasConfig }}
{{- if or $jaas.value $jaas.existingSecret }}
- name: SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ $jaas.existingSecret | default (include "trellis.secretName" $root) }}
      key: {{ if $jaas.existingSecret }}{{ $jaas.existingSecretKey }}{{ else }}kafka-sasl-jaas-config{{ end }}
{{- end }}
{{- end -}}

{{/* Probes on Spring Boot's health groups; the start-up probe gives a cold JVM two minutes. */}}
{{- define "trellis.probes" -}}
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 5
  failureThreshold: 24
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http}
  periodSeconds: 5
  failureThreshold: 3
{{- end -}}

{{/* The service's application.yml, and a writable /tmp (the root filesystem is read-only). */}}
{{- define "trellis.configVolumeMounts" -}}
- name: config
  mountPath: /app/config
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "trellis.configVolumes" -}}
- name: config
  configMap:
    name: {{ .configMap }}
- name: tmp
  emptyDir: {}
{{- end -}}

{{- define "trellis.podSpecCommon" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
