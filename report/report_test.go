package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/planner"
)

var generated = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)

// demoInput plans the demo cluster on a fixed day with the real forecaster.
func demoInput(t testing.TB) Input {
	t.Helper()
	snap, hist := demo.Cluster(1, generated)
	snap.Ceph.SetUsable()
	cfg := config.Default().Planner
	plan := planner.Make(snap, hist, cfg, generated)
	opts, err := planner.Options(plan, snap, cfg.Catalogue, cfg.Months)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	for _, n := range snap.Nodes {
		nodes = append(nodes, n.Name)
	}
	timeline, err := planner.Timeline([]config.Item{{Name: "mini-1", Purchased: "2023-01-15", LifeYears: 5}}, plan, nodes)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Snapshot: snap, History: hist, Plan: plan, Options: opts, Recommendations: planner.Recommend(plan, cfg.TargetMonths), Timeline: timeline, Inventory: 1, Generated: generated}
}

func TestReportMatchesSchema(t *testing.T) {
	data, err := Build(demoInput(t)).JSON()
	if err != nil {
		t.Fatal(err)
	}
	schema := reportSchema(t)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("report.json does not match docs/report.schema.json: %v", err)
	}
	// The schema must be able to fail: a report without resources.
	broken := bytes.Replace(data, []byte(`"resources"`), []byte(`"resourcez"`), 1)
	inst, err = jsonschema.UnmarshalJSON(bytes.NewReader(broken))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Error("a report without resources passed the schema")
	}
}

// TestEmptyReportMatchesSchema: a report that could plan nothing (a
// snapshot without history, nothing else) is still valid report.json,
// with empty lists rather than nulls.
func TestEmptyReportMatchesSchema(t *testing.T) {
	snap, _ := demo.Cluster(1, generated)
	data, err := Build(Input{Snapshot: snap, Generated: generated, Plan: planner.Plan{Today: generated}}).JSON()
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := reportSchema(t).Validate(inst); err != nil {
		t.Fatalf("an empty report does not match docs/report.schema.json: %v", err)
	}
}

func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile("../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// TestRunwayInWholeDays: a runway is a whole number of days, not a
// number of months turned back into days (63.00000000000001).
func TestRunwayInWholeDays(t *testing.T) {
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	days := 63
	r := Build(Input{Generated: today, Plan: planner.Plan{Today: today, Projections: []planner.Projection{
		{Resource: "cpu/requests", Unit: "cores", Capacity: 1, Crossings: []planner.Crossing{{RunwayDays: &days}}},
	}}})
	if got := *r.Resources[0].Runway; got != 63 {
		t.Errorf("runway %v days, want 63", got)
	}
}

// TestPreviousReadsMonths: a v2 report dated a crossing beyond the daily
// horizon by its month; read back, it is dated by the month's first day,
// with the runway that version counted, so the week-over-week comparison
// has a date to compare.
func TestPreviousReadsMonths(t *testing.T) {
	v2 := `{"schema": "capplan.report/v2", "date": "2026-11-23", "resources": [{"name": "cpu/requests", "horizon_days": 90,
		"crossings": [{"name": "CPU average", "fraction": 0.7, "month": "2027-03-01T00:00:00Z"}, {"name": "never", "fraction": 0.9}]}]}`
	prev, err := ReadPrevious([]byte(v2), "v2.json")
	if err != nil {
		t.Fatal(err)
	}
	cs := prev.Plan.Projections[0].Crossings
	if cs[0].Date == nil || !cs[0].Date.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)) || cs[0].RunwayDays == nil || *cs[0].RunwayDays != 98 {
		t.Errorf("monthly crossing read as %+v, want 2027-03-01 and 98 days", cs[0])
	}
	if cs[1].Date != nil || cs[1].RunwayDays != nil {
		t.Errorf("a crossing never reached read as %+v", cs[1])
	}
}

// TestChartFiles: a chart's file name keeps no character from the cluster
// that could leave the report's directory, stays well inside what file
// systems allow, and two resources whose names map to one file get a
// chart each.
func TestChartFiles(t *testing.T) {
	names := []string{"ceph/pool/a.b/stored", "ceph/pool/a-b/stored", "../x", "a|b", "<img src=x>", "two\nlines", "nul\x00", strings.Repeat("long/", 100)}
	rs := make([]Resource, len(names))
	for i, n := range names {
		rs[i].Name = n
	}
	chartFiles(rs)
	seen := map[string]bool{}
	for _, r := range rs {
		if strings.ContainsAny(r.Chart, "/\\\x00") || !strings.HasPrefix(r.Chart, "chart-") || !strings.HasSuffix(r.Chart, ".svg") || len(r.Chart) > 255 || seen[r.Chart] {
			t.Errorf("chart file %q of %q", r.Chart, r.Name)
		}
		seen[r.Chart] = true
	}
	if rs[2].Chart != "chart----x.svg" {
		t.Errorf("chart file of ../x: %q", rs[2].Chart)
	}
}

// FuzzChartFile: whatever a resource is called, its chart's file name
// stays in the report's directory.
func FuzzChartFile(f *testing.F) {
	for _, s := range []string{"replicapool", "../x", "a/b", "\x00", "\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		rs := []Resource{{Name: name}, {Name: name}}
		chartFiles(rs)
		for _, r := range rs {
			if strings.ContainsAny(r.Chart, "/\\\x00") || !strings.HasPrefix(r.Chart, "chart-") || len(r.Chart) > 255 {
				t.Fatalf("chart file %q of %q", r.Chart, name)
			}
		}
		if rs[0].Chart == rs[1].Chart {
			t.Fatalf("two resources named %q share chart %q", name, rs[0].Chart)
		}
	})
}

// TestReadPreviousInOnePass: report.json read in one pass gives what the
// report's own types read, and a forecast's columns that disagree are
// still refused, naming the resource.
func TestReadPreviousInOnePass(t *testing.T) {
	data, err := Build(demoInput(t)).JSON()
	if err != nil {
		t.Fatal(err)
	}
	var want Report
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	got, err := decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Resources) == 0 || len(got.Resources[0].Daily) != 90 || !reflect.DeepEqual(got, want) {
		t.Errorf("read in one pass:\n%+v\nby the report's types:\n%+v", got.Resources, want.Resources)
	}
	broken := bytes.Replace(data, []byte(`"step": "month"`), []byte(`"step": "week"`), 1)
	if _, err := ReadPrevious(broken, "broken.json"); err == nil || !strings.Contains(err.Error(), `broken.json: cpu/usage: monthly: forecast step "week"`) {
		t.Errorf("a forecast by the week: %v", err)
	}
}

// BenchmarkReadPrevious reads the demo's report back, as each weekly run
// reads a year of them for its track record.
func BenchmarkReadPrevious(b *testing.B) {
	data, err := Build(demoInput(b)).JSON()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadPrevious(data, "report.json"); err != nil {
			b.Fatal(err)
		}
	}
}
