package collectors

import (
	"strings"
	"testing"
	"time"
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
