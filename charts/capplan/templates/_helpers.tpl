{{/* The chart's name, at most 63 characters. */}}
{{- define "capplan.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the release name alone when it holds the chart's. */}}
{{- define "capplan.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "capplan.selectorLabels" -}}
app.kubernetes.io/name: {{ include "capplan.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "capplan.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "capplan.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "capplan.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "capplan.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Where the pod mounts what the run reads and writes. */}}
{{- define "capplan.paths" -}}
config: /etc/capplan/config
git: /etc/capplan/git
prometheus: /etc/capplan/prometheus
ca: /etc/capplan/prometheus-ca
work: /work
{{- end -}}

{{/*
The configuration file: values.config, with the settings only the chart can
know (where the credentials, templates and queries are mounted, the work
directory, the toolbox switch) set over it.
*/}}
{{- define "capplan.config" -}}
{{- $paths := include "capplan.paths" . | fromYaml -}}
{{- $c := deepCopy (.Values.config | default dict) -}}
{{- $git := deepCopy (get $c "git" | default dict) -}}
{{- if not $git.url -}}
{{- fail "config.git.url is required: the report repository the run commits to (https:// or ssh://)" -}}
{{- end -}}
{{- $_ := set $git "dir" $paths.work -}}
{{- $cred := .Values.credentials.git -}}
{{- if ne $cred.type "none" -}}
{{- if not $cred.existingSecret -}}
{{- fail (printf "credentials.git.existingSecret is required with credentials.git.type %s (or set type none)" $cred.type) -}}
{{- end -}}
{{- if eq $cred.type "token" -}}
{{- $_ := set $git "token_file" (printf "%s/token" $paths.git) -}}
{{- else -}}
{{- $_ := set $git "ssh_key_file" (printf "%s/ssh-privatekey" $paths.git) -}}
{{- $_ := set $git "known_hosts_file" (printf "%s/known_hosts" $paths.git) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $c "git" $git -}}
{{- $prom := deepCopy (get $c "prometheus" | default dict) -}}
{{- $pcred := .Values.credentials.prometheus -}}
{{- if ne $pcred.type "none" -}}
{{- if not $pcred.existingSecret -}}
{{- fail (printf "credentials.prometheus.existingSecret is required with credentials.prometheus.type %s" $pcred.type) -}}
{{- end -}}
{{- if eq $pcred.type "token" -}}
{{- $_ := set $prom "token_file" (printf "%s/token" $paths.prometheus) -}}
{{- else -}}
{{- $_ := set $prom "basic_auth_file" (printf "%s/basic-auth" $paths.prometheus) -}}
{{- end -}}
{{- end -}}
{{- if $pcred.caConfigMap -}}
{{- $_ := set $prom "ca_file" (printf "%s/ca.crt" $paths.ca) -}}
{{- end -}}
{{- if .Values.prometheusQueries -}}
{{- $_ := set $prom "queries_file" (printf "%s/queries.yaml" $paths.config) -}}
{{- end -}}
{{- $_ := set $c "prometheus" $prom -}}
{{- if .Values.reportTemplate -}}
{{- $_ := set $c "template_dir" $paths.config -}}
{{- end -}}
{{- if .Values.promptTemplate -}}
{{- $ollama := deepCopy (get $c "ollama" | default dict) -}}
{{- $_ := set $ollama "prompt_dir" $paths.config -}}
{{- $_ := set $c "ollama" $ollama -}}
{{- end -}}
{{- $_ := set $c "rook_toolbox" .Values.ceph.toolboxExec -}}
{{- toYaml $c -}}
{{- end -}}
