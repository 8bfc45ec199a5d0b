package job

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/reportrepo"
	"github.com/capplan/capplan/test/servertest"
)

// clusterHistory is 120 days, sampled every 5 minutes, of one cluster of
// one node with 16 allocatable cores and 64 GiB: its pod's CPU use grows
// from 4 cores by slope cores a day (a cAdvisor counter), its working set
// from 8 GiB by twice that in GiB, both swinging a fifth either way over
// the day and by a day's own few percent (seeded), its requests are 6
// cores.
func clusterHistory(now time.Time, slope float64, seed uint64) string {
	start := now.AddDate(0, 0, -120)
	rng := rand.New(rand.NewPCG(seed, 1))
	dayNoise := make([]float64, 121)
	for i := range dayNoise {
		dayNoise[i] = 1 + 0.05*rng.NormFloat64()
	}
	level := func(base, growth, d float64) float64 {
		return (base + growth*d) * dayNoise[int(d)] * (1 + 0.2*math.Sin(2*math.Pi*d))
	}
	pod := `container="c",namespace="app",pod="app-0"`
	cpuSeconds := 0.0
	rows := []struct {
		metric string
		value  func(d float64) float64
	}{
		{`container_cpu_usage_seconds_total{` + pod + `,image="app:1",node="n1"}`, func(d float64) float64 {
			cpuSeconds += 300 * level(4, slope, d)
			return cpuSeconds
		}},
		{`container_memory_working_set_bytes{` + pod + `,image="app:1",node="n1"}`, func(d float64) float64 { return level(8, 2*slope, d) * (1 << 30) }},
		{`kube_pod_container_resource_requests{` + pod + `,node="n1",resource="cpu",unit="core"}`, func(float64) float64 { return 6 }},
		{`kube_pod_status_phase{namespace="app",phase="Running",pod="app-0"}`, func(float64) float64 { return 1 }},
		{`kube_node_status_allocatable{node="n1",resource="cpu",unit="core"}`, func(float64) float64 { return 16 }},
		{`kube_node_status_allocatable{node="n1",resource="memory",unit="byte"}`, func(float64) float64 { return 64 << 30 }},
	}
	var b strings.Builder
	for _, r := range rows {
		if name, _, _ := strings.Cut(r.metric, "{"); strings.HasSuffix(name, "_total") {
			fmt.Fprintf(&b, "# TYPE %s counter\n", strings.TrimSuffix(name, "_total"))
		}
		for ts := start.Add(17 * time.Second); ts.Before(now.Add(-time.Hour)); ts = ts.Add(5 * time.Minute) {
			fmt.Fprintf(&b, "%s %.6f %d\n", r.metric, r.value(ts.Sub(start).Hours()/24), ts.Unix())
		}
	}
	b.WriteString("# EOF\n")
	return b.String()
}

// TestFleetThroughThanos: two clusters whose CPU use grows at different
// rates (b's 2.5 times a's), each a Prometheus with a Thanos sidecar and
// the external label cluster=<name> behind one Thanos Query. One fleet
// run plans both from the store into reports/<cluster>/, with the same
// crossing dates as each planned alone from its own Prometheus, and a
// summary at the root that puts b, which runs out first, first. With b's
// Prometheus stopped, the next run still plans a, says why b could not
// be planned, and ends incomplete.
func TestFleetThroughThanos(t *testing.T) {
	servertest.NeedGit(t)
	now := time.Now().UTC().Truncate(24 * time.Hour).Add(9 * time.Hour)
	texts := map[string]string{"a": clusterHistory(now, 0.02, 1), "b": clusterHistory(now, 0.05, 2)}
	store := servertest.ThanosStore(t, texts)
	base := config.Default()
	base.Ollama.Enabled = false
	base.Prometheus.HistoryDays = 100

	alone := map[string]report.Report{}
	for name, text := range texts {
		c := base
		c.ClusterName, c.NoCluster = name, true
		c.Prometheus.URL = servertest.Prometheus(t, text)
		c.Git.Dir = t.TempDir()
		res, err := Run(context.Background(), c, now, false, "", nil)
		if err != nil {
			t.Fatalf("%s alone: %v", name, err)
		}
		alone[name] = res.Report
	}

	fleet := base
	fleet.Prometheus.URL = store.URL
	fleet.Clusters = []config.Cluster{{Name: "a"}, {Name: "b"}}
	fleet.Git.Dir = t.TempDir()
	res, err := RunFleet(context.Background(), fleet, now, false, "", nil)
	if err != nil {
		t.Fatalf("fleet: %v", err)
	}
	if len(res.Clusters) != 2 {
		t.Fatalf("%d clusters' runs", len(res.Clusters))
	}
	for i, name := range []string{"a", "b"} {
		sameDates(t, name, res.Clusters[i].Report, alone[name])
	}
	order := []string{}
	for _, c := range res.Fleet.Clusters {
		order = append(order, c.Name)
		if c.Binding == "" || c.Runway == nil || c.Report != reportrepo.ReportDir(c.Name, now) {
			t.Errorf("cluster %s: %+v, want a binding resource, a runway and its report", c.Name, c)
		}
	}
	if strings.Join(order, ",") != "b,a" {
		t.Errorf("summary's order %v, want b (sooner) then a", order)
	}
	day := now.Format(time.DateOnly)
	for _, f := range []string{"README.md", "fleet.json", "reports/a/README.md", "reports/a/history.json",
		"reports/b/" + day[:4] + "/" + day + "/report.md", "reports/b/history.json"} {
		if _, err := os.Stat(filepath.Join(fleet.Git.Dir, f)); err != nil {
			t.Errorf("repository: %v", err)
		}
	}
	if tree := strings.Join(servertest.RepoTree(t, fleet.Git.Dir), "\n"); strings.Contains(tree, "\nhistory.json") || strings.HasPrefix(tree, "history.json") {
		t.Errorf("a fleet's repository has a history.json at its root:\n%s", tree)
	}

	store.Stop(t, "b")
	fleet.Git.Dir = t.TempDir()
	res, err = RunFleet(context.Background(), fleet, now, false, "", nil)
	if !errors.Is(err, ErrIncomplete) {
		t.Errorf("with b's Prometheus stopped: %v, want incomplete", err)
	}
	if len(res.Fleet.Clusters) != 2 || res.Fleet.Clusters[0].Name != "a" || !res.Fleet.Clusters[0].Planned() || res.Fleet.Clusters[1].Planned() {
		t.Fatalf("with b's Prometheus stopped: %+v, want a planned and b not", res.Fleet.Clusters)
	}
	sameDates(t, "a (b stopped)", res.Clusters[0].Report, alone["a"])
	readme := string(res.File("README.md"))
	if !strings.Contains(readme, "## Not planned\n\n- **b**: no resource could be planned: collect: prometheus "+store.URL+": ") {
		t.Errorf("the summary does not say why b was not planned:\n%s", readme)
	}
}

// TestFleetDiscovered: with cluster_label alone, the clusters are the
// label's values in the store, each planned; a dry run writes the
// reports and the summary into its directory.
func TestFleetDiscovered(t *testing.T) {
	now := time.Now().UTC().Truncate(24 * time.Hour).Add(9 * time.Hour)
	store := servertest.ThanosQuery(t, map[string]string{"x1": clusterHistory(now, 0.01, 3), "x2": clusterHistory(now, 0.03, 4)})
	c := config.Default()
	c.Ollama.Enabled = false
	c.Prometheus.URL, c.ClusterLabel = store, "cluster"
	out := t.TempDir()
	res, err := RunFleet(context.Background(), c, now, true, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, cl := range res.Fleet.Clusters {
		names = append(names, cl.Name)
	}
	if strings.Join(names, ",") != "x2,x1" {
		t.Errorf("clusters %v, want x2 (sooner) and x1", names)
	}
	for _, f := range []string{"README.md", "fleet.json", reportrepo.ReportDir("x1", now) + "/report.md", reportrepo.ReportDir("x2", now) + "/report.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// sameDates fails unless got plans the resources want does, with the
// same crossing dates.
func sameDates(t *testing.T, name string, got, want report.Report) {
	t.Helper()
	dates := func(r report.Report) map[string]string {
		out := map[string]string{}
		for _, res := range r.Resources {
			for _, c := range res.Crossings {
				d := "none"
				if c.Date != nil {
					d = c.Date.Format(time.DateOnly)
				}
				out[res.Name+" "+c.Name] = d
			}
		}
		return out
	}
	g, w := dates(got), dates(want)
	if len(w) == 0 {
		t.Fatalf("%s alone: no crossing planned", name)
	}
	for k, v := range w {
		if g[k] != v {
			t.Errorf("%s: %s on %s through the store, %s alone", name, k, g[k], v)
		}
	}
	if len(g) != len(w) {
		t.Errorf("%s: %d crossings through the store, %d alone", name, len(g), len(w))
	}
}
