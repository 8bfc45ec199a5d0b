package planner

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/units"
)

// Plan is what the planner concludes from one snapshot and its history.
type Plan struct {
	Today       time.Time    `json:"today"`
	Projections []Projection `json:"projections"`
	NPlusOne    *NPlusOne    `json:"n_plus_one,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
	// Unknown are the resources the plan expected but could not
	// establish, each with why: they have no status, date or option.
	Unknown []Unknown `json:"unknown,omitempty"`
	// Dropped names the series whose days of history could not be planned
	// because a source the snapshot relies on did not report their
	// capacity (a pool missing from Ceph's); a note says why.
	Dropped []string `json:"dropped,omitempty"`
	// Growth is who each resource's growth came from, by namespaces'
	// series grouped as configured.
	Growth []Growth `json:"growth,omitempty"`
	// Pools is Ceph's raw space divided among its pools; nil without
	// Ceph's pools or their replication.
	Pools *Pools `json:"pools,omitempty"`
	// RightSizing is what setting requests from the workloads' usage
	// would win back; nil without the workloads' usage.
	RightSizing *RightSizing `json:"right_sizing,omitempty"`
}

// Unknown is a resource whose capacity, history or forecast could not be
// established, and why (which input was missing, what failed). It is
// never given a figure that means something else.
type Unknown struct {
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
}

// target is one resource to project: a history series against a capacity.
type target struct {
	series     string
	capacity   float64
	thresholds []Threshold
	rawPerUnit float64 // see Projection.RawPerUnit
	// bounded requests cannot exceed the capacity plus what unscheduled
	// pods ask for (waiting): see project's ceiling.
	bounded bool
	waiting float64
}

// Make projects every resource the snapshot and history allow: CPU and
// memory usage and requests against allocatable (cluster and per node),
// Ceph's raw use against raw capacity and its stored data against usable
// capacity, the pools as shares of that one space (a pool with a quota
// against its quota too), claims against the space their pool draws on. A resource whose history
// or capacity is missing is left out with a note; a forecast that fails
// leaves a note too, so one bad series does not lose the plan.
func Make(s collectors.Snapshot, h collectors.History, cfg config.Planner, today time.Time) Plan {
	return makeWith(s, h, cfg, today, forecast.Futures)
}

// makeWith is Make with the futures given: tests give exact ones.
func makeWith(s collectors.Snapshot, h collectors.History, cfg config.Planner, today time.Time, futures futurer) Plan {
	plan := Plan{Today: today.UTC().Truncate(24 * time.Hour), Growth: growthOf(h, groupsOf(s, cfg.Groups)), RightSizing: rightSizing(s.Workloads)}
	series := map[string]collectors.Series{}
	for _, hs := range h.Series {
		series[hs.Name] = hs
	}
	var targets []target
	cpu, mem := thresholds(cfg.Thresholds, "cpu", nil), thresholds(cfg.Thresholds, "memory", nil)
	// Capacity is the nodes that take pods: a NotReady, cordoned or
	// NoSchedule-tainted node's allocatable is not room for anything.
	var alloc collectors.Resources
	var left []string
	for _, n := range s.Nodes {
		if !n.TakesPods() {
			left = append(left, n.Name)
			continue
		}
		alloc = alloc.Add(n.Allocatable)
	}
	if len(left) > 0 {
		plan.Notes = append(plan.Notes, fmt.Sprintf("CPU and memory capacity leaves out the nodes that take no pods (NotReady, cordoned or tainted NoSchedule): %s", strings.Join(left, ", ")))
	}
	// Without a snapshot's nodes, the history's allocatable is the
	// capacity, and its nodes the nodes planned.
	var nodeAlloc map[string]collectors.Resources
	if len(s.Nodes) == 0 {
		var note string
		if alloc, nodeAlloc, note = historyCapacity(series, plan.Today); note != "" {
			plan.Notes = append(plan.Notes, note)
		}
	}
	targets = append(targets,
		target{series: "cpu/usage", capacity: alloc.CPUCores, thresholds: cpu},
		target{series: "cpu/requests", capacity: alloc.CPUCores, thresholds: cpu[:1], bounded: true, waiting: s.Unscheduled.Requests.CPUCores},
		target{series: "memory/usage", capacity: float64(alloc.MemoryBytes), thresholds: mem},
		target{series: "memory/requests", capacity: float64(alloc.MemoryBytes), thresholds: mem[:1], bounded: true, waiting: float64(s.Unscheduled.Requests.MemoryBytes)},
	)
	nodes := s.Nodes
	for _, name := range slices.Sorted(maps.Keys(nodeAlloc)) {
		nodes = append(nodes, collectors.Node{Name: name, Allocatable: nodeAlloc[name]})
	}
	for _, n := range nodes {
		prefix := "node/" + n.Name + "/"
		targets = append(targets,
			target{series: prefix + "cpu/usage", capacity: n.Allocatable.CPUCores, thresholds: cpu},
			target{series: prefix + "memory/usage", capacity: float64(n.Allocatable.MemoryBytes), thresholds: mem})
	}
	// A namespace's requests against its quota: what its pods can ask
	// for before the API server refuses them, so the forecasts stop there
	// too (the dates read the unclipped futures, as the cluster's do).
	for _, ns := range s.Namespaces {
		if q := ns.Quota; q != nil {
			prefix := "namespace/" + ns.Name + "/"
			if q.CPUCores > 0 {
				targets = append(targets, target{series: prefix + "cpu/requests", capacity: q.CPUCores, thresholds: cpu[:1], bounded: true})
			}
			if q.MemoryBytes > 0 {
				targets = append(targets, target{series: prefix + "memory/requests", capacity: float64(q.MemoryBytes), thresholds: mem[:1], bounded: true})
			}
		}
	}
	// A stored byte takes replication raw bytes (0: unknown): also what a
	// planned workload's data adds to raw use.
	replication := 0.0
	if c := s.Ceph; c != nil {
		storage := thresholds(cfg.Thresholds, "storage", c)
		targets = append(targets, target{series: "ceph/raw_used", capacity: float64(c.TotalBytes), thresholds: storage, rawPerUnit: 1})
		if c.UsableBytes > 0 {
			replication = float64(c.TotalBytes) / float64(c.UsableBytes)
			targets = append(targets, target{series: "ceph/stored", capacity: float64(c.UsableBytes), thresholds: storage, rawPerUnit: replication})
		}
		// The pools share one raw space (Pools): a pool is planned on its
		// own only against a quota of its own.
		plan.Pools = poolsOf(c, replication, series)
		for _, p := range c.Pools {
			r := p.Replication
			if r == 0 {
				r = replication
			}
			if p.QuotaBytes > 0 {
				targets = append(targets, target{series: "ceph/pool/" + p.Name + "/stored", capacity: float64(p.QuotaBytes), thresholds: storage, rawPerUnit: r})
			}
			// A storage class's claims against the space its pool draws
			// on, in that pool's bytes: promises, since RBD images are
			// thin-provisioned and claims can exceed it. Without any
			// replication known, Ceph's own projection of the pool
			// (stored + max_avail) is all there is.
			space := float64(p.StoredBytes + p.MaxAvailBytes)
			if r > 0 {
				space = float64(c.TotalBytes) / r
			}
			for _, sc := range s.StorageClasses {
				if sc.Pool == p.Name {
					targets = append(targets, target{series: "volumes/" + sc.Name + "/requested", capacity: space, thresholds: storage, rawPerUnit: r})
				}
			}
		}
		if plan.Pools == nil && len(c.Pools) > 0 {
			plan.Notes = append(plan.Notes, "Ceph pools: no source reported a pool's replication, so the raw space cannot be divided among them; ceph/raw_used is planned")
		}
	}
	if cfg.NetworkBytesPerSecond > 0 && cfg.Capacities["network/receive"] == 0 {
		targets = append(targets, target{series: "network/receive", capacity: cfg.NetworkBytesPerSecond, thresholds: thresholds(cfg.Thresholds, "network", nil)})
	} else if _, ok := series["network/receive"]; ok && cfg.Capacities["network/receive"] == 0 {
		plan.Notes = append(plan.Notes, "network/receive: no network capacity configured (network_bytes_per_second), not projected")
	}
	targets = withCapacities(targets, cfg, s.Ceph)
	for _, tg := range targets {
		hs, ok := series[tg.series]
		switch {
		case !ok:
			// Without a cluster only the history's series are expected.
			if !strings.HasPrefix(tg.series, "node/") && (len(s.Nodes) > 0 || s.Ceph != nil) {
				plan.unknown(tg.series, "no daily history from any source")
			}
			continue
		case !(tg.capacity > 0):
			plan.unknown(tg.series, noCapacity)
			continue
		}
		if why := implausible(hs, tg.capacity); why != "" {
			plan.unknown(tg.series, why)
			continue
		}
		ceiling := 0.0
		if tg.bounded {
			ceiling = tg.capacity + tg.waiting
		}
		p, err := project(hs, tg.capacity, ceiling, tg.thresholds, plan.Today, cfg.HorizonDays, cfg.Months, futures)
		if err == nil {
			err = beyond(p)
		}
		if err != nil {
			plan.unknown(tg.series, strings.TrimPrefix(err.Error(), tg.series+": "))
			continue
		}
		p.RawPerUnit = tg.rawPerUnit
		as, err := arrivals(tg.series, cfg.Planned, replication)
		if err != nil {
			plan.unknown(tg.series, err.Error())
			continue
		}
		p.withPlanned(as, plan.Today)
		plan.Projections = append(plan.Projections, p)
		for i := range plan.Growth {
			if g := &plan.Growth[i]; g.Resource == p.Resource {
				// What the forecast says of the same 90 days, beside the
				// trend's pace: it weighs a step or a slowing down.
				f := p.AtHorizon - p.Today
				g.Forecast = &f
			}
		}
	}
	// Claims of a class no known pool backs have nothing to be set
	// against: said, not guessed.
	planned := map[string]bool{}
	for _, tg := range targets {
		planned[tg.series] = true
	}
	if s.Ceph != nil {
		// A pool's history gives its share of the raw space (or a note
		// says why it cannot).
		for _, p := range s.Ceph.Pools {
			planned["ceph/pool/"+p.Name+"/stored"] = true
		}
	}
	for _, hs := range h.Series {
		if class, ok := strings.CutPrefix(hs.Name, "volumes/"); ok && strings.HasSuffix(class, "/requested") && !planned[hs.Name] && (len(s.Nodes) > 0 || s.Ceph != nil) {
			plan.Notes = append(plan.Notes, fmt.Sprintf("%s: storage class %s is backed by no Ceph pool of the snapshot, not projected", hs.Name, strings.TrimSuffix(class, "/requested")))
		}
		// A pool's history whose pool the snapshot's Ceph source did not
		// report (a stale or different source) has no capacity today.
		if pool, ok := strings.CutPrefix(hs.Name, "ceph/pool/"); ok && strings.HasSuffix(pool, "/stored") && !planned[hs.Name] && len(hs.Days) > 0 {
			plan.unknown(hs.Name, fmt.Sprintf("%d days of history, but pool %s is not in the snapshot's Ceph capacity", len(hs.Days), strings.TrimSuffix(pool, "/stored")))
			plan.Dropped = append(plan.Dropped, hs.Name)
		}
	}
	if s.Ceph == nil && len(s.Nodes) > 0 {
		// A cluster whose Ceph no source reported this run: its history's
		// Ceph quantities have no capacity today.
		for _, name := range []string{"ceph/raw_used", "ceph/stored"} {
			if hs, ok := series[name]; ok && len(hs.Days) > 0 && !planned[name] {
				plan.unknown(name, "no source reported Ceph's capacity this run")
			}
		}
	}
	if len(s.Nodes) == 0 && s.Ceph == nil {
		// Planned from a history alone: each series without a capacity
		// is named, and there is no node to lose.
		for _, hs := range h.Series {
			// A namespace's series is its share of a resource (Growth),
			// not a resource of its own.
			if !planned[hs.Name] && !Namespaced(hs.Name) {
				plan.unknown(hs.Name, noCapacity)
			}
		}
		return plan
	}
	if len(s.Nodes) == 0 {
		return plan
	}
	if n, err := loseLargestNode(s); err == nil {
		n.CPUUse = weekdayUse(series["cpu/usage"], n.CPU.Remaining)
		n.MemoryUse = weekdayUse(series["memory/usage"], n.Memory.Remaining)
		plan.NPlusOne = &n
	} else {
		plan.Notes = append(plan.Notes, err.Error())
	}
	return plan
}

// farBeyond is how many times its capacity a resource's history or
// forecast may reach before the plan takes the data, or the capacity, for
// wrong: no cluster runs at a hundred times what it has.
const farBeyond = 100

// implausible says why a history cannot be planned against capacity: a
// negative amount (what is planned against a capacity never is one), or a
// day far beyond the capacity; "" when it can be.
func implausible(s collectors.Series, capacity float64) string {
	for _, d := range s.Days {
		day := d.Date.Format(time.DateOnly)
		switch {
		case d.Mean < 0 || d.Peak < 0:
			return fmt.Sprintf("its history is negative on %s (%s): an amount planned against a capacity cannot be", day, units.Quantity(min(d.Mean, d.Peak), s.Unit))
		case capacity > 0 && d.Peak > farBeyond*capacity:
			return fmt.Sprintf("its history reaches %s on %s, %.0f times its capacity (%s): the data or the capacity is wrong", units.Quantity(d.Peak, s.Unit), day, d.Peak/capacity, units.Quantity(capacity, s.Unit))
		}
	}
	return ""
}

// beyond is an error when a figure of the projection is not a finite
// number, or its forecast leaves any plausible range (farBeyond times the
// capacity): a forecast that runs away plans nothing.
func beyond(p Projection) error {
	limit := farBeyond * p.Capacity
	check := func(what string, vs []float64) error {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > limit {
				return fmt.Errorf("%s: its %s reaches %s, beyond %d times its capacity: the forecast ran away", p.Resource, what, units.Quantity(v, p.Unit), farBeyond)
			}
		}
		return nil
	}
	for _, f := range []struct {
		what string
		fc   forecast.Forecast
	}{{"daily forecast", p.Mean}, {"forecast of daily peaks", p.Peak}, {"monthly forecast", p.MonthlyMean}, {"monthly forecast of peaks", p.MonthlyPeak}} {
		if err := check(f.what, f.fc.Mean); err != nil {
			return err
		}
		for _, b := range slices.Concat(f.fc.Lower, f.fc.Upper) {
			if err := check(f.what+"'s interval", b); err != nil {
				return err
			}
		}
	}
	return check("level now", []float64{p.Today, p.TodayPeak, p.AtHorizon, p.AtHorizonPeak})
}

// namespaced says whether resource is a namespace's share of one
// ("namespace/NS/…"), whose capacity, where it has one, is the
// namespace's quota or a configured budget: raised by editing it, not by
// buying.
func Namespaced(resource string) bool { return strings.HasPrefix(resource, "namespace/") }

// noCapacity is why a series with a history is not planned without one.
const noCapacity = "no capacity to plan against (capacities in the configuration can give one)"

func (p *Plan) unknown(resource, reason string) {
	p.Unknown = append(p.Unknown, Unknown{Resource: resource, Reason: reason})
}

// withCapacities applies the configured capacities: a target's capacity is
// replaced, and a series no target names becomes one, with the thresholds
// of its kind. Targets are kept in their order, the added ones sorted by
// name after them.
func withCapacities(targets []target, cfg config.Planner, c *collectors.Ceph) []target {
	if len(cfg.Capacities) == 0 {
		return targets
	}
	known := map[string]bool{}
	for i, tg := range targets {
		known[tg.series] = true
		if v, ok := cfg.Capacities[tg.series]; ok {
			targets[i].capacity = v
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Capacities)) {
		if known[name] {
			continue
		}
		targets = append(targets, target{series: name, capacity: cfg.Capacities[name], thresholds: thresholds(cfg.Thresholds, config.Kind(name), c)})
	}
	return targets
}

// thresholds are the thresholds of a kind of resource; Ceph's own ratios,
// when known, bound the storage ones.
func thresholds(t config.Thresholds, kind string, c *collectors.Ceph) []Threshold {
	switch kind {
	case "cpu":
		return []Threshold{{Name: "CPU average", Fraction: t.CPUAverage}, {Name: "CPU peak", Fraction: t.CPUPeak, Peak: true}}
	case "memory":
		return []Threshold{{Name: "memory average", Fraction: t.MemoryAverage}, {Name: "memory peak", Fraction: t.MemoryPeak, Peak: true}}
	case "network":
		return []Threshold{{Name: "network average", Fraction: t.NetworkAverage}, {Name: "network peak", Fraction: t.NetworkPeak, Peak: true}}
	}
	expand, critical := t.StorageExpand, t.StorageCritical
	if c != nil {
		// Ceph's own ratios are hard limits: the plan's storage
		// thresholds are never later than them.
		expand, critical = math.Min(expand, c.NearfullRatio), math.Min(critical, c.FullRatio)
		if expand >= critical {
			expand = critical * t.StorageExpand / t.StorageCritical
		}
	}
	return []Threshold{{Name: "storage expansion", Fraction: expand}, {Name: "storage critical", Fraction: critical}}
}
