package config

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
)

// Fleet is several clusters planned in one run, each on its own history
// from one store (Thanos, Mimir, VictoriaMetrics, or a Prometheus that
// federates them) that tells their series apart by a label.
type Fleet struct {
	// Clusters are listed; ClusterLabel discovers them: every value the
	// label has in the store over the last week is a cluster. Both given,
	// the list names the clusters and the label is their matchers' label.
	Clusters     []Cluster `yaml:"clusters"`
	ClusterLabel string    `yaml:"cluster_label"`
}

// Cluster is one cluster of a fleet.
type Cluster struct {
	// Name names it in its report and its directory, reports/<name>/.
	Name string `yaml:"name"`
	// Matchers select its series in the store; {<cluster_label>="<name>"}
	// when empty (cluster_label "cluster" when that is empty too).
	Matchers string `yaml:"matchers"`
	// Kubeconfig and Context read its snapshot from its API server;
	// without either, it is planned on its history alone, its capacity
	// from the allocatable series in the store or from Capacities. The
	// cluster capplan runs in is not taken for it.
	Kubeconfig string `yaml:"kubeconfig"`
	Context    string `yaml:"context"`
	// CephDF is its Ceph's capacity from a file of ceph df's output.
	CephDF string `yaml:"ceph_df"`
	// Capacities replace the configuration's capacities of the same
	// series for this cluster.
	Capacities map[string]float64 `yaml:"capacities"`
}

// defaultClusterLabel is the label a fleet's series carry when no
// cluster_label is given: what kube-prometheus' and Thanos' multi-cluster
// set-ups use as the external label.
const defaultClusterLabel = "cluster"

// IsFleet tells whether the configuration plans a fleet.
func (c Config) IsFleet() bool { return len(c.Clusters) > 0 || c.ClusterLabel != "" }

// Label is the label the fleet's clusters are told apart by.
func (f Fleet) Label() string {
	if f.ClusterLabel != "" {
		return f.ClusterLabel
	}
	return defaultClusterLabel
}

// ForCluster is the configuration that plans one cluster of the fleet:
// its name, its matchers on every query of the store, its snapshot's
// source (or none), its capacities over the configuration's, and its
// reports in its own directory of the report repository.
func (c Config) ForCluster(cl Cluster) Config {
	out := c
	out.Fleet = Fleet{}
	out.ClusterName = cl.Name
	out.Prometheus.Matchers = cl.matchers(c.Fleet.Label())
	out.Kubeconfig, out.Context, out.CephDF = cl.Kubeconfig, cl.Context, cl.CephDF
	// The cluster capplan runs in, or the default kubeconfig's, is not
	// this one's.
	out.NoCluster = cl.Kubeconfig == "" && cl.Context == ""
	if len(cl.Capacities) > 0 {
		out.Capacities = maps.Clone(c.Capacities)
		if out.Capacities == nil {
			out.Capacities = map[string]float64{}
		}
		maps.Copy(out.Capacities, cl.Capacities)
	}
	out.Git.Cluster = cl.Name
	return out
}

func (cl Cluster) matchers(label string) string {
	if cl.Matchers != "" {
		return cl.Matchers
	}
	return "{" + label + "=" + strconv.Quote(cl.Name) + "}"
}

// clusterName is what a cluster's name may be: one path component of
// the report repository, which reads as no date.
var clusterName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// ClusterNameProblem says why name cannot name a cluster's directory;
// "" when it can.
func ClusterNameProblem(name string) string {
	if !clusterName.MatchString(name) {
		return "want 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit"
	}
	if _, err := time.Parse(time.DateOnly, name); err == nil {
		return "a date names a report's directory"
	}
	if _, err := strconv.Atoi(name); err == nil && len(name) == 4 {
		return "a year names the reports' directories"
	}
	return ""
}

// fleetProblems are the fleet's settings that do not validate.
func (c Config) fleetProblems() []problem {
	if !c.IsFleet() {
		return nil
	}
	var out []problem
	add := func(key, format string, args ...any) {
		out = append(out, problem{key, fmt.Sprintf(format, args...)})
	}
	key := "clusters"
	if len(c.Clusters) == 0 {
		key = "cluster_label"
	}
	switch {
	case c.Prometheus.URL == "":
		add(key, "a fleet is read from one store: give prometheus.url (Thanos, Mimir, VictoriaMetrics or Prometheus)")
	case c.Demo:
		add(key, "the demo is one cluster: give clusters or cluster_label without demo")
	case c.ClusterName != "":
		add("cluster_name", "cluster_name names one cluster: a fleet's are named in clusters (or by cluster_label's values)")
	case c.Prometheus.Matchers != "":
		add("prometheus.matchers", "prometheus.matchers selects one cluster: give each cluster's matchers in clusters")
	case c.Kubeconfig != "" || c.Context != "" || c.CephDF != "":
		add(key, "kubeconfig, context and ceph_df are one cluster's: give them in each cluster's entry of clusters")
	case c.HistoryCSV != "" || c.HistoryGit != "":
		add(key, "history_csv and history_git are one cluster's history: a fleet's comes from the store, and from reports/<cluster>/ in the report repository")
	}
	if l := c.ClusterLabel; l != "" && !isLabelName(l) {
		add("cluster_label", "cluster_label %q: want a label name such as cluster", l)
	}
	seen := map[string]bool{}
	for i, cl := range c.Clusters {
		at := fmt.Sprintf("clusters[%d]", i)
		if why := ClusterNameProblem(cl.Name); why != "" {
			add(at+".name", "clusters[%d].name %q: %s", i, cl.Name, why)
		} else if seen[cl.Name] {
			add(at+".name", "clusters[%d].name %q is given twice", i, cl.Name)
		}
		seen[cl.Name] = true
		if m := cl.Matchers; m != "" {
			if !matchers(m) {
				add(at+".matchers", "clusters[%d].matchers %q: want label matchers such as {cluster=\"a\"}", i, m)
			}
		}
		for _, p := range (Planner{Capacities: cl.Capacities}).capacityProblems() {
			p.key = at + "." + p.key
			out = append(out, p)
		}
	}
	return out
}

// matchers tells label matchers written as a selector without a metric
// name, {cluster="a"}, as PromQL's parser reads them.
func matchers(m string) bool {
	ms, err := parser.NewParser(parser.Options{}).ParseMetricSelector(m)
	return err == nil && len(ms) > 0
}

// isLabelName tells a Prometheus label name.
func isLabelName(name string) bool { return labelName.MatchString(name) }

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
