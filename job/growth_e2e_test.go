package job

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/prom"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/test/servertest"
)

// TestGrowthFromPrometheus: a real Prometheus holding 100 days of
// kube-state-metrics requests and cAdvisor usage for two namespaces,
// backfilled with promtool; the plan, without a cluster, against the
// configured capacities, groups them and shows their growth. Namespace
// "lake" requests 2 cores growing 0.02 a day, "web" 1 core flat: over 90
// days the cluster's requests grew 1.8 cores, all of them the data
// group's. Usage: lake's rises by 0.01 core a day (0.9 in 90 days), web's
// is flat.
func TestGrowthFromPrometheus(t *testing.T) {
	at := time.Now().UTC().Truncate(24 * time.Hour).Add(9 * time.Hour)
	start := at.AddDate(0, 0, -100).Truncate(24 * time.Hour)
	var b strings.Builder
	type row struct {
		metric string
		value  func(days float64) float64
	}
	rows := []row{
		{`kube_pod_container_resource_requests{container="c",namespace="lake",pod="lake-0",resource="cpu",unit="core"}`, func(d float64) float64 { return 2 + 0.02*d }},
		{`kube_pod_container_resource_requests{container="c",namespace="web",pod="web-0",resource="cpu",unit="core"}`, func(float64) float64 { return 1 }},
		{`kube_pod_status_phase{namespace="lake",phase="Running",pod="lake-0"}`, func(float64) float64 { return 1 }},
		{`kube_pod_status_phase{namespace="web",phase="Running",pod="web-0"}`, func(float64) float64 { return 1 }},
		// Counters of CPU seconds: the integral of a rate of 1 + 0.01 d
		// cores (lake) and 0.5 (web).
		{`container_cpu_usage_seconds_total{container="c",image="lake:1",namespace="lake",node="n1",pod="lake-0"}`, func(d float64) float64 { return 86400 * (d + 0.005*d*d) }},
		{`container_cpu_usage_seconds_total{container="c",image="web:1",namespace="web",node="n1",pod="web-0"}`, func(d float64) float64 { return 86400 * 0.5 * d }},
	}
	for _, r := range rows {
		name, _, _ := strings.Cut(r.metric, "{")
		if strings.HasSuffix(name, "_total") {
			fmt.Fprintf(&b, "# TYPE %s counter\n", strings.TrimSuffix(name, "_total"))
		}
		for ts := start; ts.Before(at.Add(-time.Hour)); ts = ts.Add(10 * time.Minute) {
			fmt.Fprintf(&b, "%s %.6f %d\n", r.metric, r.value(ts.Sub(start).Hours()/24), ts.Unix())
		}
	}
	b.WriteString("# EOF\n")
	promURL := servertest.Prometheus(t, b.String())

	// From Prometheus through the collector, the planner and the report,
	// with no cluster: the history is planned against the capacities.
	pc, err := prom.New(prom.Options{URL: promURL, Days: 100, Queries: prom.DefaultQueries})
	if err != nil {
		t.Fatal(err)
	}
	hist, _, err := pc.History(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default().Planner
	cfg.Capacities = map[string]float64{"cpu/requests": 24, "cpu/usage": 24}
	cfg.Groups = map[string][]string{"data": {"lake"}}
	files, r, err := renderPlan(collectors.Snapshot{HistoryOnly: true}, hist, cfg, at, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res := Result{Report: r, Files: files}
	got := map[string]float64{}
	for _, g := range res.Report.Growth {
		got[g.Resource] = g.Past
		for _, gg := range g.Groups {
			got[g.Resource+" "+gg.Name] = gg.Past
			if gg.PastShare != nil {
				got[g.Resource+" "+gg.Name+" share"] = *gg.PastShare
			}
		}
	}
	for key, want := range map[string]float64{
		"cpu/requests": 1.8, "cpu/requests data": 1.8, "cpu/requests web": 0, "cpu/requests data share": 1,
		"cpu/usage": 0.9, "cpu/usage data": 0.9, "cpu/usage web": 0,
	} {
		if v, ok := got[key]; !ok || math.Abs(v-want) > 0.02 {
			t.Errorf("%s grew %v (present %v), want %v; growth %+v", key, v, ok, want, res.Report.Growth)
		}
	}
	md := string(res.File("report.md"))
	if !strings.Contains(md, "| data | lake | +1.80 cores | 100% |") {
		t.Errorf("report.md's growth section:\n%s", section(md, "## Who drives growth"))
	}
}

// section is the part of md from heading to the next heading of its level.
func section(md, heading string) string {
	_, s, _ := strings.Cut(md, heading+"\n")
	s, _, _ = strings.Cut(s, "\n## ")
	return s
}
