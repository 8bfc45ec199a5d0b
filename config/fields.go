package config

import (
	"flag"
	"strings"
	"time"
)

// Field is one setting as a flag and an environment variable.
type Field struct {
	Key   string // the YAML path, git.url
	Flag  string
	Usage string
	value flag.Value
}

// Env is the field's environment variable: CAPPLAN_ and the key in capitals.
func (f Field) Env() string {
	return "CAPPLAN_" + strings.ToUpper(strings.NewReplacer(".", "_").Replace(f.Key))
}

// IsBool tells a switch, which as a flag takes no value.
func (f Field) IsBool() bool {
	b, ok := f.value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// Fields are the settings that flags and the environment can set, in the
// order --help lists them.
func Fields() []Field {
	c := Default()
	return c.fields()
}

// fields are the settings of c that flags and the environment can set,
// bound to c.
func (c *Config) fields() []Field {
	b := flag.NewFlagSet("bind", flag.ContinueOnError)
	var fields []Field
	// bind makes the flag just defined on b the field key.
	bind := func(key, name, usage string) {
		fields = append(fields, Field{key, name, usage, b.Lookup(name).Value})
	}
	str := func(key, name string, p *string, usage string) { b.StringVar(p, name, *p, ""); bind(key, name, usage) }
	integer := func(key, name string, p *int, usage string) { b.IntVar(p, name, *p, ""); bind(key, name, usage) }
	boolean := func(key, name string, p *bool, usage string) { b.BoolVar(p, name, *p, ""); bind(key, name, usage) }
	float := func(key, name string, p *float64, usage string) {
		b.Float64Var(p, name, *p, "")
		bind(key, name, usage)
	}
	duration := func(key, name string, p *time.Duration, usage string) {
		b.DurationVar(p, name, *p, "")
		bind(key, name, usage)
	}
	s := &c.Sources
	str("cluster_name", "cluster-name", &s.ClusterName, "the cluster's name in the report (default: the kubeconfig context; in a cluster, the API server's address)")
	boolean("demo", "demo", &s.Demo, "use the built-in demo cluster (a simulated homelab with two years of history)")
	b.Uint64Var(&s.Seed, "seed", s.Seed, "")
	bind("seed", "seed", "seed of the demo cluster")
	str("kubeconfig", "kubeconfig", &s.Kubeconfig, "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)")
	str("context", "context", &s.Context, "kubeconfig context (default: the file's current context)")
	str("rook_namespace", "rook-namespace", &s.RookNamespace, "namespace of Rook's toolbox pod, where `ceph df` is run")
	float("kube.qps", "kube-qps", &s.Kube.QPS, "requests a second capplan may send the API server")
	integer("kube.burst", "kube-burst", &s.Kube.Burst, "requests capplan may send the API server at once, above kube.qps")
	boolean("rook_toolbox", "rook-toolbox", &s.RookToolbox, "run `ceph df` in Rook's toolbox pod (needs pods/exec in the Rook namespace)")
	str("ceph_df", "ceph-df", &s.CephDF, "Ceph capacity from a file of `ceph df --format json` output")
	str("history_csv", "history-csv", &s.HistoryCSV, "read daily history from a CSV file")
	str("history_git", "history-git", &s.HistoryGit, "also read the history committed to this repository's work tree")
	p := &s.Prometheus
	str("prometheus.url", "prometheus-url", &p.URL, "read daily history from this Prometheus (or Thanos, Mimir, VictoriaMetrics)")
	str("prometheus.token_file", "prometheus-token-file", &p.TokenFile, "bearer token for Prometheus, read from this file (or CAPPLAN_PROMETHEUS_TOKEN)")
	str("prometheus.ca_file", "prometheus-ca", &p.CAFile, "PEM file of the CA that signed Prometheus' certificate")
	str("prometheus.basic_auth_file", "prometheus-basic-auth-file", &p.BasicAuthFile, "basic auth for Prometheus, read from this file as user:password")
	str("prometheus.queries_file", "prometheus-queries", &p.QueriesFile, "YAML file of PromQL overrides")
	integer("prometheus.history_days", "history-days", &p.HistoryDays, "days of history to read from Prometheus")
	str("template_dir", "template-dir", &c.TemplateDir, "directory whose report.md.tmpl replaces the built-in template")
	g := &c.Git
	str("git.url", "git-url", &g.URL, "report repository to push to (https://, ssh:// or file://); empty keeps reports in --git-dir")
	str("git.branch", "git-branch", &g.Branch, "branch of the report repository")
	str("git.dir", "git-dir", &g.Dir, "work directory: the report repository itself without --git-url, else where clones and unpublished reports are kept")
	str("git.author_name", "git-author-name", &g.AuthorName, "author of the report commits")
	str("git.author_email", "git-author-email", &g.AuthorEmail, "author's email of the report commits")
	str("git.username", "git-username", &g.Username, "user name sent with the token over HTTPS")
	str("git.token_file", "git-token-file", &g.TokenFile, "file holding the HTTPS token (or CAPPLAN_GIT_TOKEN)")
	str("git.ssh_key_file", "git-ssh-key-file", &g.SSHKeyFile, "SSH private key file (or CAPPLAN_GIT_SSH_KEY)")
	str("git.known_hosts_file", "git-known-hosts-file", &g.KnownHostsFile, "known_hosts file for the SSH host key (default: ~/.ssh/known_hosts)")
	integer("git.tries", "git-tries", &g.Tries, "pushes attempted while the remote keeps moving")
	integer("git.keep_days", "git-keep-days", &g.KeepDays, "days of daily history kept in the report repository's history.json (five years)")
	o := &c.Ollama
	boolean("ollama.enabled", "ollama", &o.Enabled, "ask Ollama for the narrative (false: the deterministic one)")
	str("ollama.host", "ollama-host", &o.Host, "Ollama's address (default: $OLLAMA_HOST, else 127.0.0.1:11434)")
	str("ollama.model", "ollama-model", &o.Model, "model that drafts the narrative")
	integer("ollama.num_predict", "ollama-num-predict", &o.NumPredict, "tokens a draft may take")
	float("ollama.temperature", "ollama-temperature", &o.Temperature, "sampling temperature")
	duration("ollama.timeout", "ollama-timeout", &o.Timeout, "time budget for the narrative")
	str("ollama.prompt_dir", "ollama-prompt-dir", &o.PromptDir, "directory whose prompt.tmpl replaces the built-in prompt")
	t := &c.Timeouts
	duration("timeouts.collect", "timeout-collect", &t.Collect, "time budget to collect the snapshot and history")
	duration("timeouts.plan", "timeout-plan", &t.Plan, "time budget to forecast and plan")
	duration("timeouts.render", "timeout-render", &t.Render, "time budget to render the report")
	duration("timeouts.publish", "timeout-publish", &t.Publish, "time budget to commit and push")
	pg := &c.Pushgateway
	str("pushgateway.url", "pushgateway-url", &pg.URL, "Prometheus Pushgateway to push the published report's metrics to (runway days, forecast error, last success)")
	str("pushgateway.job", "pushgateway-job", &pg.Job, "job label of the pushed metrics")
	return fields
}

// IsSource tells the settings of where a snapshot and its history come
// from, which every command that reads a cluster takes as flags.
func (f Field) IsSource() bool {
	switch f.Key {
	case "demo", "seed", "kubeconfig", "context", "rook_namespace", "rook_toolbox", "ceph_df", "history_csv", "history_git":
		return true
	}
	return strings.HasPrefix(f.Key, "prometheus.") || strings.HasPrefix(f.Key, "kube.")
}
