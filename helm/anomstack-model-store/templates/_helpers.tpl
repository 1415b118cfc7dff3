{{/* Resource names: the chart name, or nameOverride; release-chart unless the release already carries the name. */}}
{{- define "modelstore.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "modelstore.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "modelstore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "modelstore.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "modelstore.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "modelstore.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "modelstore.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "modelstore.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret the container takes its secret variables from: the existing one, the chart's, or none. */}}
{{- define "modelstore.secretName" -}}
{{- if .Values.security.existingSecret -}}
{{- .Values.security.existingSecret -}}
{{- else if or .Values.security.apiKeys .Values.security.cursorSecret -}}
{{- include "modelstore.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "modelstore.batchesConfigMapName" -}}
{{- printf "%s-batches" (include "modelstore.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A duration as the service reads it (e.g. 500ms, 30s, 2m, 1h) in whole seconds, rounded up. */}}
{{- define "modelstore.durationSeconds" -}}
{{- $d := toString . -}}
{{- $n := regexFind "^[0-9]+" $d | int -}}
{{- if hasSuffix "ms" $d -}}{{ div (add $n 999) 1000 }}
{{- else if hasSuffix "h" $d -}}{{ mul $n 3600 }}
{{- else if hasSuffix "m" $d -}}{{ mul $n 60 }}
{{- else -}}{{ $n }}
{{- end -}}
{{- end -}}

{{/* Whether the pod pauses before SIGTERM: the preStop sleep action needs no binary in the image, Kubernetes 1.30+. */}}
{{- define "modelstore.preStopSleep" -}}
{{- if and (gt (int .Values.preStopSleepSeconds) 0) (semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version) -}}true{{- end -}}
{{- end -}}

{{/*
The pod's terminationGracePeriodSeconds: the preStop pause, then the service's own graceful-shutdown period, then a
margin for the JVM to exit. Anything shorter and the kubelet SIGKILLs uploads the service would have finished.
*/}}
{{- define "modelstore.terminationGracePeriodSeconds" -}}
{{- $preStop := ternary (int .Values.preStopSleepSeconds) 0 (eq (include "modelstore.preStopSleep" .) "true") -}}
{{- add $preStop (include "modelstore.durationSeconds" .Values.shutdownGracePeriod | int) (int .Values.terminationGracePeriodMarginSeconds) -}}
{{- end -}}

{{/*
Refuse configurations the service or a scraper would reject at run time, with the sentence that says what to fix.
*/}}
{{- define "modelstore.validate" -}}
{{- $s := .Values.security -}}
{{- if and $s.existingSecret (or $s.apiKeys $s.cursorSecret) -}}
{{- fail "security.existingSecret replaces security.apiKeys and security.cursorSecret: put the keys into the existing Secret, or leave existingSecret empty." -}}
{{- end -}}
{{- $authenticated := or $s.apiKeys $s.existingSecret $s.jwt.issuerUri $s.jwt.jwkSetUri $s.allowAnonymous -}}
{{- if and .Values.s3.bucket (not $authenticated) -}}
{{- fail "The service refuses to start with a bucket but no way to authenticate callers: set security.apiKeys (hashes from `hash-key`), security.existingSecret, security.jwt.issuerUri or jwkSetUri (or, behind a network boundary that authenticates, security.allowAnonymous=true)." -}}
{{- end -}}
{{- if and .Values.serviceMonitor.enabled (not $s.allowAnonymous) (not (and .Values.serviceMonitor.bearerTokenSecret.name .Values.serviceMonitor.bearerTokenSecret.key)) -}}
{{- fail "serviceMonitor.enabled: /actuator/prometheus takes an admin API key; set serviceMonitor.bearerTokenSecret.name and .key to the Secret holding the raw key Prometheus sends." -}}
{{- end -}}
{{- if and (hasPrefix "aws:kms" .Values.s3.sse) (not .Values.s3.sseKmsKeyId) -}}
{{- fail (printf "s3.sse=%s needs s3.sseKmsKeyId (a key id, ARN or alias such as alias/aws/s3)." .Values.s3.sse) -}}
{{- end -}}
{{- end -}}
