package printers

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/demo"
)

var update = flag.Bool("update", false, "rewrite testdata/demo-snapshot.txt")

// TestTableGolden: the demo's snapshot as a table, every section.
// testdata/demo-snapshot.txt was written by this printer and compared,
// byte for byte but for the "taken" line, with what the command printed
// before the table was built from column definitions.
func TestTableGolden(t *testing.T) {
	snap, hist := demo.Cluster(1, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	snap.Ceph.SetUsable()
	used := int64(12 << 30)
	snap.Volumes[0].UsedBytes = &used
	snap.Pressure = append(snap.Pressure, collectors.Pressure{Namespace: "ai-inference", OOMKilled: 2, Evicted: 1, FailedScheduling: 3})
	hist.Series = append(hist.Series, collectors.Series{Name: "network/receive", Unit: "bytes/s", Source: "git reports"})
	p, err := ForFormat("table")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := p.PrintSnapshot(&got, snap, hist); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/demo-snapshot.txt"
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("table differs from %s:\n%s", golden, got.String())
	}
}

func TestJSON(t *testing.T) {
	snap, hist := demo.Cluster(1, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	hist.Series = append(hist.Series, collectors.Series{Name: "empty", Unit: "cores", Source: "git"})
	p, err := ForFormat("json")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.PrintSnapshot(&buf, snap, hist); err != nil {
		t.Fatal(err)
	}
	var out output
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Snapshot.Nodes) != 3 || len(out.History) != len(hist.Series) {
		t.Fatalf("%d nodes, %d series", len(out.Snapshot.Nodes), len(out.History))
	}
	last := out.History[len(out.History)-1]
	if first := out.History[0]; first.Days != 730 || first.First != "2024-11-23" || first.Last != "2026-11-22" || last.Days != 0 || last.First != "—" {
		t.Errorf("history summaries %+v … %+v", first, last)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := ForFormat("yaml"); err == nil || !strings.Contains(err.Error(), `--format must be table or json, not "yaml"`) {
		t.Errorf("%v", err)
	}
}
