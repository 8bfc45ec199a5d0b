// Package config is capplan's one configuration: what every command reads
// (the sources of a snapshot and its history, the planner's thresholds
// and catalogue, the report repository, the narrative's model, the time
// budgets), its defaults, and its validation. A plan's configuration is a
// run's without the settings a plan does not use, in one file shape.
//
// Settings come from a YAML file, then CAPPLAN_… environment variables,
// then flags, each overriding the one before (Load); secrets only from
// files or the environment, never from the file itself. Errors name the
// file and line, the variable or the flag, and the key.
package config

import (
	"time"
)

// Config is one run's configuration.
type Config struct {
	Sources     `yaml:",inline"`
	Planner     `yaml:",inline"`
	TemplateDir string      `yaml:"template_dir" flag:"template-dir" usage:"directory whose report.md.tmpl replaces the built-in template"`
	Git         Git         `yaml:"git"`
	Ollama      Ollama      `yaml:"ollama"`
	Timeouts    Timeouts    `yaml:"timeouts"`
	Pushgateway Pushgateway `yaml:"pushgateway"`

	secrets Secrets
}

// Sources say where a cluster's snapshot and history come from.
type Sources struct {
	// ClusterName names the cluster in the report; the kubeconfig's
	// context when empty.
	ClusterName   string `yaml:"cluster_name" flag:"cluster-name" usage:"the cluster's name in the report (default: the kubeconfig context; in a cluster, the API server's address)"`
	Demo          bool   `yaml:"demo" flag:"demo" usage:"use the built-in demo cluster (a simulated homelab with two years of history)"`
	Seed          uint64 `yaml:"seed" flag:"seed" usage:"seed of the demo cluster"`
	Kubeconfig    string `yaml:"kubeconfig" flag:"kubeconfig" usage:"kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)"`
	Context       string `yaml:"context" flag:"context" usage:"kubeconfig context (default: the file's current context)"`
	RookNamespace string `yaml:"rook_namespace" flag:"rook-namespace" usage:"namespace of Rook's toolbox pod, where \"ceph df\" is run"`
	// RookToolbox runs `ceph df` in Rook's toolbox pod, which needs
	// pods/exec there; false leaves the toolbox alone.
	RookToolbox bool       `yaml:"rook_toolbox" flag:"rook-toolbox" usage:"run \"ceph df\" in Rook's toolbox pod (needs pods/exec in the Rook namespace)"`
	CephDF      string     `yaml:"ceph_df" flag:"ceph-df" usage:"Ceph capacity from a file of \"ceph df --format json\" output"`
	HistoryCSV  string     `yaml:"history_csv" flag:"history-csv" usage:"read daily history from a CSV file"`
	HistoryGit  string     `yaml:"history_git" flag:"history-git" usage:"also read the history committed to this repository's work tree"`
	Prometheus  Prometheus `yaml:"prometheus"`
	Kube        Kube       `yaml:"kube"`
}

// Prometheus is where daily history is read, when URL is set.
type Prometheus struct {
	URL           string `yaml:"url" flag:"prometheus-url" usage:"read daily history from this Prometheus (or Thanos, Mimir, VictoriaMetrics)"`
	TokenFile     string `yaml:"token_file" flag:"prometheus-token-file" usage:"bearer token for Prometheus, read from this file (or CAPPLAN_PROMETHEUS_TOKEN)"`
	CAFile        string `yaml:"ca_file" flag:"prometheus-ca" usage:"PEM file of the CA that signed Prometheus' certificate"`
	BasicAuthFile string `yaml:"basic_auth_file" flag:"prometheus-basic-auth-file" usage:"basic auth for Prometheus, read from this file as user:password"`
	QueriesFile   string `yaml:"queries_file" flag:"prometheus-queries" usage:"YAML file of PromQL overrides"`
	HistoryDays   int    `yaml:"history_days" flag:"history-days" usage:"days of history to read from Prometheus"`
}

// Kube is how fast capplan may ask the API server. client-go's default
// (5 requests a second, bursts of 10) made a snapshot of 5,000 nodes and
// 150,000 pods, read 500 objects a page, wait a minute on its own limiter;
// 50 a second with bursts of 100 is what Kubernetes' scheduler allows
// itself, and a snapshot is a few hundred list pages once a week.
type Kube struct {
	QPS   float64 `yaml:"qps" flag:"kube-qps" usage:"requests a second capplan may send the API server"`
	Burst int     `yaml:"burst" flag:"kube-burst" usage:"requests capplan may send the API server at once, above kube.qps"`
}

// Git is the report repository.
type Git struct {
	// URL is the remote; empty keeps the reports in the repository at Dir.
	URL    string `yaml:"url" flag:"git-url" usage:"report repository to push to (https://, ssh:// or file://); empty keeps reports in --git-dir"`
	Branch string `yaml:"branch" flag:"git-branch" usage:"branch of the report repository"`
	// Dir is the work directory: the repository itself when URL is
	// empty, else where clones and unpublished reports are kept.
	Dir            string `yaml:"dir" flag:"git-dir" usage:"work directory: the report repository itself without --git-url, else where clones and unpublished reports are kept"`
	AuthorName     string `yaml:"author_name" flag:"git-author-name" usage:"author of the report commits"`
	AuthorEmail    string `yaml:"author_email" flag:"git-author-email" usage:"author's email of the report commits"`
	Username       string `yaml:"username" flag:"git-username" usage:"user name sent with the token over HTTPS"`
	TokenFile      string `yaml:"token_file" flag:"git-token-file" usage:"file holding the HTTPS token (or CAPPLAN_GIT_TOKEN)"`
	SSHKeyFile     string `yaml:"ssh_key_file" flag:"git-ssh-key-file" usage:"SSH private key file (or CAPPLAN_GIT_SSH_KEY)"`
	KnownHostsFile string `yaml:"known_hosts_file" flag:"git-known-hosts-file" usage:"known_hosts file for the SSH host key (default: ~/.ssh/known_hosts)"`
	Tries          int    `yaml:"tries" flag:"git-tries" usage:"pushes attempted while the remote keeps moving"`
	// KeepDays is how much daily history history.json keeps.
	KeepDays int `yaml:"keep_days" flag:"git-keep-days" usage:"days of daily history kept in the report repository's history.json (five years)"`
}

// Ollama is the narrative's model.
type Ollama struct {
	// Enabled false writes the deterministic narrative without asking.
	Enabled bool `yaml:"enabled" flag:"ollama" usage:"ask Ollama for the narrative (false: the deterministic one)"`
	// Host is Ollama's address (OLLAMA_HOST's form: host:port or a URL).
	Host  string `yaml:"host" flag:"ollama-host" usage:"Ollama's address (default: $OLLAMA_HOST, else 127.0.0.1:11434)"`
	Model string `yaml:"model" flag:"ollama-model" usage:"model that drafts the narrative"`
	// NumPredict caps the tokens of one draft.
	NumPredict  int     `yaml:"num_predict" flag:"ollama-num-predict" usage:"tokens a draft may take"`
	Temperature float64 `yaml:"temperature" flag:"ollama-temperature" usage:"sampling temperature"`
	// Timeout is the time for every draft together.
	Timeout time.Duration `yaml:"timeout" flag:"ollama-timeout" usage:"time budget for the narrative"`
	// PromptDir, when not empty, holds a prompt.tmpl that replaces the
	// built-in one.
	PromptDir string `yaml:"prompt_dir" flag:"ollama-prompt-dir" usage:"directory whose prompt.tmpl replaces the built-in prompt"`
}

// Timeouts bound the stages; the narrative's is Ollama's.
type Timeouts struct {
	Collect time.Duration `yaml:"collect" flag:"timeout-collect" usage:"time budget to collect the snapshot and history"`
	Plan    time.Duration `yaml:"plan" flag:"timeout-plan" usage:"time budget to forecast and plan"`
	Render  time.Duration `yaml:"render" flag:"timeout-render" usage:"time budget to render the report"`
	Publish time.Duration `yaml:"publish" flag:"timeout-publish" usage:"time budget to commit and push"`
}

// Pushgateway is where a published run pushes its metrics, so that
// alerting can use capplan's forecast and notice a run that stopped
// succeeding.
type Pushgateway struct {
	// URL is the Pushgateway; empty pushes nothing.
	URL string `yaml:"url" flag:"pushgateway-url" usage:"Prometheus Pushgateway to push the published report's metrics to (runway days, forecast error, last success)"`
	// Job is the job label of the pushed group; the cluster's name is the
	// other grouping label.
	Job string `yaml:"job" flag:"pushgateway-job" usage:"job label of the pushed metrics"`
}

// Planner is what the planner plans against: thresholds, horizons, the
// hardware that can be bought and the hardware in service.
type Planner struct {
	Thresholds Thresholds `yaml:"thresholds"`
	// HorizonDays is the daily forecast's length; Months the monthly one's.
	HorizonDays int `yaml:"horizon_days"`
	Months      int `yaml:"months"`
	// TargetMonths is the runway wanted: a recommendation's capacity keeps
	// the forecast below its threshold that long. The threshold is the
	// only headroom.
	TargetMonths int `yaml:"target_months"`
	// NetworkBytesPerSecond is what the cluster's network carries (the
	// snapshot cannot know it); 0 leaves network throughput unplanned.
	NetworkBytesPerSecond float64 `yaml:"network_bytes_per_second"`
	// Catalogue is the hardware that can be bought; a file's list replaces
	// the default one.
	Catalogue []Option `yaml:"catalogue"`
	// Inventory is the hardware in service, for the refresh timeline.
	Inventory []Item `yaml:"inventory"`
	// Capacities are capacities by series name, in the series' unit
	// (cores, bytes, bytes per second): they replace the snapshot's and
	// plan series the snapshot does not know, so that a history alone
	// can be planned.
	Capacities map[string]float64 `yaml:"capacities"`
}

// Thresholds are fractions (0-1) of a resource's capacity. Averages are
// compared with daily means, peaks with daily peaks.
type Thresholds struct {
	CPUAverage    float64 `yaml:"cpu_average"`
	CPUPeak       float64 `yaml:"cpu_peak"`
	MemoryAverage float64 `yaml:"memory_average"`
	MemoryPeak    float64 `yaml:"memory_peak"`
	// Storage is planned against usable capacity: expand at the first,
	// critical at the second (and never later than Ceph's own nearfull and
	// full ratios).
	StorageExpand   float64 `yaml:"storage_expand"`
	StorageCritical float64 `yaml:"storage_critical"`
	// Network throughput against the capacity given in Planner.
	NetworkAverage float64 `yaml:"network_average"`
	NetworkPeak    float64 `yaml:"network_peak"`
}

// Option is one purchase from the hardware catalogue, with the capacity it
// really adds (not a percentage).
type Option struct {
	Name string  `yaml:"name"`
	Cost float64 `yaml:"cost"` // dollars per unit bought
	// PerNode buys one unit for every node; Node buys a node like the
	// largest one there is (its allocatable CPU and memory and its share of
	// Ceph's raw capacity come from the snapshot).
	PerNode bool `yaml:"per_node"`
	Node    bool `yaml:"node"`
	// What one unit adds: allocatable CPU and memory, Ceph raw bytes.
	CPUCores    float64 `yaml:"cpu_cores"`
	MemoryBytes int64   `yaml:"memory_bytes"`
	RawBytes    int64   `yaml:"raw_bytes"`
}

// Item is a piece of hardware in the inventory.
type Item struct {
	Name      string  `yaml:"name"`
	Purchased string  `yaml:"purchased"`  // YYYY-MM-DD
	LifeYears float64 `yaml:"life_years"` // expected service life
}

// Secrets are the credentials read from files or the environment, never
// from the configuration file.
type Secrets struct {
	// PrometheusToken is a bearer token; PrometheusUser and
	// PrometheusPassword basic auth (never both).
	PrometheusToken, PrometheusUser, PrometheusPassword string
	// GitToken goes with git.username over HTTPS; GitSSHKey is a private
	// key for SSH.
	GitToken, GitSSHKey string
}

// Secrets are the credentials Load read.
func (c Config) Secrets() Secrets { return c.secrets }

// DefaultKeepDays is how much daily history the report repository's
// history.json keeps: five years.
const DefaultKeepDays = 1826

// Default is the configuration before any file, variable or flag. The
// planner's defaults follow common practice: CPU at 70% of allocatable on
// average or 85% at peak, memory at 80% / 90% (memory cannot be
// overcommitted the way CPU can be throttled), storage expansion at 70%
// and critical at 85% of usable; 90 days daily and 12 months monthly, and
// capacity sized for a year. The narrative is llama3's, 1024 tokens a
// draft at temperature 0.2 within five minutes, on Ollama's default
// address.
func Default() Config {
	return Config{
		Sources: Sources{Seed: 1, RookNamespace: "rook-ceph", RookToolbox: true, Prometheus: Prometheus{HistoryDays: 90},
			Kube: Kube{QPS: 50, Burst: 100}},
		Planner: Planner{
			Thresholds: Thresholds{
				CPUAverage: 0.70, CPUPeak: 0.85,
				MemoryAverage: 0.80, MemoryPeak: 0.90,
				StorageExpand: 0.70, StorageCritical: 0.85,
				NetworkAverage: 0.70, NetworkPeak: 0.85,
			},
			HorizonDays:  90,
			Months:       12,
			TargetMonths: 12,
			Catalogue:    DefaultCatalogue(),
		},
		Git:         Git{Branch: "main", AuthorName: "capplan", AuthorEmail: "capplan@localhost", Tries: 5, KeepDays: DefaultKeepDays},
		Ollama:      Ollama{Enabled: true, Host: "127.0.0.1:11434", Model: "llama3", NumPredict: 1024, Temperature: 0.2, Timeout: 5 * time.Minute},
		Timeouts:    Timeouts{Collect: 5 * time.Minute, Plan: 10 * time.Minute, Render: 2 * time.Minute, Publish: 5 * time.Minute},
		Pushgateway: Pushgateway{Job: "capplan"},
	}
}

// DefaultCatalogue prices the reference homelab's upgrades: another mini-PC
// node like the others, 32 GiB more memory in every node, one more 1 TB
// NVMe drive in every node.
func DefaultCatalogue() []Option {
	return []Option{
		{Name: "add a node", Cost: 1500, Node: true},
		{Name: "memory upgrade (+32 GiB a node)", Cost: 800, PerNode: true, MemoryBytes: 32 << 30},
		{Name: "NVMe drive (+1 TB a node)", Cost: 400, PerNode: true, RawBytes: 1e12},
	}
}
