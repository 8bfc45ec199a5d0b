package collectors

import (
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/units"
)

func days(n int) []Day {
	out := make([]Day, n)
	for i := range out {
		out[i] = Day{Date: time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC), Mean: float64(i), Peak: float64(i)}
	}
	return out
}

func TestMergeKeepsTheLongest(t *testing.T) {
	git := History{Series: []Series{{Name: "cpu/usage", Source: "git", Days: days(200)}, {Name: "ceph/stored", Source: "git", Days: days(10)}}}
	prom := History{Series: []Series{{Name: "cpu/usage", Source: "prometheus", Days: days(15)}, {Name: "ceph/stored", Source: "prometheus", Days: days(10)},
		{Name: "memory/usage", Source: "prometheus", Days: days(15)}}}
	h, notes := Merge(prom, git)
	want := map[string]string{"cpu/usage": "git", "ceph/stored": "prometheus", "memory/usage": "prometheus"}
	if len(h.Series) != len(want) {
		t.Fatalf("%d series, want %d", len(h.Series), len(want))
	}
	for _, s := range h.Series {
		if s.Source != want[s.Name] {
			t.Errorf("%s from %s, want %s (longest; the first given on a tie)", s.Name, s.Source, want[s.Name])
		}
	}
	joined := ""
	for _, n := range notes {
		joined += n.Message + "\n"
	}
	for _, w := range []string{"cpu/usage: 200 days from git used; prometheus has 15", "ceph/stored: 10 days from prometheus used; git has 10"} {
		if !strings.Contains(joined, w) {
			t.Errorf("notes lack %q:\n%s", w, joined)
		}
	}
}

func TestCephSetUsable(t *testing.T) {
	c := &Ceph{TotalBytes: 6e12, Pools: []Pool{
		{Name: "small-ec", StoredBytes: 10, Replication: 1.5},
		{Name: "rbd", StoredBytes: 1000, Replication: 3},
		{Name: "unknown", StoredBytes: 5000},
	}}
	if by, r := c.SetUsable(); by != "rbd" || r != 3 || c.UsableBytes != 2e12 {
		t.Errorf("usable %d by %q, want 2e12 by rbd (the largest pool with a known replication)", c.UsableBytes, by)
	}
	c.Pools = c.Pools[2:]
	if by, _ := c.SetUsable(); by != "" || c.UsableBytes != 0 {
		t.Errorf("usable %d by %q, want unknown", c.UsableBytes, by)
	}
}

func TestStitch(t *testing.T) {
	// The repository holds 200 days to 2026-07-19; Prometheus the last 15
	// days to 2026-07-26, with a different value on the days they share.
	older := History{Series: []Series{
		{Name: "cpu/usage", Unit: units.Cores, Source: "git", Days: days(200)},
		{Name: "ceph/stored", Unit: units.Bytes, Source: "git", Days: days(10)},
		{Name: "memory/usage", Unit: units.Cores, Source: "git", Days: days(10)},
	}}
	recent := days(207)[192:]
	for i := range recent {
		recent[i].Mean += 1000
	}
	newer := History{Series: []Series{
		{Name: "cpu/usage", Unit: units.Cores, Source: "prometheus", Days: recent},
		{Name: "memory/usage", Unit: units.Bytes, Source: "prometheus", Days: days(3)},
		{Name: "net/rx", Unit: units.BytesPerSecond, Source: "prometheus", Days: days(3)},
	}}
	h, notes := Stitch(older, newer)
	got := map[string]Series{}
	for _, s := range h.Series {
		got[s.Name] = s
	}
	cpu := got["cpu/usage"]
	if len(cpu.Days) != 207 || cpu.Source != "prometheus, earlier days from git" {
		t.Fatalf("cpu/usage: %d days from %q, want 207 from both", len(cpu.Days), cpu.Source)
	}
	for i, d := range cpu.Days {
		want := float64(i)
		if i >= 192 {
			want += 1000 // the newer source wins the days both have
		}
		if d.Mean != want || (i > 0 && !d.Date.After(cpu.Days[i-1].Date)) {
			t.Fatalf("day %d: %v, want mean %v in date order", i, d, want)
		}
	}
	if s := got["memory/usage"]; len(s.Days) != 3 || s.Source != "prometheus" || len(notes) != 1 || !strings.Contains(notes[0].Message, "memory/usage left out") {
		t.Errorf("unit clash: %d days from %s, notes %v", len(s.Days), s.Source, notes)
	}
	if len(got["ceph/stored"].Days) != 10 || len(got["net/rx"].Days) != 3 || len(h.Series) != 4 {
		t.Errorf("series only one side has: %v", h.Series)
	}
}
