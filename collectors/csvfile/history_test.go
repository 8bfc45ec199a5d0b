package csvfile

import (
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

func TestHistory(t *testing.T) {
	in := "timestamp,cpu,memory,gpu\n" +
		"2026-01-01T00:00:00Z,1,2,5\n" +
		"2026-01-01T12:00:00Z,3,4,5\n" +
		"2026-01-03T06:00:00Z,2,1,5\n"
	series, err := Read(strings.NewReader(in), "seed.csv")
	if err != nil {
		t.Fatal(err)
	}
	h, notes, err := History(series, "seed.csv", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]collectors.Series{}
	for _, s := range h.Series {
		got[s.Name] = s
	}
	cpu, mem := got["cpu/usage"], got["memory/usage"]
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	want := []collectors.Day{{Date: day(1), Mean: 2, Peak: 3}, {Date: day(3), Mean: 2, Peak: 2}}
	if len(cpu.Days) != 2 || cpu.Days[0] != want[0] || cpu.Days[1] != want[1] || cpu.Unit != units.Cores {
		t.Errorf("cpu/usage %+v (%s), want %+v in cores", cpu.Days, cpu.Unit, want)
	}
	if len(mem.Days) != 2 || mem.Days[0].Mean != 3<<30 || mem.Days[0].Peak != 4<<30 || mem.Unit != units.Bytes {
		t.Errorf("memory/usage %+v (%s), want GiB turned into bytes", mem.Days, mem.Unit)
	}
	if _, ok := got["gpu"]; !ok {
		t.Errorf("unknown column dropped: %v", h.Series)
	}
	joined := ""
	for _, n := range notes {
		joined += n.Message + "\n"
	}
	for _, w := range []string{`series "gpu" kept under its own name`, "cpu/usage: 1 of 3 days have no observations"} {
		if !strings.Contains(joined, w) {
			t.Errorf("notes lack %q:\n%s", w, joined)
		}
	}
}

func TestHistoryKnowsCapplanUnits(t *testing.T) {
	in := "series,timestamp,value\n" +
		"cpu/usage,2026-01-01T00:00:00Z,1\n" +
		"node/a/memory/usage,2026-01-01T00:00:00Z,1\n" +
		"ceph/stored,2026-01-01T00:00:00Z,1\n" +
		"network/receive,2026-01-01T00:00:00Z,1\n" +
		"queue/depth,2026-01-01T00:00:00Z,1\n"
	series, err := Read(strings.NewReader(in), "long.csv")
	if err != nil {
		t.Fatal(err)
	}
	h, notes, err := History(series, "long.csv", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"cpu/usage": units.Cores, "node/a/memory/usage": units.Bytes, "ceph/stored": units.Bytes,
		"network/receive": units.BytesPerSecond, "queue/depth": ""}
	for _, s := range h.Series {
		if s.Unit != want[s.Name] {
			t.Errorf("%s in %q, want %q", s.Name, s.Unit, want[s.Name])
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0].Message, `"queue/depth" kept under its own name`) {
		t.Errorf("notes %v, want one on queue/depth", notes)
	}
}
