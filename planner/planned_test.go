package planner

import (
	"strings"
	"testing"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
)

// TestPlannedWorkloadMovesTheDate: a linear history of requests reaching
// 60 cores of 100 yesterday, 0.125 cores a day: 70% is reached on day 80
// (2027-02-10, 79 days from today). A workload of 2.5 cores from
// 2027-01-01 is 20 days of that growth: 2027-01-21 (59 days).
func TestPlannedWorkloadMovesTheDate(t *testing.T) {
	requests, usage := growing(), growing()
	requests.Name = "cpu/requests"
	cfg := config.Default().Planner
	cfg.Capacities = map[string]float64{"cpu/requests": 100, "cpu/usage": 100}
	cfg.Planned = []config.Workload{{Name: "batch", Namespace: "data", Start: "2027-01-01", CPUCores: 2.5}}
	plan := makeWith(collectors.Snapshot{}, collectors.History{Series: []collectors.Series{requests, usage}}, cfg, today, exact)
	got := map[string]Projection{}
	for _, p := range plan.Projections {
		got[p.Resource] = p
	}
	c := got["cpu/requests"].Crossings[0]
	if c.Date == nil || c.Date.Format("2006-01-02") != "2027-01-21" || *c.RunwayDays != 59 ||
		c.Without == nil || c.Without.Date.Format("2006-01-02") != "2027-02-10" || *c.Without.RunwayDays != 79 {
		t.Errorf("cpu/requests %+v without %+v: want 2027-01-21 (59 days), without it 2027-02-10 (79)", c, c.Without)
	}
	want := "Planned: batch (data) adds 2.50 cores from 2027-01-01. The forecasts and dates include it; without: CPU average on 2027-02-10 (79 days)"
	if notes := strings.Join(got["cpu/requests"].Notes, "\n"); !strings.Contains(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
	// Usage is not what a workload asks for: it does not move.
	if u := got["cpu/usage"].Crossings[0]; u.Without != nil || u.Date.Format("2006-01-02") != "2027-02-10" {
		t.Errorf("cpu/usage %+v, want 2027-02-10 and nothing planned", u)
	}
	// Growing by 10% of its 2.5 cores a month, 0.25 cores a month more:
	// on day k after its start it adds 2.5 + 0.25 k / 30.44; the line
	// 60 + 0.125 (k+39+1) + 2.5 + 0.25 k / 30.44 reaches 70 at
	// k = 20 / (1 + 2/30.44) = 18.77, the 19th day after its start
	// (k = 19): 2027-01-20, 58 days.
	cfg.Planned[0].GrowthPerMonth = 0.1
	plan = makeWith(collectors.Snapshot{}, collectors.History{Series: []collectors.Series{requests}}, cfg, today, exact)
	if c := plan.Projections[0].Crossings[0]; c.Date.Format("2006-01-02") != "2027-01-20" || *c.RunwayDays != 58 {
		t.Errorf("growing: %v, want 2027-01-20 (58 days)", c.Date)
	}
}
