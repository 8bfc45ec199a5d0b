package report

import (
	"slices"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/units"
)

// AboveRequests is a namespace using more of a resource than it requests:
// what the scheduler does not see coming.
type AboveRequests struct {
	Namespace string `json:"namespace"`
	Resource  string `json:"resource"` // "cpu" or "memory"
	Unit      string `json:"unit"`
	Usage     Figure `json:"usage"`
	Requests  Figure `json:"requests"`
}

// LimitsOver is a node whose pods' limits add up to more than it offers:
// what it promises if every pod used its limit.
type LimitsOver struct {
	Node        string `json:"node"`
	Resource    string `json:"resource"` // "cpu" or "memory"
	Unit        string `json:"unit"`
	Limits      Figure `json:"limits"`
	Allocatable Figure `json:"allocatable"`
}

// growth is gs with every figure kept to four digits, as report.json
// keeps them.
func growth(gs []planner.Growth) []planner.Growth {
	out := make([]planner.Growth, 0, len(gs))
	for _, g := range gs {
		g.Past, g.Next, g.OtherPast, g.OtherNext, g.Forecast = kept(g.Past), kept(g.Next), kept(g.OtherPast), kept(g.OtherNext), keptPtr(g.Forecast)
		groups := make([]planner.GroupGrowth, len(g.Groups))
		for i, gg := range g.Groups {
			gg.Past, gg.Next, gg.PastShare, gg.NextShare = kept(gg.Past), kept(gg.Next), keptPtr(gg.PastShare), keptPtr(gg.NextShare)
			groups[i] = gg
		}
		g.Groups = groups
		out = append(out, g)
	}
	return out
}

// pools is p with every figure kept to four digits.
func pools(p *planner.Pools) *planner.Pools {
	if p == nil {
		return nil
	}
	out := *p
	out.RawBytes, out.FreeRawBytes = kept(p.RawBytes), kept(p.FreeRawBytes)
	keep := func(ss []planner.PoolShare) []planner.PoolShare {
		var ks []planner.PoolShare
		for _, s := range ss {
			s.Stored, s.Replication, s.Share, s.Capacity, s.Quota = kept(s.Stored), kept(s.Replication), kept(s.Share), kept(s.Capacity), kept(s.Quota)
			s.Growth = keptPtr(s.Growth)
			ks = append(ks, s)
		}
		return ks
	}
	out.Shares, out.System = keep(p.Shares), keep(p.System)
	return &out
}

// rightSizing is r with every figure kept to four digits.
func rightSizing(r *planner.RightSizing) *planner.RightSizing {
	if r == nil {
		return nil
	}
	out := *r
	out.CPUFreed, out.CPURaised, out.MemoryFreed, out.MemoryRaised = kept(r.CPUFreed), kept(r.CPURaised), kept(r.MemoryFreed), kept(r.MemoryRaised)
	out.Resizes = make([]planner.Resize, len(r.Resizes))
	for i, z := range r.Resizes {
		z.CPURequest, z.MemoryRequest, z.CPUChange, z.MemoryChange = kept(z.CPURequest), kept(z.MemoryRequest), kept(z.CPUChange), kept(z.MemoryChange)
		z.CPURecommended, z.MemoryRecommended = keptPtr(z.CPURecommended), keptPtr(z.MemoryRecommended)
		z.CPUUse, z.MemoryUse = keptPtr(z.CPUUse), keptPtr(z.MemoryUse)
		out.Resizes[i] = z
	}
	return &out
}

// RunwayGain is a resource's runway in days without and with an option;
// nil is beyond the view.
type RunwayGain struct {
	Resource string   `json:"resource"`
	Before   *float64 `json:"before_days"`
	After    *float64 `json:"after_days"`
}

// rightSizingGains are the requests resources' runways without and with
// the right-sizing option, where there is one: what it wins, which the
// cluster's runway does not show when usage binds.
func rightSizingGains(resources []Resource, options []planner.Evaluation) []RunwayGain {
	i := slices.IndexFunc(options, func(e planner.Evaluation) bool { return e.RightSizing })
	if i < 0 {
		return nil
	}
	var out []RunwayGain
	for _, res := range resources {
		after, ok := options[i].Runways[res.Name]
		if !ok || (res.Name != "cpu/requests" && res.Name != "memory/requests") {
			continue
		}
		g := RunwayGain{Resource: res.Name, Before: res.Runway}
		// The options count a resource beyond the view as the view.
		if after < float64(res.ViewDays) {
			g.After = &after
		}
		out = append(out, g)
	}
	return out
}

// overruns are the snapshot's namespaces using more than they request and
// nodes whose limits exceed what they offer.
func overruns(s collectors.Snapshot) ([]AboveRequests, []LimitsOver) {
	var above []AboveRequests
	for _, ns := range s.Namespaces {
		if u := ns.Usage; u != nil {
			if u.CPUCores > ns.Requests.CPUCores {
				above = append(above, AboveRequests{ns.Name, "cpu", units.Cores, Figure(u.CPUCores), Figure(ns.Requests.CPUCores)})
			}
			if u.MemoryBytes > ns.Requests.MemoryBytes {
				above = append(above, AboveRequests{ns.Name, "memory", units.Bytes, Figure(u.MemoryBytes), Figure(ns.Requests.MemoryBytes)})
			}
		}
	}
	var over []LimitsOver
	for _, n := range s.Nodes {
		if n.Limits.CPUCores > n.Allocatable.CPUCores {
			over = append(over, LimitsOver{n.Name, "cpu", units.Cores, Figure(n.Limits.CPUCores), Figure(n.Allocatable.CPUCores)})
		}
		if n.Limits.MemoryBytes > n.Allocatable.MemoryBytes {
			over = append(over, LimitsOver{n.Name, "memory", units.Bytes, Figure(n.Limits.MemoryBytes), Figure(n.Allocatable.MemoryBytes)})
		}
	}
	return above, over
}
