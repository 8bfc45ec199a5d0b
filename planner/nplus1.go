package planner

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// Fit says whether a resource's requests still fit once a node is lost.
type Fit struct {
	// Requests are those of every pod on a node, less the lost node's
	// DaemonSet pods and the pods of Ready nodes that take no new ones
	// (cordoned, tainted): they stay. Pods on no node are left out.
	Requests  float64 `json:"requests"`
	Remaining float64 `json:"remaining"` // allocatable on the nodes left
	Fits      bool    `json:"fits"`
	// Headroom is Remaining - Requests: negative when it does not fit.
	Headroom float64 `json:"headroom"`
}

// CephLoss is what losing a node means for Ceph.
type CephLoss struct {
	Hosts       int     `json:"hosts"`       // nodes assumed to hold OSDs
	Replication float64 `json:"replication"` // copies (or (k+m)/k) of the largest pool
	// ReplicationAssumed is true when no pool's replication is known (a
	// source without pools): Ceph's default pool size, 3, stands in.
	ReplicationAssumed bool `json:"replication_assumed,omitempty"`
	// CanReplicate is false when fewer hosts remain than copies: the
	// lost copies cannot be rebuilt, and the data stays degraded until the
	// node returns.
	CanReplicate bool `json:"can_replicate"`
	// RawAfter is the raw capacity left; UsedFraction what the data would
	// fill of it once rebuilt (only meaningful when CanReplicate).
	RawAfter     int64   `json:"raw_after_bytes"`
	UsedFraction float64 `json:"used_fraction"`
	// Holds is true when the data can be rebuilt below the full ratio.
	Holds bool `json:"holds"`
	// MoreHosts is how many hosts would have to be added for the lost
	// copies to be rebuilt (0 when they can be).
	MoreHosts int    `json:"more_hosts,omitempty"`
	Message   string `json:"message"`
}

// NPlusOne is the outcome of losing the largest node.
type NPlusOne struct {
	LostNode string `json:"lost_node"`
	// Alike is true when every node that takes pods offers the same
	// allocatable CPU and memory: any one is the largest.
	Alike  bool `json:"alike,omitempty"`
	CPU    Fit  `json:"cpu"`
	Memory Fit  `json:"memory"`
	// CPUUse and MemoryUse set what the cluster uses on weekdays against
	// what is left; nil without usage history.
	CPUUse    *UseFit   `json:"cpu_use,omitempty"`
	MemoryUse *UseFit   `json:"memory_use,omitempty"`
	Ceph      *CephLoss `json:"ceph,omitempty"`
	Notes     []string  `json:"notes,omitempty"`
}

// Lost names the node lost for people: by name, or any one when they are
// alike (naming one would suggest it differs).
func (n NPlusOne) Lost() string {
	if n.Alike {
		return "any one node (they are alike)"
	}
	return n.LostNode
}

// Which is Lost with why that node: the largest, or the one taken of
// nodes alike.
func (n NPlusOne) Which() string {
	if n.Alike {
		return "any one node (they are alike; " + n.LostNode + " was taken)"
	}
	return n.LostNode + ", the largest node"
}

// UseFit is the weekdays of the last week of usage history (Monday to
// Friday, when the load is highest) against the allocatable left after
// losing the node: the mean of their daily means, and their highest daily
// peak. Requests can fit while the load does not.
type UseFit struct {
	Days      int     `json:"days"`
	Mean      float64 `json:"mean"`
	Peak      float64 `json:"peak"`
	Remaining float64 `json:"remaining"`
	MeanFits  bool    `json:"mean_fits"`
	PeakFits  bool    `json:"peak_fits"`
}

// weekdayUse is s's last seven days' weekdays against remaining; nil when
// s has none.
func weekdayUse(s collectors.Series, remaining float64) *UseFit {
	if len(s.Days) == 0 {
		return nil
	}
	from := s.Days[len(s.Days)-1].Date.AddDate(0, 0, -6)
	u := &UseFit{Remaining: remaining}
	for _, d := range s.Days {
		if d.Date.Before(from) || d.Date.Weekday() == time.Saturday || d.Date.Weekday() == time.Sunday {
			continue
		}
		u.Days++
		u.Mean += d.Mean
		u.Peak = math.Max(u.Peak, d.Peak)
	}
	if u.Days == 0 {
		return nil
	}
	u.Mean /= float64(u.Days)
	u.MeanFits, u.PeakFits = u.Mean <= remaining, u.Peak <= remaining
	return u
}

// loseLargestNode checks whether the cluster survives losing its largest
// node (by allocatable memory, then CPU): whether the requests that must
// move fit on the nodes left, and whether Ceph can rebuild the lost
// copies. Ceph's OSDs are assumed spread evenly over the nodes, which the
// snapshot does not show; a note says so.
func loseLargestNode(s collectors.Snapshot) (NPlusOne, error) {
	var out NPlusOne
	if len(s.Nodes) == 0 {
		return out, fmt.Errorf("N+1: the snapshot has no nodes")
	}
	// Only nodes that are Ready and take pods are capacity: a NotReady,
	// cordoned or NoSchedule-tainted node can neither be lost nor take the
	// lost node's pods.
	largest := -1
	var total, requests, staying collectors.Resources
	var left []string
	for i, n := range s.Nodes {
		if !n.TakesPods() {
			left = append(left, n.Name)
			// The pods of a Ready node that takes no new ones stay where
			// they are; a NotReady node's are evicted and need room.
			if n.Ready {
				staying = staying.Add(n.Requests)
			}
			continue
		}
		total = total.Add(n.Allocatable)
		if largest < 0 {
			largest = i
			continue
		}
		a, b := n.Allocatable, s.Nodes[largest].Allocatable
		if a.MemoryBytes > b.MemoryBytes || (a.MemoryBytes == b.MemoryBytes && a.CPUCores > b.CPUCores) {
			largest = i
		}
	}
	if largest < 0 {
		return out, fmt.Errorf("N+1: no node is Ready, schedulable and untainted")
	}
	out.Alike = true
	for _, n := range s.Nodes {
		if a, b := n.Allocatable, s.Nodes[largest].Allocatable; n.TakesPods() && (a.CPUCores != b.CPUCores || a.MemoryBytes != b.MemoryBytes) {
			out.Alike = false
		}
	}
	if len(left) > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("not counted as capacity, NotReady, cordoned or tainted NoSchedule: %s", strings.Join(left, ", ")))
	}
	for _, ns := range s.Namespaces {
		requests = requests.Add(ns.Requests)
	}
	// Pods on no node do not fit today: whether losing a node is survived
	// is asked of what runs.
	if u := s.Unscheduled; u.Pods > 0 {
		requests = requests.Add(collectors.Resources{CPUCores: -u.Requests.CPUCores, MemoryBytes: -u.Requests.MemoryBytes})
		out.Notes = append(out.Notes, fmt.Sprintf("%d pod(s) on no node yet (%s, %s requested) are left out", u.Pods,
			units.Quantity(u.Requests.CPUCores, units.Cores), units.Quantity(float64(u.Requests.MemoryBytes), units.Bytes)))
	}
	lost := s.Nodes[largest]
	// The lost node's DaemonSet pods run on every node: they do not move.
	ds := lost.DaemonSetRequests
	if ds.CPUCores > 0 || ds.MemoryBytes > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("the DaemonSet pods of %s (%s, %s requested) do not move", lost.Name,
			units.Quantity(ds.CPUCores, units.Cores), units.Quantity(float64(ds.MemoryBytes), units.Bytes)))
	}
	out.LostNode = lost.Name
	out.CPU = fit(requests.CPUCores-staying.CPUCores-ds.CPUCores, total.CPUCores-lost.Allocatable.CPUCores)
	out.Memory = fit(float64(requests.MemoryBytes-staying.MemoryBytes-ds.MemoryBytes), float64(total.MemoryBytes-lost.Allocatable.MemoryBytes))
	if c := s.Ceph; c != nil && c.TotalBytes > 0 {
		out.Ceph = cephLoss(c, len(s.Nodes))
		out.Notes = append(out.Notes, fmt.Sprintf("Ceph's OSDs are assumed spread evenly over the %d nodes", len(s.Nodes)))
	}
	return out, nil
}

func fit(requests, remaining float64) Fit {
	return Fit{Requests: requests, Remaining: remaining, Fits: requests <= remaining, Headroom: remaining - requests}
}

func cephLoss(c *collectors.Ceph, hosts int) *CephLoss {
	l := &CephLoss{Hosts: hosts, Replication: 3}
	var largest *collectors.Pool
	for i := range c.Pools {
		if p := &c.Pools[i]; p.Replication > 0 && (largest == nil || p.StoredBytes > largest.StoredBytes) {
			largest = p
		}
	}
	if largest != nil {
		l.Replication = largest.Replication
	} else {
		l.ReplicationAssumed = true
	}
	l.RawAfter = c.TotalBytes * int64(hosts-1) / int64(hosts)
	// Replicated pools need one host per copy; erasure coding k+m needs
	// k+m hosts, which (k+m)/k alone does not tell, so a ratio below 2 is
	// taken as needing at least 3.
	copies := int(math.Round(l.Replication))
	if l.Replication < 2 {
		copies = 3
	}
	l.CanReplicate = hosts-1 >= copies
	if l.RawAfter > 0 {
		l.UsedFraction = float64(c.UsedBytes) / float64(l.RawAfter)
	}
	copiesText := fmt.Sprintf("%d copies", copies)
	if l.ReplicationAssumed {
		copiesText += " (assumed: Ceph's default pool size; no source reported a pool's replication)"
	}
	switch {
	case !l.CanReplicate:
		l.MoreHosts = copies + 1 - hosts
		l.Message = fmt.Sprintf("with %d hosts and %s, losing one leaves %d: the lost copies cannot be rebuilt and the data stays degraded (still served while min_size copies remain) until the node returns; %s (%d hosts for %d copies) would let them be rebuilt",
			hosts, copiesText, hosts-1, hostsText(l.MoreHosts), copies+1, copies)
	case l.UsedFraction >= c.FullRatio:
		l.Message = fmt.Sprintf("rebuilding the lost copies would fill %.0f%% of the remaining raw capacity, past the full ratio (%.0f%%): writes would stop", 100*l.UsedFraction, 100*c.FullRatio)
	default:
		l.Holds = true
		l.Message = fmt.Sprintf("the lost copies can be rebuilt on the remaining %d hosts, filling %.0f%% of their raw capacity", hosts-1, 100*l.UsedFraction)
		if l.ReplicationAssumed {
			l.Message += fmt.Sprintf(", with %s", copiesText)
		}
	}
	return l
}

func hostsText(n int) string {
	if n == 1 {
		return "one more host"
	}
	return fmt.Sprintf("%d more hosts", n)
}
