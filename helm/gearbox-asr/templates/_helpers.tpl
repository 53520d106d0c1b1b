{{/*
The chart's name, or nameOverride.
*/}}
{{- define "gearbox-asr.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The objects' full name: fullnameOverride, or the release name with the chart's name unless it already holds it
(truncated to 63 characters, the limit of a DNS label).
*/}}
{{- define "gearbox-asr.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The chart label: name and version.
*/}}
{{- define "gearbox-asr.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "gearbox-asr.labels" -}}
helm.sh/chart: {{ include "gearbox-asr.chart" . }}
{{ include "gearbox-asr.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the pods (never change them on an upgrade: a Deployment's selector is immutable).
*/}}
{{- define "gearbox-asr.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gearbox-asr.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount's name.
*/}}
{{- define "gearbox-asr.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gearbox-asr.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image: the tag defaults to the chart's appVersion; the GPU variant adds image.gpuTagSuffix.
*/}}
{{- define "gearbox-asr.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.gpu.enabled }}
{{- $tag = printf "%s%s" $tag .Values.image.gpuTagSuffix }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/*
The Secret that holds the admin token, or nothing when there is none.
*/}}
{{- define "gearbox-asr.adminSecretName" -}}
{{- if .Values.admin.existingSecret }}
{{- .Values.admin.existingSecret }}
{{- else if .Values.admin.token }}
{{- printf "%s-admin" (include "gearbox-asr.fullname" .) }}
{{- end }}
{{- end }}

{{/*
The application.yml that the ConfigMap holds: the asr section of the values (with the provider the GPU variant
needs), the port, and the graceful shutdown's timeout.
*/}}
{{- define "gearbox-asr.applicationYaml" -}}
{{- $asr := deepCopy .Values.asr }}
{{- if .Values.gpu.enabled }}
{{- $_ := set $asr.inference "provider" "cuda" }}
{{- end }}
{{- $config := dict "asr" $asr "server" (dict "port" .Values.containerPort) "spring" (dict "lifecycle" (dict "timeout-per-shutdown-phase" (printf "%ds" (int .Values.shutdown.drainTimeoutSeconds)))) }}
{{- toYaml $config }}
{{- end }}
