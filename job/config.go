package job

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/capplan/capplan/collectors/gitrepo"
	"github.com/capplan/capplan/job/narrate"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/redact"
)

// Config is one run's configuration: a YAML file, then CAPPLAN_…
// environment variables, then flags, each overriding the one before.
// Secrets are read from files or the environment only, and are kept out
// of the YAML form, the logs and the report.
type Config struct {
	Sources
	Planner     planner.Config `json:"planner"`
	TemplateDir string         `json:"template_dir,omitempty"`
	Git         Git            `json:"git"`
	Ollama      Ollama         `json:"ollama"`
	Timeouts    Timeouts       `json:"timeouts"`
	Pushgateway Pushgateway    `json:"pushgateway"`

	secrets secrets
	// quiet says why this run does not ask Ollama although it is enabled
	// (a replayed week of the demo); empty asks.
	quiet string
}

// Git is the report repository.
type Git struct {
	// URL is the remote; empty keeps the reports in the repository at Dir.
	URL    string `json:"url,omitempty"`
	Branch string `json:"branch"`
	// Dir is the work directory: the repository itself when URL is
	// empty, else where clones and unpublished reports are kept.
	Dir            string `json:"dir,omitempty"`
	AuthorName     string `json:"author_name"`
	AuthorEmail    string `json:"author_email"`
	Username       string `json:"username,omitempty"`
	TokenFile      string `json:"token_file,omitempty"`
	SSHKeyFile     string `json:"ssh_key_file,omitempty"`
	KnownHostsFile string `json:"known_hosts_file,omitempty"`
	Tries          int    `json:"tries"`
	// KeepDays is how much daily history history.json keeps.
	KeepDays int `json:"keep_days"`
}

// Ollama is the narrative's model.
type Ollama struct {
	// Enabled false writes the deterministic narrative without asking.
	Enabled     bool            `json:"enabled"`
	Host        string          `json:"host"`
	Model       string          `json:"model"`
	NumPredict  int             `json:"num_predict"`
	Temperature float64         `json:"temperature"`
	Timeout     metav1.Duration `json:"timeout"`
	PromptDir   string          `json:"prompt_dir,omitempty"`
}

// Timeouts bound the stages; the narrative's is Ollama's.
type Timeouts struct {
	Collect metav1.Duration `json:"collect"`
	Plan    metav1.Duration `json:"plan"`
	Render  metav1.Duration `json:"render"`
	Publish metav1.Duration `json:"publish"`
}

type secrets struct {
	gitToken, sshKey string
}

// DefaultConfig is the configuration before any file, variable or flag:
// Ollama on its default address, the planner's defaults.
func DefaultConfig() Config {
	o := narrate.Defaults()
	d := func(t time.Duration) metav1.Duration { return metav1.Duration{Duration: t} }
	return Config{
		Sources: Sources{Seed: 1, RookNamespace: "rook-ceph", RookToolbox: true, Prometheus: Prometheus{HistoryDays: 90},
			Kube: Kube{QPS: 50, Burst: 100}},
		Planner: planner.DefaultConfig(),
		Git:     Git{Branch: "main", AuthorName: "capplan", AuthorEmail: "capplan@localhost", Tries: 5, KeepDays: gitrepo.DefaultKeepDays},
		Ollama: Ollama{Enabled: true, Host: o.Host, Model: o.Model, NumPredict: o.NumPredict,
			Temperature: o.Temperature, Timeout: d(o.Budget)},
		Timeouts:    Timeouts{Collect: d(5 * time.Minute), Plan: d(10 * time.Minute), Render: d(2 * time.Minute), Publish: d(5 * time.Minute)},
		Pushgateway: Pushgateway{Job: "capplan"},
	}
}

// ConfigError is a configuration that cannot run; capplan exits with 2.
type ConfigError struct{ Err error }

func (e ConfigError) Error() string { return "configuration: " + e.Err.Error() }
func (e ConfigError) Unwrap() error { return e.Err }

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

// Fields are the settings of c that flags and the environment can set,
// bound to c.
func (c *Config) Fields() []Field {
	b := flag.NewFlagSet("bind", flag.ContinueOnError)
	var fields []Field
	// bind makes the flag just defined on b the field key.
	bind := func(key, name, usage string) {
		fields = append(fields, Field{key, name, usage, b.Lookup(name).Value})
	}
	str := func(key, name string, p *string, usage string) { b.StringVar(p, name, *p, ""); bind(key, name, usage) }
	integer := func(key, name string, p *int, usage string) { b.IntVar(p, name, *p, ""); bind(key, name, usage) }
	boolean := func(key, name string, p *bool, usage string) { b.BoolVar(p, name, *p, ""); bind(key, name, usage) }
	duration := func(key, name string, p *metav1.Duration, usage string) {
		b.DurationVar(&p.Duration, name, p.Duration, "")
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
	b.Float64Var(&s.Kube.QPS, "kube-qps", s.Kube.QPS, "")
	bind("kube.qps", "kube-qps", "requests a second capplan may send the API server")
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
	b.Float64Var(&o.Temperature, "ollama-temperature", o.Temperature, "")
	bind("ollama.temperature", "ollama-temperature", "sampling temperature")
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

// Load reads the configuration: defaults (with OLLAMA_HOST), the YAML file (when path is not
// empty), the CAPPLAN_… variables of env, then flags (name to value, only
// those given), and validates it once. Errors name the file, variable,
// flag or field.
func Load(path string, env func(string) string, flags map[string]string) (Config, error) {
	c := DefaultConfig()
	// Ollama's own variable comes before capplan's settings, as a default.
	if h := env("OLLAMA_HOST"); h != "" {
		c.Ollama.Host = h
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, ConfigError{err}
		}
		if err := yaml.UnmarshalStrict(data, &c); err != nil {
			return c, ConfigError{fmt.Errorf("%s: %w", path, err)}
		}
	}
	fields := c.Fields()
	for _, f := range fields {
		if v := env(f.Env()); v != "" {
			if err := f.value.Set(v); err != nil {
				return c, ConfigError{fmt.Errorf("%s=%q: %w", f.Env(), v, err)}
			}
		}
	}
	for _, f := range fields {
		if v, ok := flags[f.Flag]; ok {
			if err := f.value.Set(v); err != nil {
				return c, ConfigError{fmt.Errorf("--%s %q: %w", f.Flag, v, err)}
			}
		}
	}
	if err := c.readSecrets(env); err != nil {
		return c, ConfigError{err}
	}
	if err := c.Validate(); err != nil {
		return c, ConfigError{err}
	}
	return c, nil
}

// readSecrets takes each secret from its file, else its variable.
func (c *Config) readSecrets(env func(string) string) error {
	read := func(field, file, variable string, into *string) error {
		if file == "" {
			*into = env(variable)
			return nil
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		*into = strings.TrimSpace(string(data))
		if *into == "" {
			return fmt.Errorf("%s: %s is empty", field, file)
		}
		return nil
	}
	var prom Secrets
	if err := read("prometheus.token_file", c.Sources.Prometheus.TokenFile, "CAPPLAN_PROMETHEUS_TOKEN", &prom.Token); err != nil {
		return err
	}
	basic := ""
	if err := read("prometheus.basic_auth_file", c.Sources.Prometheus.BasicAuthFile, "CAPPLAN_PROMETHEUS_BASIC_AUTH", &basic); err != nil {
		return err
	}
	if basic != "" {
		user, password, ok := strings.Cut(basic, ":")
		if !ok || user == "" || strings.ContainsAny(basic, "\r\n") {
			return errors.New("prometheus.basic_auth_file (or CAPPLAN_PROMETHEUS_BASIC_AUTH): want one line, user:password")
		}
		prom.Username, prom.Password = user, password
	}
	if prom.Token != "" && basic != "" {
		// One Authorization header: Prometheus' client refuses both.
		return errors.New("prometheus: a bearer token (prometheus.token_file or CAPPLAN_PROMETHEUS_TOKEN) and basic auth (prometheus.basic_auth_file or CAPPLAN_PROMETHEUS_BASIC_AUTH) cannot both be used")
	}
	c.Sources.secrets = prom
	if err := read("git.token_file", c.Git.TokenFile, "CAPPLAN_GIT_TOKEN", &c.secrets.gitToken); err != nil {
		return err
	}
	return read("git.ssh_key_file", c.Git.SSHKeyFile, "CAPPLAN_GIT_SSH_KEY", &c.secrets.sshKey)
}

// Validate checks the configuration once, naming the field at fault.
func (c Config) Validate() error {
	var errs []error
	if err := c.Sources.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Planner.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("planner: %w", err))
	}
	if c.Git.Branch == "" {
		errs = append(errs, errors.New("git.branch is empty"))
	}
	if c.Git.AuthorName == "" || c.Git.AuthorEmail == "" {
		errs = append(errs, errors.New("git.author_name and git.author_email are needed for the commits"))
	}
	if c.Git.KeepDays < 1 {
		errs = append(errs, fmt.Errorf("git.keep_days is %d: want at least 1", c.Git.KeepDays))
	}
	if c.Git.Tries < 1 {
		errs = append(errs, fmt.Errorf("git.tries is %d: want at least 1", c.Git.Tries))
	}
	if c.Ollama.NumPredict < 1 {
		errs = append(errs, fmt.Errorf("ollama.num_predict is %d: want at least 1", c.Ollama.NumPredict))
	}
	if c.Ollama.Temperature < 0 || c.Ollama.Temperature > 2 {
		errs = append(errs, fmt.Errorf("ollama.temperature is %v: want 0 to 2", c.Ollama.Temperature))
	}
	if c.Ollama.Enabled && c.Ollama.Model == "" {
		errs = append(errs, errors.New("ollama.model is empty"))
	}
	if u := c.Pushgateway.URL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("pushgateway.url %q: want http://host:port or https://host:port", redact.URL(u)))
		}
	}
	if c.Pushgateway.Job == "" {
		errs = append(errs, errors.New("pushgateway.job is empty"))
	}
	for _, t := range []struct {
		key string
		d   metav1.Duration
	}{
		{"ollama.timeout", c.Ollama.Timeout}, {"timeouts.collect", c.Timeouts.Collect}, {"timeouts.plan", c.Timeouts.Plan},
		{"timeouts.render", c.Timeouts.Render}, {"timeouts.publish", c.Timeouts.Publish},
	} {
		if t.d.Duration <= 0 {
			errs = append(errs, fmt.Errorf("%s is %s: want a positive duration such as 5m", t.key, t.d.Duration))
		}
	}
	return errors.Join(errs...)
}
