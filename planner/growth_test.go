package planner

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/units"
)

// linear is a series of daily means a + b d over the n days to yesterday.
func linear(name string, n int, a, b float64) collectors.Series {
	s := collectors.Series{Name: name, Unit: units.Cores}
	for d := range n {
		v := a + b*float64(d)
		s.Days = append(s.Days, collectors.Day{Date: today.AddDate(0, 0, d-n), Mean: v, Peak: v})
	}
	return s
}

// TestGrowthByGroup: three namespaces growing 0.1, 0.02 and 0 cores a day
// and a cluster series 0.01 a day faster than their sum: over 90 days,
// 9, 1.8 and 0 cores of the cluster's 11.7, 0.9 left to no namespace;
// grouped, data (a, b) has 10.8 of 11.7 (92.3%).
func TestGrowthByGroup(t *testing.T) {
	h := collectors.History{Series: []collectors.Series{
		linear("cpu/requests", 120, 10, 0.13),
		linear("namespace/a/cpu/requests", 120, 4, 0.1),
		linear("namespace/b/cpu/requests", 120, 3, 0.02),
		linear("namespace/c/cpu/requests", 120, 2, 0),
		linear("namespace/a/cpu/usage", 120, 2, 0.05), // no cluster usage: not measured
	}}
	// a is labelled "data"; the configuration puts b there too and moves
	// c out of the label's "ops".
	snap := collectors.Snapshot{Namespaces: []collectors.Namespace{{Name: "a", Group: "data"}, {Name: "c", Group: "ops"}}}
	got := growthOf(h, groupsOf(snap, map[string][]string{"data": {"b"}, "c": {"c"}}))
	if len(got) != 1 || got[0].Resource != "cpu/requests" {
		t.Fatalf("%+v, want cpu/requests alone", got)
	}
	g := got[0]
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(g.Past, 11.7) || !near(g.Next, 11.7) || !near(g.OtherPast, 0.9) || !near(g.OtherNext, 0.9) {
		t.Errorf("cluster %v / %v, other %v / %v; want 11.7, 11.7, 0.9, 0.9", g.Past, g.Next, g.OtherPast, g.OtherNext)
	}
	if len(g.Groups) != 2 || g.Groups[0].Name != "data" || !near(g.Groups[0].Past, 10.8) || !near(*g.Groups[0].PastShare, 10.8/11.7) ||
		g.Groups[1].Name != "c" || !near(g.Groups[1].Next, 0) || len(g.Groups[0].Namespaces) != 2 {
		t.Errorf("groups %+v", g.Groups)
	}
	// A cluster that did not grow has no shares to give.
	h.Series[0] = linear("cpu/requests", 120, 10, 0)
	if g := growthOf(h, nil)[0]; g.Groups[0].PastShare != nil {
		t.Errorf("shares of no growth: %+v", g.Groups[0])
	}
}

// TestNamespaceQuotaAndBudget: a namespace's requests are planned against
// its ResourceQuota, and a planned workload of that namespace moves the
// date; another's against a budget the configuration gives. data requests
// 5.985 cores yesterday, 0.025 more a day, against a quota of 10: 70%
// (7 cores) after 40.6 days, on the 41st; 0.5 core more from the 20th day
// puts it on the 21st (6.985 on the 20th, 7.01 on the 21st).
func TestNamespaceQuotaAndBudget(t *testing.T) {
	data := linear("namespace/data/cpu/requests", 120, 3.01, 0.025)
	web := linear("namespace/web/memory/requests", 120, 1<<30, 0)
	web.Unit = units.Bytes
	snap := collectors.Snapshot{Nodes: []collectors.Node{node("a", 16, 64)},
		Namespaces: []collectors.Namespace{{Name: "data", Quota: &collectors.Resources{CPUCores: 10}}, {Name: "web"}}}
	cfg := config.Default().Planner
	cfg.Capacities = map[string]float64{"namespace/web/memory/requests": 8 << 30}
	last := today.AddDate(0, 0, -1)
	for _, tc := range []struct {
		planned []config.Workload
		days    int
	}{
		{nil, 41},
		{[]config.Workload{{Name: "etl", Namespace: "data", Start: last.AddDate(0, 0, 20).Format(time.DateOnly), CPUCores: 0.5}}, 21},
		{[]config.Workload{{Name: "elsewhere", Namespace: "web", Start: last.AddDate(0, 0, 20).Format(time.DateOnly), CPUCores: 0.5}}, 41},
	} {
		cfg.Planned = tc.planned
		plan := makeWith(snap, collectors.History{Series: []collectors.Series{data, web}}, cfg, today, exact)
		got := map[string]Projection{}
		for _, p := range plan.Projections {
			got[p.Resource] = p
		}
		p, ok := got["namespace/data/cpu/requests"]
		if !ok || p.Capacity != 10 || len(p.Crossings) != 1 || p.Crossings[0].Date == nil {
			t.Fatalf("data's requests not planned against its quota: %+v %v", p, plan.Unknown)
		}
		if d := int(p.Crossings[0].Date.Sub(last).Hours() / 24); d != tc.days {
			t.Errorf("planned %v: 70%% of the quota %d days after the last day, want %d", tc.planned, d, tc.days)
		}
		// The line passes the quota after 161 days: the monthly forecast
		// stops at it, as the API server refuses pods beyond it.
		if top := slices.Max(p.MonthlyMean.Mean); top != 10 || !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "the namespace's quota") }) {
			t.Errorf("data's forecast reaches %v, notes %q; want it stopped at the quota of 10, with why", top, p.Notes)
		}
		if w, ok := got["namespace/web/memory/requests"]; !ok || w.Capacity != 8<<30 {
			t.Errorf("web's requests not planned against the configured 8 GiB: %+v", w)
		}
	}
}
