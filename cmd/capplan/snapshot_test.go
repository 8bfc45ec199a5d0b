package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSnapshotDemoJSON(t *testing.T) {
	code, stdout, stderr := capplan(t, "snapshot", "--demo", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out snapshotOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	s := out.Snapshot
	if len(s.Nodes) != 3 || s.Ceph == nil || len(s.Ceph.Pools) == 0 || len(out.History) == 0 {
		t.Fatalf("demo snapshot has %d nodes, ceph %v, %d history series", len(s.Nodes), s.Ceph, len(out.History))
	}
	for _, h := range out.History {
		if h.Days != 730 || h.Source != "demo" {
			t.Errorf("%s: %d days from %q, want 730 from demo", h.Name, h.Days, h.Source)
		}
	}
}

func TestSnapshotTable(t *testing.T) {
	code, stdout, stderr := capplan(t, "snapshot", "--demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"NODE", "mini-1", "ai-inference", "replicapool", "5.46 TiB total", "(CPU in cores, memory in GiB"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, stderr = capplan(t, "snapshot", "--ceph-df", "../../collectors/ceph/testdata/jewel-10.2.2-df-detail.datadog.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"scbench", "Ceph's defaults, assumed", "ceph: ceph df file"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSnapshotErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"snapshot"}, 2, "no source: pass --demo or --ceph-df FILE"},
		{[]string{"snapshot", "--demo", "--format", "yaml"}, 2, "--format must be table or json"},
		{[]string{"snapshot", "--ceph-df", "no-such.json"}, 1, "no-such.json"},
		{[]string{"snapshot", "--ceph-df", "../../docs/examples/resource_metrics.csv"}, 1, "resource_metrics.csv: not ceph df JSON"},
	} {
		code, _, stderr := capplan(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}
