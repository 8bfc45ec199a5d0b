package report

import (
	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/units"
)

// Growth is planner.Growth as report.json keeps it: figures to four
// digits.
type Growth struct {
	Resource  string        `json:"resource"`
	Unit      string        `json:"unit"`
	Past      Figure        `json:"past"`
	Next      Figure        `json:"next"`
	Groups    []GroupGrowth `json:"groups"`
	OtherPast Figure        `json:"other_past"`
	OtherNext Figure        `json:"other_next"`
}

// GroupGrowth is planner.GroupGrowth to four digits.
type GroupGrowth struct {
	Name       string   `json:"name"`
	Namespaces []string `json:"namespaces"`
	Past       Figure   `json:"past"`
	Next       Figure   `json:"next"`
	PastShare  *Figure  `json:"past_share,omitempty"`
	NextShare  *Figure  `json:"next_share,omitempty"`
}

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

func growth(gs []planner.Growth) []Growth {
	var out []Growth
	for _, g := range gs {
		r := Growth{Resource: g.Resource, Unit: g.Unit, Past: Figure(g.Past), Next: Figure(g.Next), OtherPast: Figure(g.OtherPast), OtherNext: Figure(g.OtherNext)}
		for _, gg := range g.Groups {
			r.Groups = append(r.Groups, GroupGrowth{Name: gg.Name, Namespaces: gg.Namespaces, Past: Figure(gg.Past), Next: Figure(gg.Next),
				PastShare: figure(gg.PastShare), NextShare: figure(gg.NextShare)})
		}
		out = append(out, r)
	}
	return out
}

func figure(v *float64) *Figure {
	if v == nil {
		return nil
	}
	f := Figure(*v)
	return &f
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
