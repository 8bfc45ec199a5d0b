package planner

import (
	"math"
	"testing"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/units"
)

// steep is 60 days of memory use rising 0.5 GiB a day to 60 GiB yesterday:
// too short for a monthly forecast, so runways come from the daily one.
func steep() collectors.Series {
	s := collectors.Series{Name: "memory/usage", Unit: units.Bytes}
	for d := range 60 {
		v := (60 - 0.5*float64(59-d)) * gib
		s.Days = append(s.Days, collectors.Day{Date: date(2026, 11, 22).AddDate(0, 0, d-59), Mean: v, Peak: v})
	}
	return s
}

func TestOptions(t *testing.T) {
	// Memory is the binding resource: 70% of 100 GiB is reached after 20
	// steps, a runway of 19 days from today. CPU is flat and never binds.
	memory, err := project(steep(), 100*gib, 0, []Threshold{{Name: "memory average", Fraction: 0.7}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	flat := steep()
	flat.Name, flat.Unit = "cpu/usage", units.Cores
	for i := range flat.Days {
		flat.Days[i].Mean, flat.Days[i].Peak = 4, 4
	}
	cpu, err := project(flat, 32, 0, []Threshold{{Name: "CPU average", Fraction: 0.7}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Today: today, Projections: []Projection{memory, cpu}}
	snap := collectors.Snapshot{Nodes: []collectors.Node{node("a", 16, 50), node("b", 16, 50)}}
	catalogue := []config.Option{
		{Name: "memory +5 GiB a node", Cost: 800, PerNode: true, MemoryBytes: 5 << 30},
		{Name: "node", Cost: 1500, Node: true},
		{Name: "cpu", Cost: 100, CPUCores: 8},
	}
	evals, err := Options(plan, snap, catalogue, 12)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Evaluation{}
	var order []string
	for _, e := range evals {
		got[e.Option] = e
		order = append(order, e.Option)
	}
	// +10 GiB: 77 GiB after 34 steps, runway 33 days, 14 gained for $1,600.
	if e := got["memory +5 GiB a node"]; e.Runway != 33 || e.Binding != "memory/usage" || e.Cost != 1600 ||
		math.Abs(e.GainMonths-14/30.44) > 1e-9 || math.Abs(e.CostPerMonth-1600/(14/30.44)) > 1e-6 {
		t.Errorf("memory upgrade %+v", e)
	}
	// A node like the largest adds 50 GiB: 105 GiB at 70%, after 90 steps,
	// the last of the daily horizon: runway 89 days, 70 gained for $1,500.
	if e := got["node"]; e.Beyond || e.Runway != 89 || e.Binding != "memory/usage" || math.Abs(e.CostPerMonth-1500/(70/30.44)) > 1e-6 {
		t.Errorf("node %+v", e)
	}
	// Both add 65 GiB (the node's 50, and 5 on each of the three nodes
	// there will be): 115.5 GiB at 70%, 55.5 above the last day's 60 at
	// 0.5 a day, after 111 steps: runway 110 days, within the 12-month
	// view, 91 gained for $3,900 (three upgrades and a node).
	if e := got["memory +5 GiB a node + node"]; e.Beyond || e.Runway != 110 || e.Cost != 3900 || math.Abs(e.CostPerMonth-3900/(91/30.44)) > 1e-6 {
		t.Errorf("memory and node %+v", e)
	}
	// CPU is not what binds: buying it gains nothing.
	if e := got["cpu"]; e.GainMonths != 0 || e.CostPerMonth != 0 {
		t.Errorf("cpu %+v", e)
	}
	// Combinations are evaluated too; the ranking puts the cheapest month
	// of runway first (the node: $652 a month, against $1,305 with the
	// upgrades and $3,478 for the upgrades alone) and what gains nothing
	// last.
	if len(evals) != 6 || order[0] != "node" || order[len(order)-1] != "cpu" {
		t.Errorf("ranking %v", order)
	}
	if _, err := Options(Plan{}, snap, catalogue, 12); err == nil {
		t.Error("no projections: want an error")
	}
}

// TestNodeSpreadsPerNodeLoad: a node more spreads each node's load over
// n+1 nodes, which is as if each node's capacity grew by (n+1)/n; with an
// upgrade for every node, the upgrade is bought for the new node too.
func TestNodeSpreadsPerNodeLoad(t *testing.T) {
	snap := collectors.Snapshot{Nodes: []collectors.Node{node("a", 16, 50), node("b", 16, 50)}}
	add := func(o config.Option, nodes int) added {
		a, _, err := capacity(o, snap, nodes)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	nodeOpt := add(config.Option{Name: "node", Node: true}, 2)
	upgrade, cost, _ := capacity(config.Option{Name: "mem", PerNode: true, Cost: 800, MemoryBytes: 5 << 30}, snap, 3)
	perNode := Projection{Resource: "node/a/memory/usage", Capacity: 50 * gib}
	for _, tc := range []struct {
		a    added
		want float64
	}{
		{added{spread: 1}, 50 * gib},
		{nodeOpt, 75 * gib},                 // 50 x 3/2
		{nodeOpt.plus(upgrade), 82.5 * gib}, // (50 + 5) x 3/2
		{add(config.Option{PerNode: true, MemoryBytes: 5 << 30}, 2), 55 * gib},
	} {
		if got := withAdded(perNode, tc.a); got != tc.want {
			t.Errorf("%+v: %v GiB, want %v", tc.a, got/gib, tc.want/gib)
		}
	}
	if cost != 2400 || upgrade.mem != 15*gib {
		t.Errorf("an upgrade for 3 nodes: $%v, %v GiB", cost, upgrade.mem/gib)
	}
}

// TestOptionsCreditCephRebuild: an option whose nodes give Ceph the hosts
// it lacks to rebuild a lost host's copies says so.
func TestOptionsCreditCephRebuild(t *testing.T) {
	flat := steep()
	for i := range flat.Days {
		flat.Days[i].Mean, flat.Days[i].Peak = 4, 4
	}
	cpu, err := project(flat, 32, 0, []Threshold{{Name: "CPU average", Fraction: 0.7}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	snap := collectors.Snapshot{Nodes: []collectors.Node{node("a", 16, 50), node("b", 16, 50)}}
	catalogue := []config.Option{{Name: "node", Cost: 1500, Node: true}, {Name: "cpu", Cost: 100, CPUCores: 8}}
	for more, want := range map[int]map[string]bool{
		1: {"node": true, "cpu": false, "node + cpu": true},
		2: {"node": false, "cpu": false, "node + cpu": false},
	} {
		plan := Plan{Today: today, Projections: []Projection{cpu}, NPlusOne: &NPlusOne{Ceph: &CephLoss{MoreHosts: more}}}
		evals, err := Options(plan, snap, catalogue, 12)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evals {
			if e.CephRebuilds != want[e.Option] {
				t.Errorf("%d more hosts needed: %s rebuilds %v, want %v", more, e.Option, e.CephRebuilds, want[e.Option])
			}
		}
	}
}
