package planner

import (
	"math"
	"testing"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
)

// TestRecommendByKrrRules: krr's simple strategy rounds CPU up to the
// millicore with a 10m floor, and memory (the peak plus 15%) up to the
// megabyte with a 100 MB floor.
func TestRecommendByKrrRules(t *testing.T) {
	for _, tc := range []struct{ p95, want float64 }{{0.2341, 0.235}, {0.235, 0.235}, {0.001, 0.010}, {1.5, 1.5}} {
		if got := recommendCPU(tc.p95); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("CPU %v: %v, want %v", tc.p95, got, tc.want)
		}
	}
	for _, tc := range []struct{ peak, want float64 }{{1e9, 1150e6}, {1000.1e6, 1151e6}, {10e6, 100e6}} {
		if got := recommendMemory(tc.peak); math.Abs(got-tc.want) > 1e-3 {
			t.Errorf("memory %v: %v, want %v", tc.peak, got, tc.want)
		}
	}
}

// TestRightSizingOption: three containers. web (4 pods) requests 1 core
// and 2 GB and uses 0.3 (p95) and 1 GB at most: 0.7 core and 0.85 GB a
// pod are freed, 2.8 cores and 3.4 GB in all. db (1 pod) requests 0.5
// core and uses 0.8: raised by 0.3. cron has 40 samples: not sized. Net,
// 2.5 cores are won back. cpu/requests grows 0.125 core a day to 60 of
// 100 cores (70% reached in 80 days from the last day): 2.5 cores fewer
// put the date 20 days later, at $0.
func TestRightSizingOption(t *testing.T) {
	ws := []collectors.Workload{
		{Namespace: "shop", Kind: "Deployment", Name: "web", Container: "app", Pods: 4, CPURequest: 1, MemoryRequest: 2e9, CPUP95: ptr(0.3), MemoryMax: ptr(1e9), Samples: 4 * 20160, WindowDays: 14},
		{Namespace: "shop", Kind: "StatefulSet", Name: "db", Container: "pg", Pods: 1, CPURequest: 0.5, MemoryRequest: 4e9, CPUP95: ptr(0.8), MemoryMax: ptr(4e9 / 1.15), Samples: 20160, WindowDays: 14},
		{Namespace: "ops", Kind: "CronJob", Name: "backup", Container: "b", Pods: 1, CPURequest: 2, MemoryRequest: 1e9, CPUP95: ptr(0.1), MemoryMax: ptr(1e8), Samples: 40, WindowDays: 14},
	}
	r := rightSizing(ws)
	if r == nil || len(r.Resizes) != 2 || r.TooFewSamples != 1 {
		t.Fatalf("right-sizing %+v", r)
	}
	for name, c := range map[string][2]float64{"CPU freed": {r.CPUFreed, 2.8}, "CPU raised": {r.CPURaised, 0.3}, "memory freed": {r.MemoryFreed, 4 * 0.85e9}, "memory raised": {r.MemoryRaised, 0}} {
		if math.Abs(c[0]-c[1]) > 1e-6 {
			t.Errorf("%s %v, want %v", name, c[0], c[1])
		}
	}
	if r.Resizes[0].Name != "web" || r.Resizes[0].CPUChange > -2.8+1e-9 {
		t.Errorf("the most freed first: %+v", r.Resizes)
	}

	requests := growing()
	requests.Name = "cpu/requests"
	p, err := project(requests, 100, 0, []Threshold{{Name: "CPU average", Fraction: 0.7}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Today: today, Projections: []Projection{p}, RightSizing: r}
	evals, err := Options(plan, collectors.Snapshot{Nodes: []collectors.Node{node("a", 50, 64), node("b", 50, 64)}},
		[]config.Option{{Name: "cpu", Cost: 100, CPUCores: 8}}, 12)
	if err != nil {
		t.Fatal(err)
	}
	base := float64(*p.Crossings[0].RunwayDays)
	var found bool
	for _, e := range evals {
		if !e.RightSizing {
			continue
		}
		found = true
		if e.Cost != 0 || e.Option != rightSizeOption || e.Runway-base != 20 {
			t.Errorf("right-sizing %+v: runway %v, want %v + 20 at $0", e, e.Runway, base)
		}
	}
	if !found || !evals[0].RightSizing {
		t.Errorf("right-sizing not the first option: %+v", evals)
	}
}
