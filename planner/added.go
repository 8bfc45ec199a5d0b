package planner

import (
	"fmt"
	"strings"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
)

// What a purchase from the catalogue adds to the cluster, and to each
// resource planned.

// added is the capacity a purchase adds: cluster-wide and to every node.
// spread is how many times more nodes share the load of each ((n+1)/n for
// a node more; 1 for none): a node's own capacity is not raised by a new
// node, but its load is spread thinner.
//
// reqCPU and reqMem are requests won back (right-sizing): they lower
// cpu/requests and memory/requests rather than raise a capacity.
type added struct {
	cpu, mem, raw       float64
	nodeCPU, nodeMemory float64
	spread              float64
	reqCPU, reqMem      float64
}

// plus is a and b bought together.
func (a added) plus(b added) added {
	return added{a.cpu + b.cpu, a.mem + b.mem, a.raw + b.raw, a.nodeCPU + b.nodeCPU, a.nodeMemory + b.nodeMemory,
		a.spread + b.spread - 1, a.reqCPU + b.reqCPU, a.reqMem + b.reqMem}
}

// nodesOf is how many nodes buying o buys.
func nodesOf(o config.Option) int {
	if o.Node {
		return 1
	}
	return 0
}

// capacity is what buying o adds to the cluster s, and its total cost,
// a per-node option bought for nodes nodes.
func capacity(o config.Option, s collectors.Snapshot, nodes int) (added, float64, error) {
	n := float64(len(s.Nodes))
	switch {
	case o.Node:
		if len(s.Nodes) == 0 {
			return added{}, 0, fmt.Errorf("option %q: a node like the others, but the snapshot has no nodes", o.Name)
		}
		largest := s.Nodes[0].Allocatable
		for _, node := range s.Nodes[1:] {
			if a := node.Allocatable; a.MemoryBytes > largest.MemoryBytes {
				largest = a
			}
		}
		a := added{cpu: largest.CPUCores + o.CPUCores, mem: float64(largest.MemoryBytes + o.MemoryBytes), raw: float64(o.RawBytes),
			spread: (n + 1) / n}
		if s.Ceph != nil {
			a.raw += float64(s.Ceph.TotalBytes) / n
		}
		return a, o.Cost, nil
	case o.PerNode:
		k := float64(nodes)
		return added{cpu: k * o.CPUCores, mem: k * float64(o.MemoryBytes), raw: k * float64(o.RawBytes),
			nodeCPU: o.CPUCores, nodeMemory: float64(o.MemoryBytes), spread: 1}, k * o.Cost, nil
	}
	return added{cpu: o.CPUCores, mem: float64(o.MemoryBytes), raw: float64(o.RawBytes), spread: 1}, o.Cost, nil
}

// withAdded is the resource of projection pr's capacity with a bought. A
// node's load spread over more nodes is as if its capacity grew by as
// much: the thresholds are fractions of it.
func withAdded(pr Projection, a added) float64 {
	name, c := pr.Resource, pr.Capacity
	switch {
	case strings.HasPrefix(name, "node/") && strings.HasSuffix(name, "/cpu/usage"):
		return (c + a.nodeCPU) * a.spread
	case strings.HasPrefix(name, "node/") && strings.HasSuffix(name, "/memory/usage"):
		return (c + a.nodeMemory) * a.spread
	case name == "cpu/requests":
		return c + a.cpu + wonBack(pr, a.reqCPU)
	case name == "memory/requests":
		return c + a.mem + wonBack(pr, a.reqMem)
	case strings.HasPrefix(name, "cpu/"):
		return c + a.cpu
	case strings.HasPrefix(name, "memory/"):
		return c + a.mem
	case pr.RawPerUnit > 0:
		return c + a.raw/pr.RawPerUnit
	}
	return c
}

// wonBack is the capacity that requests lowered by freed are worth to pr:
// the history less freed reaches a threshold at fraction f of capacity C
// when the history reaches f × C + freed, as it would at capacity
// C + freed / f. Requests have one threshold.
func wonBack(pr Projection, freed float64) float64 {
	if freed == 0 || len(pr.Crossings) == 0 || !(pr.Crossings[0].Fraction > 0) {
		return 0
	}
	return freed / pr.Crossings[0].Fraction
}
