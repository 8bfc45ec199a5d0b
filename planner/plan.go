package planner

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
)

// Plan is what the planner concludes from one snapshot and its history.
type Plan struct {
	Today       time.Time    `json:"today"`
	Projections []Projection `json:"projections"`
	NPlusOne    *NPlusOne    `json:"n_plus_one,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
}

// target is one resource to project: a history series against a capacity.
type target struct {
	series     string
	capacity   float64
	thresholds []Threshold
	rawPerUnit float64 // see Projection.RawPerUnit
}

// Make projects every resource the snapshot and history allow: CPU and
// memory usage and requests against allocatable (cluster and per node),
// Ceph's raw use against raw capacity and its stored data against usable
// capacity, each pool against what it can hold. A resource whose history
// or capacity is missing is left out with a note; a forecast that fails
// leaves a note too, so one bad series does not lose the plan.
func Make(s collectors.Snapshot, h collectors.History, cfg Config, today time.Time, fc Forecaster) Plan {
	plan := Plan{Today: today.UTC().Truncate(24 * time.Hour)}
	series := map[string]collectors.Series{}
	for _, hs := range h.Series {
		series[hs.Name] = hs
	}
	var targets []target
	t := cfg.Thresholds
	cpu := []Threshold{{Name: "CPU average", Fraction: t.CPUAverage}, {Name: "CPU peak", Fraction: t.CPUPeak, Peak: true}}
	mem := []Threshold{{Name: "memory average", Fraction: t.MemoryAverage}, {Name: "memory peak", Fraction: t.MemoryPeak, Peak: true}}
	var alloc collectors.Resources
	for _, n := range s.Nodes {
		alloc = alloc.Add(n.Allocatable)
	}
	targets = append(targets,
		target{"cpu/usage", alloc.CPUCores, cpu, 0},
		target{"cpu/requests", alloc.CPUCores, cpu[:1], 0},
		target{"memory/usage", float64(alloc.MemoryBytes), mem, 0},
		target{"memory/requests", float64(alloc.MemoryBytes), mem[:1], 0},
	)
	for _, n := range s.Nodes {
		prefix := "node/" + n.Name + "/"
		targets = append(targets,
			target{prefix + "cpu/usage", n.Allocatable.CPUCores, cpu, 0},
			target{prefix + "memory/usage", float64(n.Allocatable.MemoryBytes), mem, 0})
	}
	if c := s.Ceph; c != nil {
		// Ceph's own ratios are hard limits: the plan's storage
		// thresholds are never later than them.
		expand, critical := math.Min(t.StorageExpand, c.NearfullRatio), math.Min(t.StorageCritical, c.FullRatio)
		if expand >= critical {
			expand = critical * t.StorageExpand / t.StorageCritical
		}
		storage := []Threshold{{Name: "storage expansion", Fraction: expand}, {Name: "storage critical", Fraction: critical}}
		targets = append(targets, target{"ceph/raw_used", float64(c.TotalBytes), storage, 1})
		replication := 0.0
		if c.UsableBytes > 0 {
			replication = float64(c.TotalBytes) / float64(c.UsableBytes)
			targets = append(targets, target{"ceph/stored", float64(c.UsableBytes), storage, replication},
				// Claims are provisioned from Ceph: what they request
				// against what it can hold.
				target{"volumes/requested", float64(c.UsableBytes), storage, replication})
		}
		for _, p := range c.Pools {
			// What a pool can hold: what it stores plus what Ceph says
			// clients can still write to it.
			r := p.Replication
			if r == 0 {
				r = replication
			}
			targets = append(targets, target{"ceph/pool/" + p.Name + "/stored", float64(p.StoredBytes + p.MaxAvailBytes), storage, r})
		}
	}
	if cfg.NetworkBytesPerSecond > 0 {
		targets = append(targets, target{"network/receive", cfg.NetworkBytesPerSecond,
			[]Threshold{{Name: "network average", Fraction: t.NetworkAverage}, {Name: "network peak", Fraction: t.NetworkPeak, Peak: true}}, 0})
	} else if _, ok := series["network/receive"]; ok {
		plan.Notes = append(plan.Notes, "network/receive: no network capacity configured (network_bytes_per_second), not projected")
	}
	for _, tg := range targets {
		hs, ok := series[tg.series]
		switch {
		case !ok:
			if !strings.HasPrefix(tg.series, "node/") {
				plan.Notes = append(plan.Notes, fmt.Sprintf("%s: no history, not projected", tg.series))
			}
			continue
		case !(tg.capacity > 0):
			plan.Notes = append(plan.Notes, fmt.Sprintf("%s: no capacity to plan against, not projected", tg.series))
			continue
		}
		p, err := Project(hs, tg.capacity, tg.thresholds, plan.Today, cfg.HorizonDays, cfg.Months, fc)
		if err != nil {
			plan.Notes = append(plan.Notes, err.Error())
			continue
		}
		p.RawPerUnit = tg.rawPerUnit
		plan.Projections = append(plan.Projections, p)
	}
	if n, err := LoseLargestNode(s); err == nil {
		n.CPUUse = weekdayUse(series["cpu/usage"], n.CPU.Remaining)
		n.MemoryUse = weekdayUse(series["memory/usage"], n.Memory.Remaining)
		plan.NPlusOne = &n
	} else {
		plan.Notes = append(plan.Notes, err.Error())
	}
	return plan
}
