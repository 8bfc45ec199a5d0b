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
	"fmt"
	"time"
)

// Config is one run's configuration.
type Config struct {
	Sources     `yaml:",inline"`
	Planner     `yaml:",inline"`
	Fleet       `yaml:",inline"`
	TemplateDir string      `yaml:"template_dir"`
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
	ClusterName   string `yaml:"cluster_name"`
	Demo          bool   `yaml:"demo"`
	Seed          uint64 `yaml:"seed"`
	Kubeconfig    string `yaml:"kubeconfig"`
	Context       string `yaml:"context"`
	RookNamespace string `yaml:"rook_namespace"`
	// RookToolbox runs `ceph df` in Rook's toolbox pod, which needs
	// pods/exec there; false leaves the toolbox alone.
	RookToolbox bool       `yaml:"rook_toolbox"`
	CephDF      string     `yaml:"ceph_df"`
	HistoryCSV  string     `yaml:"history_csv"`
	HistoryGit  string     `yaml:"history_git"`
	Prometheus  Prometheus `yaml:"prometheus"`
	Kube        Kube       `yaml:"kube"`
	// NoCluster is a fleet's cluster without a kubeconfig or context of
	// its own (ForCluster): no API server is read for it, neither the
	// one capplan runs in nor the default kubeconfig's.
	NoCluster bool `yaml:"-"`
}

// Prometheus is where daily history is read, when URL is set.
type Prometheus struct {
	URL           string `yaml:"url"`
	TokenFile     string `yaml:"token_file"`
	CAFile        string `yaml:"ca_file"`
	BasicAuthFile string `yaml:"basic_auth_file"`
	QueriesFile   string `yaml:"queries_file"`
	HistoryDays   int    `yaml:"history_days"`
	// Matchers are added to every query's selectors, as {cluster="a"}:
	// one cluster's series in a store (Thanos, Mimir, VictoriaMetrics)
	// that holds several.
	Matchers string `yaml:"matchers"`
}

// Kube is how fast capplan may ask the API server. client-go's default
// (5 requests a second, bursts of 10) made a snapshot of 5,000 nodes and
// 150,000 pods, read 500 objects a page, wait a minute on its own limiter;
// 50 a second with bursts of 100 is what Kubernetes' scheduler allows
// itself, and a snapshot is a few hundred list pages once a week.
type Kube struct {
	QPS   float64 `yaml:"qps"`
	Burst int     `yaml:"burst"`
}

// Git is the report repository.
type Git struct {
	// URL is the remote; empty keeps the reports in the repository at Dir.
	URL    string `yaml:"url"`
	Branch string `yaml:"branch"`
	// Dir is the work directory: the repository itself when URL is
	// empty, else where clones and unpublished reports are kept.
	Dir            string `yaml:"dir"`
	AuthorName     string `yaml:"author_name"`
	AuthorEmail    string `yaml:"author_email"`
	Username       string `yaml:"username"`
	TokenFile      string `yaml:"token_file"`
	SSHKeyFile     string `yaml:"ssh_key_file"`
	KnownHostsFile string `yaml:"known_hosts_file"`
	Tries          int    `yaml:"tries"`
	// KeepDays is how much daily history history.json keeps.
	KeepDays int `yaml:"keep_days"`
	// Cluster is the fleet's cluster whose reports these are, kept in
	// reports/<cluster>/ (ForCluster); "" for a single cluster's
	// repository.
	Cluster string `yaml:"-"`
}

// Ollama is the narrative's model.
type Ollama struct {
	// Enabled false writes the deterministic narrative without asking.
	Enabled bool `yaml:"enabled"`
	// Host is Ollama's address (OLLAMA_HOST's form: host:port or a URL).
	Host  string `yaml:"host"`
	Model string `yaml:"model"`
	// NumPredict caps the tokens of one draft.
	NumPredict  int     `yaml:"num_predict"`
	Temperature float64 `yaml:"temperature"`
	// Timeout is the time for every draft together.
	Timeout time.Duration `yaml:"timeout"`
	// PromptDir, when not empty, holds a prompt.tmpl that replaces the
	// built-in one.
	PromptDir string `yaml:"prompt_dir"`
}

// Timeouts bound the stages; the narrative's is Ollama's.
type Timeouts struct {
	Collect time.Duration `yaml:"collect"`
	Plan    time.Duration `yaml:"plan"`
	Render  time.Duration `yaml:"render"`
	Publish time.Duration `yaml:"publish"`
}

// Pushgateway is where a published run pushes its metrics, so that
// alerting can use capplan's forecast and notice a run that stopped
// succeeding.
type Pushgateway struct {
	// URL is the Pushgateway; empty pushes nothing.
	URL string `yaml:"url"`
	// Job is the job label of the pushed group; the cluster's name is the
	// other grouping label.
	Job string `yaml:"job"`
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
	// Planned are workloads known to be coming: the plan adds them to
	// the forecasts from their start.
	Planned []Workload `yaml:"planned"`
	// Groups gather namespaces (by name) into the teams or products whose
	// growth the report shows; a namespace in none is a group of its own.
	Groups map[string][]string `yaml:"groups"`
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

// Workload is a planned workload: what it will ask for from its start.
type Workload struct {
	Name string `yaml:"name"`
	// Namespace or Group says whose it is (one of them, or neither).
	Namespace string `yaml:"namespace"`
	Group     string `yaml:"group"`
	Start     string `yaml:"start"` // YYYY-MM-DD
	// Requests from its start, and the data it will store in Ceph (not
	// its claims: what is written).
	CPUCores     float64 `yaml:"cpu_cores"`
	MemoryBytes  int64   `yaml:"memory_bytes"`
	StorageBytes int64   `yaml:"storage_bytes"`
	// GrowthPerMonth is the share of those amounts it adds each month
	// after its start (0.1: a tenth more every month, linearly).
	GrowthPerMonth float64 `yaml:"growth_per_month"`
	// WhatIf is the what-if file that gave it (LoadWhatIf); "" for the
	// configuration's own.
	WhatIf string `yaml:"-"`
}

// Starts is the workload's first day.
func (w Workload) Starts() (time.Time, error) {
	d, err := time.Parse(time.DateOnly, w.Start)
	if err != nil {
		return time.Time{}, fmt.Errorf("planned %q: start %q is not YYYY-MM-DD", w.Name, w.Start)
	}
	return d, nil
}

// Item is a piece of hardware in the inventory.
type Item struct {
	Name      string  `yaml:"name"`
	Purchased string  `yaml:"purchased"`  // YYYY-MM-DD
	LifeYears float64 `yaml:"life_years"` // expected service life
	// Node is false for hardware that is not a node (drives, switches):
	// an item left unset is taken for the node of its name, and the
	// report says when the cluster has none.
	Node *bool `yaml:"node"`
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

// defaultKeepDays is how much daily history the report repository's
// history.json keeps: five years.
const defaultKeepDays = 1826

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
			Catalogue:    defaultCatalogue(),
		},
		Git:         Git{Branch: "main", AuthorName: "capplan", AuthorEmail: "capplan@localhost", Tries: 5, KeepDays: defaultKeepDays},
		Ollama:      Ollama{Enabled: true, Host: "127.0.0.1:11434", Model: "llama3", NumPredict: 1024, Temperature: 0.2, Timeout: 5 * time.Minute},
		Timeouts:    Timeouts{Collect: 5 * time.Minute, Plan: 10 * time.Minute, Render: 2 * time.Minute, Publish: 5 * time.Minute},
		Pushgateway: Pushgateway{Job: "capplan"},
	}
}

// defaultCatalogue prices the reference homelab's upgrades: another mini-PC
// node like the others, 32 GiB more memory in every node, one more 1 TB
// NVMe drive in every node.
func defaultCatalogue() []Option {
	return []Option{
		{Name: "add a node", Cost: 1500, Node: true},
		{Name: "memory upgrade (+32 GiB a node)", Cost: 800, PerNode: true, MemoryBytes: 32 << 30},
		{Name: "NVMe drive (+1 TB a node)", Cost: 400, PerNode: true, RawBytes: 1e12},
	}
}
