package planner

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/units"
)

func TestMakePlanOnTheDemo(t *testing.T) {
	snap, hist := demo.Cluster(1, today.Add(8*time.Hour))
	snap.Ceph.SetUsable()
	plan := makeWith(snap, hist, config.Default().Planner, today, exact)
	got := map[string]Projection{}
	for _, p := range plan.Projections {
		got[p.Resource] = p
	}
	for name, capacity := range map[string]float64{
		"cpu/usage":     3 * 11.5,
		"memory/usage":  3 * 61 * gib,
		"ceph/raw_used": 6e12,
		"ceph/stored":   2e12,
	} {
		p, ok := got[name]
		if !ok {
			t.Fatalf("no projection of %s; notes %v", name, plan.Notes)
		}
		if p.Capacity != capacity {
			t.Errorf("%s against %v, want %v", name, p.Capacity, capacity)
		}
	}
	if th := got["cpu/usage"].Crossings; len(th) != 2 || th[0].Fraction != 0.70 || !th[1].Peak || th[1].Fraction != 0.85 {
		t.Errorf("cpu/usage thresholds %+v", th)
	}
	// Ceph's nearfull (0.85) is above the plan's 0.70, its full (0.95)
	// above 0.85: the plan's own thresholds stand.
	if th := got["ceph/raw_used"].Crossings; th[0].Fraction != 0.70 || th[1].Fraction != 0.85 {
		t.Errorf("ceph/raw_used thresholds %+v", th)
	}
	// The pools share the raw space: together they hold no more than
	// the usable space, and none is planned on its own.
	if plan.Pools == nil || plan.Pools.Total() > float64(snap.Ceph.UsableBytes) || len(plan.Pools.System) != 1 {
		t.Errorf("pools %+v: want shares within the usable %d bytes, .mgr apart", plan.Pools, snap.Ceph.UsableBytes)
	}
	if _, ok := got["ceph/pool/replicapool/stored"]; ok {
		t.Error("replicapool planned on its own, without a quota")
	}
	if plan.NPlusOne == nil || plan.NPlusOne.Ceph == nil || plan.NPlusOne.Ceph.CanReplicate {
		t.Errorf("N+1 %+v", plan.NPlusOne)
	}
	// Each growth breakdown carries its resource's forecast over the same
	// days, beside the trend's pace.
	if len(plan.Growth) != 4 {
		t.Errorf("%d growth breakdowns, want cpu and memory usage and requests", len(plan.Growth))
	}
	for _, g := range plan.Growth {
		if p := got[g.Resource]; g.Forecast == nil || *g.Forecast != p.AtHorizon-p.Today {
			t.Errorf("%s: forecast %v, want %v", g.Resource, g.Forecast, p.AtHorizon-p.Today)
		}
	}
	// The demo's history has every cluster-level series the plan asks for.
	for _, n := range plan.Notes {
		if strings.Contains(n, "cpu/") || strings.Contains(n, "memory/") {
			t.Errorf("unexpected note %q", n)
		}
	}
}

func TestMakePlanRespectsCephRatios(t *testing.T) {
	snap := collectors.Snapshot{Ceph: &collectors.Ceph{TotalBytes: 100, NearfullRatio: 0.6, FullRatio: 0.8}}
	hist := collectors.History{Series: []collectors.Series{growing()}}
	hist.Series[0].Name = "ceph/raw_used"
	plan := makeWith(snap, hist, config.Default().Planner, today, exact)
	i := slices.IndexFunc(plan.Projections, func(p Projection) bool { return p.Resource == "ceph/raw_used" })
	if i < 0 {
		t.Fatalf("no ceph/raw_used projection: %v", plan.Notes)
	}
	// Nearfull 0.6 is below the plan's 0.70, full 0.8 below 0.85.
	if th := plan.Projections[i].Crossings; th[0].Fraction != 0.6 || th[1].Fraction != 0.8 {
		t.Errorf("thresholds %+v, want Ceph's 0.6 and 0.8", th)
	}
	if !slices.Contains(plan.Unknown, Unknown{"cpu/usage", "no daily history from any source"}) {
		t.Errorf("unknown %v: want cpu/usage, for its missing history", plan.Unknown)
	}
}

func TestMakePlanNetworkNeedsACapacity(t *testing.T) {
	net := growing()
	net.Name, net.Unit = "network/receive", units.BytesPerSecond
	hist := collectors.History{Series: []collectors.Series{net}}
	plan := makeWith(collectors.Snapshot{}, hist, config.Default().Planner, today, exact)
	if !slices.ContainsFunc(plan.Notes, func(n string) bool { return strings.Contains(n, "network/receive: no network capacity configured") }) {
		t.Errorf("notes %v", plan.Notes)
	}
	cfg := config.Default().Planner
	cfg.NetworkBytesPerSecond = 100
	plan = makeWith(collectors.Snapshot{}, hist, cfg, today, exact)
	i := slices.IndexFunc(plan.Projections, func(p Projection) bool { return p.Resource == "network/receive" })
	if i < 0 || plan.Projections[i].Capacity != 100 || len(plan.Projections[i].Crossings) != 2 {
		t.Errorf("network projection missing or wrong: %v", plan.Projections)
	}
}

func TestMakePlanFromCapacities(t *testing.T) {
	cpu, disk, other := growing(), growing(), growing()
	cpu.Name, disk.Name, other.Name = "cpu/usage", "disk/used", "temperature"
	hist := collectors.History{Series: []collectors.Series{cpu, disk, other}}
	cfg := config.Default().Planner
	cfg.Capacities = map[string]float64{"cpu/usage": 36, "disk/used": 1000}
	plan := makeWith(collectors.Snapshot{}, hist, cfg, today, exact)
	got := map[string]Projection{}
	for _, p := range plan.Projections {
		got[p.Resource] = p
	}
	if p := got["cpu/usage"]; p.Capacity != 36 || len(p.Crossings) != 2 || !p.Crossings[1].Peak {
		t.Errorf("cpu/usage %v with %+v, want 36 with the CPU thresholds", p.Capacity, p.Crossings)
	}
	if p := got["disk/used"]; p.Capacity != 1000 || len(p.Crossings) != 2 || p.Crossings[0].Name != "storage expansion" {
		t.Errorf("disk/used %v with %+v, want 1000 with the storage thresholds", p.Capacity, p.Crossings)
	}
	// Without a cluster, only the history's series are spoken of.
	want := []Unknown{{"temperature", "no capacity to plan against (capacities in the configuration can give one)"}}
	if len(plan.Notes) != 0 || !slices.Equal(plan.Unknown, want) || plan.NPlusOne != nil {
		t.Errorf("notes %q, unknown %q, N+1 %v; want none, %q and none", plan.Notes, plan.Unknown, plan.NPlusOne, want)
	}
	// A configured capacity replaces the snapshot's.
	snap, h := demo.Cluster(1, today.Add(8*time.Hour))
	cfg.Capacities = map[string]float64{"cpu/usage": 99}
	plan = makeWith(snap, h, cfg, today, exact)
	if i := slices.IndexFunc(plan.Projections, func(p Projection) bool { return p.Resource == "cpu/usage" }); i < 0 || plan.Projections[i].Capacity != 99 {
		t.Errorf("cpu/usage not planned against the configured 99 cores")
	}
}

// TestVolumesAgainstTheirPool: a storage class's claims are set against
// the raw space its pool draws on, seen through that pool's replication
// (3,000 raw bytes hold 1,000 in 3 copies, 2,000 erasure-coded 2+1), not
// each pool's stored + max_avail; a class no pool backs is named.
func TestVolumesAgainstTheirPool(t *testing.T) {
	block, ec, nfs := growing(), growing(), growing()
	block.Name, ec.Name, nfs.Name = "volumes/ceph-block/requested", "volumes/ceph-ec/requested", "volumes/nfs/requested"
	snap := collectors.Snapshot{
		Ceph: &collectors.Ceph{TotalBytes: 3000, UsableBytes: 1000, NearfullRatio: 0.85, FullRatio: 0.95,
			Pools: []collectors.Pool{{Name: "replicapool", StoredBytes: 100, MaxAvailBytes: 300, Replication: 3}, {Name: "ecpool", StoredBytes: 10, MaxAvailBytes: 600, Replication: 1.5}}},
		StorageClasses: []collectors.StorageClass{{Name: "ceph-block", Pool: "replicapool"}, {Name: "ceph-ec", Pool: "ecpool"}, {Name: "nfs", Provisioner: "nfs.csi.k8s.io"}},
	}
	plan := makeWith(snap, collectors.History{Series: []collectors.Series{block, ec, nfs}}, config.Default().Planner, today, exact)
	for class, want := range map[string][2]float64{"ceph-block": {1000, 3}, "ceph-ec": {2000, 1.5}} {
		i := slices.IndexFunc(plan.Projections, func(p Projection) bool { return p.Resource == "volumes/"+class+"/requested" })
		if i < 0 || plan.Projections[i].Capacity != want[0] || plan.Projections[i].RawPerUnit != want[1] {
			t.Fatalf("%s claims not planned against %v bytes at %v raw bytes each: %+v", class, want[0], want[1], plan.Projections)
		}
	}
	if !slices.Contains(plan.Notes, "volumes/nfs/requested: storage class nfs is backed by no Ceph pool of the snapshot, not projected") {
		t.Errorf("notes %q", plan.Notes)
	}
}

// TestPoolHistoryWithoutItsPool: a pool's history whose pool the
// snapshot's Ceph did not report is said not to be planned, not dropped
// silently.
func TestPoolHistoryWithoutItsPool(t *testing.T) {
	stored := growing()
	stored.Name = "ceph/pool/replicapool/stored"
	snap := collectors.Snapshot{Ceph: &collectors.Ceph{TotalBytes: 3000, NearfullRatio: 0.85, FullRatio: 0.95}}
	plan := makeWith(snap, collectors.History{Series: []collectors.Series{stored}}, config.Default().Planner, today, exact)
	want := Unknown{"ceph/pool/replicapool/stored", fmt.Sprintf("%d days of history, but pool replicapool is not in the snapshot's Ceph capacity", len(stored.Days))}
	if !slices.Contains(plan.Unknown, want) || !slices.Equal(plan.Dropped, []string{"ceph/pool/replicapool/stored"}) {
		t.Errorf("unknown %q, dropped %q; want %q and the series dropped", plan.Unknown, plan.Dropped, want)
	}
}

// TestRequestsCeiling: the forecasts of requests stop at what the nodes
// that take pods hold plus what unscheduled pods ask for, moved with a
// configured capacity; usage has no such bound.
func TestRequestsCeiling(t *testing.T) {
	// Every future triples the last day: far beyond any node's room.
	soaring := func(y []float64, opts forecast.PassageOptions) ([][]float64, error) {
		path := make([]float64, opts.Horizon)
		for k := range path {
			path[k] = 3 * y[len(y)-1]
		}
		return [][]float64{path}, nil
	}
	snap, h := demo.Cluster(1, today.Add(8*time.Hour))
	snap.Unscheduled = collectors.Unscheduled{Pods: 2, Requests: collectors.Resources{CPUCores: 2, MemoryBytes: 4 << 30}}
	top := func(cfg config.Planner) map[string]float64 {
		out := map[string]float64{}
		for _, p := range makeWith(snap, h, cfg, today, soaring).Projections {
			out[p.Resource] = slices.Max(slices.Concat(p.Mean.Upper[len(p.Mean.Upper)-1], p.MonthlyPeak.Mean))
		}
		return out
	}
	cfg := config.Default().Planner
	got := top(cfg)
	for name, want := range map[string]float64{"cpu/requests": 3*11.5 + 2, "memory/requests": 3*61*gib + 4*gib} {
		if got[name] != want {
			t.Errorf("%s reaches %v, want %v", name, got[name], want)
		}
	}
	if got["cpu/usage"] <= 3*11.5+2 {
		t.Errorf("cpu/usage stops at %v: usage has no ceiling", got["cpu/usage"])
	}
	cfg.Capacities = map[string]float64{"cpu/requests": 40}
	if got := top(cfg)["cpu/requests"]; got != 42 {
		t.Errorf("cpu/requests against 40 configured cores reaches %v, want 42", got)
	}
}

// TestCapacityFromHistory: without a snapshot's nodes (a fleet's cluster
// read from its store alone), the allocatable the history holds on its
// last day is the capacity, the cluster's and each node's, and a note
// says so; allocatable that ended more than a week ago is no capacity.
func TestCapacityFromHistory(t *testing.T) {
	flat := func(name string, v float64, last time.Time) collectors.Series {
		s := collectors.Series{Name: name}
		for d := 364; d >= 0; d-- {
			s.Days = append(s.Days, collectors.Day{Date: last.AddDate(0, 0, -d), Mean: v, Peak: v})
		}
		return s
	}
	cpu, nodeCPU := growing(), growing()
	nodeCPU.Name = "node/n1/cpu/usage"
	last := cpu.Days[len(cpu.Days)-1].Date
	hist := func(allocLast time.Time) collectors.History {
		return collectors.History{Series: []collectors.Series{cpu, nodeCPU,
			flat("cpu/allocatable", 100, allocLast), flat("memory/allocatable", 64<<30, allocLast),
			flat("node/n1/cpu/allocatable", 40, allocLast), flat("node/n1/memory/allocatable", 32<<30, allocLast)}}
	}
	plan := makeWith(collectors.Snapshot{HistoryOnly: true}, hist(last), config.Default().Planner, today, exact)
	got := map[string]float64{}
	for _, p := range plan.Projections {
		got[p.Resource] = p.Capacity
	}
	if got["cpu/usage"] != 100 || got["node/n1/cpu/usage"] != 40 {
		t.Errorf("capacities %v, want cpu/usage 100 and node/n1/cpu/usage 40", got)
	}
	want := "the mean of " + last.Format(time.DateOnly) + ": 100.00 cores and 64.0 GiB, 1 node(s)"
	if !slices.ContainsFunc(plan.Notes, func(n string) bool { return strings.Contains(n, want) }) {
		t.Errorf("notes %q, want one with %q", plan.Notes, want)
	}
	plan = makeWith(collectors.Snapshot{HistoryOnly: true}, hist(last.AddDate(0, 0, -10)), config.Default().Planner, today, exact)
	if len(plan.Projections) != 0 {
		t.Errorf("%d projections against allocatable of ten days ago", len(plan.Projections))
	}
}
