package demo

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

var now = time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)

func TestDemoIsDeterministic(t *testing.T) {
	s1, h1 := Cluster(7, now)
	s2, h2 := Cluster(7, now)
	if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(h1, h2) {
		t.Fatal("same seed and day gave different clusters")
	}
	_, h3 := Cluster(8, now)
	if reflect.DeepEqual(h1, h3) {
		t.Fatal("different seeds gave the same history")
	}
}

func TestDemoHistory(t *testing.T) {
	_, h := Cluster(1, now)
	yesterday := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, s := range h.Series {
		if len(s.Days) != Days {
			t.Fatalf("%s: %d days, want %d", s.Name, len(s.Days), Days)
		}
		if last := s.Days[len(s.Days)-1].Date; !last.Equal(yesterday) {
			t.Errorf("%s ends %s, want the last full day %s", s.Name, last, yesterday)
		}
		for i, d := range s.Days {
			if i > 0 && !d.Date.Equal(s.Days[i-1].Date.AddDate(0, 0, 1)) {
				t.Fatalf("%s: day %d is %s, after %s", s.Name, i, d.Date, s.Days[i-1].Date)
			}
			if !(d.Mean >= 0) || d.Peak < d.Mean || math.IsInf(d.Peak, 0) {
				t.Fatalf("%s %s: mean %v, peak %v", s.Name, d.Date.Format(time.DateOnly), d.Mean, d.Peak)
			}
		}
		if s.Source != Source || (s.Unit != units.Cores && s.Unit != units.Bytes) {
			t.Errorf("%s: source %q, unit %q", s.Name, s.Source, s.Unit)
		}
	}
	stored := series(t, h, "ceph/stored")
	if gib := stored.Days[Days-1].Mean / (1 << 30); gib < 105 || gib > 125 {
		t.Errorf("Ceph holds %.0f GiB today, want about 116", gib)
	}
	// The workloads grow: CPU usage over the last four weeks well above the
	// first four, and a weekly cycle in the data platform's days.
	cpu := series(t, h, "cpu/usage")
	if first, last := mean(cpu.Days[:28]), mean(cpu.Days[Days-28:]); last < 2*first {
		t.Errorf("CPU usage %.1f cores in the first four weeks, %.1f in the last: want growth", first, last)
	}
}

func TestDemoSnapshotMatchesHistory(t *testing.T) {
	s, h := Cluster(1, now)
	var nsUse, nsReq, nodeReq collectors.Resources
	for _, ns := range s.Namespaces {
		nsUse = nsUse.Add(*ns.Usage)
		nsReq = nsReq.Add(ns.Requests)
	}
	for _, n := range s.Nodes {
		nodeReq = nodeReq.Add(n.Requests)
		if n.Requests.CPUCores > n.Allocatable.CPUCores || n.Requests.MemoryBytes > n.Allocatable.MemoryBytes {
			t.Errorf("%s requests more than it can allocate: %+v > %+v", n.Name, n.Requests, n.Allocatable)
		}
	}
	if got, want := nsUse.CPUCores, series(t, h, "cpu/usage").Days[Days-1].Mean; math.Abs(got-want) > 1e-9 {
		t.Errorf("namespaces use %.3f cores, history's last day %.3f", got, want)
	}
	if got, want := nsReq.CPUCores, series(t, h, "cpu/requests").Days[Days-1].Mean; math.Abs(got-want) > 1e-9 {
		t.Errorf("namespaces request %.3f cores, history's last day %.3f", got, want)
	}
	if math.Abs(nodeReq.CPUCores-nsReq.CPUCores) > 1e-9 {
		t.Errorf("nodes carry %.3f requested cores, namespaces %.3f", nodeReq.CPUCores, nsReq.CPUCores)
	}
	c := s.Ceph
	if c == nil || c.TotalBytes != 6e12 || c.UsedBytes+c.AvailBytes != c.TotalBytes || len(c.Pools) == 0 {
		t.Fatalf("Ceph %+v: want 6 TB raw, used + avail = total, pools", c)
	}
	var stored int64
	for _, p := range c.Pools {
		stored += p.StoredBytes
	}
	if want := series(t, h, "ceph/stored").Days[Days-1].Mean; math.Abs(float64(stored)-want) > float64(len(c.Pools)) {
		t.Errorf("pools store %d bytes, history's last day %.0f", stored, want)
	}
	requested := map[string]int64{}
	for _, v := range s.Volumes {
		requested[v.StorageClass] += v.RequestedBytes
	}
	for _, sc := range s.StorageClasses {
		if want := series(t, h, "volumes/"+sc.Name+"/requested").Days[Days-1].Mean; float64(requested[sc.Name]) != want {
			t.Errorf("%s claims request %d bytes, history's last day %.0f", sc.Name, requested[sc.Name], want)
		}
		if !slices.ContainsFunc(c.Pools, func(p collectors.Pool) bool { return p.Name == sc.Pool }) {
			t.Errorf("%s is backed by pool %q, which Ceph does not have", sc.Name, sc.Pool)
		}
	}
}

func series(t *testing.T, h collectors.History, name string) collectors.Series {
	t.Helper()
	for _, s := range h.Series {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no series %q", name)
	return collectors.Series{}
}

func mean(days []collectors.Day) float64 {
	var s float64
	for _, d := range days {
		s += d.Mean
	}
	return s / float64(len(days))
}

// TestDemoAsOfAnEarlierDay: the world seen as of a past Monday holds the
// same values on the same dates as seen today, two years of them.
func TestDemoAsOfAnEarlierDay(t *testing.T) {
	world := time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC)
	_, today := At(1, world, world)
	if _, c := Cluster(1, world); !reflect.DeepEqual(today, c) {
		t.Fatal("At as of the world's own day differs from Cluster")
	}
	earliest := world.AddDate(0, 0, -7*51-6)
	snap, past := At(1, world, earliest)
	if !snap.Taken.Equal(earliest) {
		t.Errorf("taken %s", snap.Taken)
	}
	for i, s := range past.Series {
		if len(s.Days) != Days {
			t.Fatalf("%s as of %s: %d days, want %d", s.Name, earliest.Format(time.DateOnly), len(s.Days), Days)
		}
		byDate := map[time.Time]collectors.Day{}
		for _, d := range today.Series[i].Days {
			byDate[d.Date] = d
		}
		overlap := 0
		for _, d := range s.Days {
			if td, ok := byDate[d.Date]; ok {
				overlap++
				if td != d {
					t.Fatalf("%s on %s: %+v as of then, %+v as of now", s.Name, d.Date.Format(time.DateOnly), d, td)
				}
			}
			if !(d.Mean >= 0) || math.IsNaN(d.Peak) {
				t.Fatalf("%s %s: mean %v, peak %v", s.Name, d.Date.Format(time.DateOnly), d.Mean, d.Peak)
			}
		}
		if want := Days - (7*51 + 6); overlap != want {
			t.Errorf("%s: %d days in common, want %d", s.Name, overlap, want)
		}
	}
}
