package planner

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/units"
)

const gib = 1 << 30

func node(name string, cores float64, memGiB int64) collectors.Node {
	return collectors.Node{Name: name, Ready: true, Schedulable: true, Allocatable: collectors.Resources{CPUCores: cores, MemoryBytes: memGiB * gib}}
}

func TestLoseLargestNode(t *testing.T) {
	s := collectors.Snapshot{
		Nodes: []collectors.Node{node("a", 8, 32), node("b", 16, 64), node("c", 16, 32)},
		Namespaces: []collectors.Namespace{
			{Name: "x", Requests: collectors.Resources{CPUCores: 20, MemoryBytes: 40 * gib}},
			{Name: "y", Requests: collectors.Resources{CPUCores: 3, MemoryBytes: 30 * gib}},
		},
	}
	n, err := loseLargestNode(s)
	if err != nil {
		t.Fatal(err)
	}
	// b has the most memory. Left: 24 cores, 64 GiB; asked: 23 cores, 70 GiB.
	if n.LostNode != "b" || !n.CPU.Fits || n.CPU.Headroom != 1 || n.Memory.Fits || n.Memory.Headroom != -6*gib {
		t.Errorf("%+v", n)
	}
	if n.Ceph != nil {
		t.Errorf("Ceph %+v without Ceph in the snapshot", n.Ceph)
	}
	if _, err := loseLargestNode(collectors.Snapshot{}); err == nil {
		t.Error("no nodes: want an error")
	}
	// b cordoned, c NotReady: neither is capacity; a is the one to lose,
	// leaving nothing for 23 cores and 70 GiB.
	s.Nodes[1].Schedulable, s.Nodes[2].Ready = false, false
	n, err = loseLargestNode(s)
	if err != nil {
		t.Fatal(err)
	}
	if n.LostNode != "a" || n.CPU.Remaining != 0 || n.Memory.Fits || len(n.Notes) != 1 || n.Notes[0] != "not counted as capacity, NotReady, cordoned or tainted NoSchedule: b, c" {
		t.Errorf("with b cordoned and c NotReady: %+v", n)
	}
	s.Nodes[0].Ready = false
	if _, err := loseLargestNode(s); err == nil || !strings.Contains(err.Error(), "no node is Ready, schedulable and untainted") {
		t.Errorf("no usable node: %v", err)
	}
}

// TestLoseLargestNodeLeavesWhatStays: a tainted control plane is no
// capacity and its pods stay; the lost node's DaemonSet pods do not move.
func TestLoseLargestNodeLeavesWhatStays(t *testing.T) {
	cp, b, c := node("cp", 4, 16), node("b", 16, 64), node("c", 16, 64)
	cp.NoSchedule, cp.Requests = true, collectors.Resources{CPUCores: 2, MemoryBytes: 4 * gib}
	b.DaemonSetRequests = collectors.Resources{CPUCores: 1, MemoryBytes: 2 * gib}
	s := collectors.Snapshot{
		Nodes:      []collectors.Node{cp, b, c},
		Namespaces: []collectors.Namespace{{Name: "x", Requests: collectors.Resources{CPUCores: 20, MemoryBytes: 70 * gib}}},
	}
	n, err := loseLargestNode(s)
	if err != nil {
		t.Fatal(err)
	}
	// b is lost (c ties, b first); 16 cores and 64 GiB left on c; to
	// move: 20 - 2 (cp's) - 1 (b's DaemonSets) = 17 cores, 70 - 4 - 2 =
	// 64 GiB.
	if n.LostNode != "b" || n.CPU.Requests != 17 || n.CPU.Remaining != 16 || n.CPU.Fits || n.Memory.Requests != 64*gib || !n.Memory.Fits {
		t.Errorf("%+v", n)
	}
	want := []string{"not counted as capacity, NotReady, cordoned or tainted NoSchedule: cp", "the DaemonSet pods of b (1.00 cores, 2.0 GiB requested) do not move"}
	if strings.Join(n.Notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes %q, want %q", n.Notes, want)
	}
}

func TestCephAfterLosingANode(t *testing.T) {
	for _, tc := range []struct {
		name     string
		hosts    int
		used     int64
		holds    bool
		rebuild  bool
		fraction float64
		message  string
		noPools  bool
	}{
		// 3 hosts, 3 copies: nowhere to rebuild the third.
		{"three hosts", 3, 1200, false, false, 0.3, "the data stays degraded (still served while min_size copies remain) until the node returns; one more host (4 hosts for 3 copies) would let them be rebuilt", false},
		{"two hosts", 2, 1200, false, false, 0.3, "2 more hosts (4 hosts for 3 copies)", false},
		// 4 hosts at 50%: the data fills 2000/3000 of what is left.
		{"four hosts", 4, 2000, true, true, 2.0 / 3, "can be rebuilt on the remaining 3 hosts, filling 67%", false},
		// 4 hosts at 75%: 3000/3000, past the full ratio.
		{"four hosts, full", 4, 3000, false, true, 1, "past the full ratio (95%)", false},
		// No source reported pools: Ceph's default of 3 copies is assumed,
		// and the message says so.
		{"three hosts, replication unknown", 3, 1200, false, false, 0.3, "3 copies (assumed: Ceph's default pool size", true},
		{"four hosts, replication unknown", 4, 2000, true, true, 2.0 / 3, "of their raw capacity, with 3 copies (assumed", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := collectors.Snapshot{Ceph: &collectors.Ceph{TotalBytes: 4000, UsedBytes: tc.used, FullRatio: 0.95}}
			if !tc.noPools {
				s.Ceph.Pools = []collectors.Pool{{Name: "rbd", StoredBytes: 100, Replication: 3}}
			}
			for i := range tc.hosts {
				s.Nodes = append(s.Nodes, node(string(rune('a'+i)), 8, 32))
			}
			if tc.hosts < 4 {
				s.Ceph.TotalBytes = 1000 * int64(tc.hosts)
				s.Ceph.UsedBytes = 200 * int64(tc.hosts)
			}
			n, err := loseLargestNode(s)
			if err != nil {
				t.Fatal(err)
			}
			c := n.Ceph
			if more := max(0, 4-tc.hosts); c.MoreHosts != more {
				t.Errorf("%d more hosts, want %d", c.MoreHosts, more)
			}
			if c.Holds != tc.holds || c.CanReplicate != tc.rebuild || c.ReplicationAssumed != tc.noPools || !strings.Contains(c.Message, tc.message) ||
				(tc.rebuild && math.Abs(c.UsedFraction-tc.fraction) > 1e-9) {
				t.Errorf("%+v", c)
			}
		})
	}
}

// TestLostNodeNamed: the largest node is named when the nodes differ; when
// they are alike, any one is lost and the report says so.
func TestLostNodeNamed(t *testing.T) {
	for _, tc := range []struct {
		nodes []collectors.Node
		want  string
	}{
		{[]collectors.Node{node("a", 8, 32), node("b", 8, 32), node("c", 8, 32)}, "any one node (they are alike)"},
		{[]collectors.Node{node("a", 8, 32), node("b", 8, 64), node("c", 8, 32)}, "b"},
		{[]collectors.Node{node("a", 8, 32), node("b", 16, 32), node("c", 8, 32)}, "b"},
	} {
		n, err := loseLargestNode(collectors.Snapshot{Nodes: tc.nodes})
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Lost(); got != tc.want {
			t.Errorf("%v: lost %q, want %q", tc.nodes, got, tc.want)
		}
	}
	// A cordoned node is not capacity: it does not make the others differ.
	odd := node("d", 64, 256)
	odd.Schedulable = false
	n, _ := loseLargestNode(collectors.Snapshot{Nodes: []collectors.Node{node("a", 8, 32), node("b", 8, 32), odd}})
	if !n.Alike {
		t.Errorf("a cordoned node made the nodes differ: %+v", n)
	}
}

// The demo homelab: three nodes, 3-way replication.
func TestDemoNPlusOne(t *testing.T) {
	snap, _ := demo.Cluster(1, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	n, err := loseLargestNode(snap)
	if err != nil {
		t.Fatal(err)
	}
	// 21.17 cores requested against 23 left; 94.4 GiB against 122 GiB.
	if !n.CPU.Fits || !n.Memory.Fits || n.Ceph == nil || n.Ceph.CanReplicate || !strings.Contains(n.Ceph.Message, "with 3 hosts and 3 copies") {
		t.Errorf("%+v, Ceph %+v", n, n.Ceph)
	}
}

// TestWeekdayUse: the last seven days' weekdays, their mean of daily
// means and highest peak, against what is left.
func TestWeekdayUse(t *testing.T) {
	s := collectors.Series{Name: "cpu/usage", Unit: units.Cores}
	// 2026-11-09 (Mon) to 2026-11-22 (Sun): the last week's weekdays are
	// 16-20 with means 10..14 and peaks 20..24; the weekend is busier
	// still and does not count, nor does the week before.
	for d := range 14 {
		day := date(2026, 11, 9).AddDate(0, 0, d)
		m, p := 100.0, 100.0
		if d >= 7 && d < 12 {
			m, p = float64(10+d-7), float64(20+d-7)
		}
		s.Days = append(s.Days, collectors.Day{Date: day, Mean: m, Peak: p})
	}
	u := weekdayUse(s, 23)
	if u == nil || u.Days != 5 || u.Mean != 12 || u.Peak != 24 || !u.MeanFits || u.PeakFits || u.Remaining != 23 {
		t.Fatalf("%+v", u)
	}
	if weekdayUse(collectors.Series{}, 23) != nil {
		t.Error("no history: want nil")
	}
}
