package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// staleAllocatable is how old the history's allocatable may be and still
// stand for today's capacity: a node added or removed since would make a
// capacity of longer ago wrong.
const staleAllocatable = 7 * 24 * time.Hour

// historyCapacity is the capacity a cluster without a snapshot (a fleet's
// cluster planned on its store's history) has: the allocatable CPU and
// memory its history holds (kube-state-metrics' kube_node_status_allocatable)
// on their last day, the cluster's and each node's that reported that
// day, and a note that says so. Nothing when the history has none from
// the last week.
func historyCapacity(series map[string]collectors.Series, today time.Time) (collectors.Resources, map[string]collectors.Resources, string) {
	last := func(name string) (collectors.Day, bool) {
		s, ok := series[name]
		if !ok || len(s.Days) == 0 {
			return collectors.Day{}, false
		}
		d := s.Days[len(s.Days)-1]
		return d, today.Sub(d.Date) <= staleAllocatable
	}
	cpu, cok := last("cpu/allocatable")
	mem, mok := last("memory/allocatable")
	if !cok && !mok {
		return collectors.Resources{}, nil, ""
	}
	var alloc collectors.Resources
	var parts []string
	var day time.Time
	if cok {
		alloc.CPUCores, day = cpu.Mean, cpu.Date
		parts = append(parts, units.Quantity(cpu.Mean, units.Cores))
	}
	if mok {
		alloc.MemoryBytes = int64(mem.Mean)
		if mem.Date.After(day) {
			day = mem.Date
		}
		parts = append(parts, units.Quantity(mem.Mean, units.Bytes))
	}
	nodes := map[string]collectors.Resources{}
	for name, s := range series {
		node, what, ok := strings.Cut(strings.TrimPrefix(name, "node/"), "/")
		if !strings.HasPrefix(name, "node/") || !ok || len(s.Days) == 0 || !s.Days[len(s.Days)-1].Date.Equal(day) {
			continue
		}
		r := nodes[node]
		switch v := s.Days[len(s.Days)-1].Mean; what {
		case "cpu/allocatable":
			r.CPUCores = v
		case "memory/allocatable":
			r.MemoryBytes = int64(v)
		default:
			continue
		}
		nodes[node] = r
	}
	note := fmt.Sprintf("CPU and memory capacity from the history's allocatable (kube-state-metrics' kube_node_status_allocatable), the mean of %s: %s, %d node(s); no snapshot of the cluster was taken",
		day.Format(time.DateOnly), strings.Join(parts, " and "), len(nodes))
	return alloc, nodes, note
}
