package templates

import (
	"bytes"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/planner"
)

var generated = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)

// demoInput plans the demo cluster on a fixed day with the real forecaster.
func demoInput(t testing.TB) Input {
	t.Helper()
	snap, hist := demo.Cluster(1, generated)
	snap.Ceph.SetUsable()
	cfg := planner.DefaultConfig()
	plan := planner.Make(snap, hist, cfg, generated, planner.DefaultModels())
	opts, err := planner.Options(plan, snap, cfg.Catalogue, cfg.Months)
	if err != nil {
		t.Fatal(err)
	}
	timeline, err := planner.Timeline([]planner.Item{{Name: "mini-1", Purchased: "2023-01-15", LifeYears: 5}}, plan)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Snapshot: snap, History: hist, Plan: plan, Options: opts, Recommendations: planner.Recommend(plan, cfg.TargetMonths), Timeline: timeline, Generated: generated}
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

// TestFirstThresholdIsTheSoonest: the summary's first threshold is the
// soonest crossing, not the first in the list that has a date.
func TestFirstThresholdIsTheSoonest(t *testing.T) {
	first := Funcs()["first"].(func(Resource) string)
	day := func(m time.Month, d int) *time.Time { t := time.Date(2027, m, d, 0, 0, 0, 0, time.UTC); return &t }
	for _, tc := range []struct {
		crossings []planner.Crossing
		want      string
	}{
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "average"}, Date: day(2, 10)}, {Threshold: planner.Threshold{Name: "peak"}, Date: day(1, 15)}}, "peak 2027-01-15"},
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "a"}, Date: day(1, 15)}, {Threshold: planner.Threshold{Name: "b"}, Date: day(1, 15)}}, "a 2027-01-15"},
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "never"}}}, "none within 12 months"},
	} {
		if got := first(Resource{Crossings: tc.crossings, ViewDays: 365}); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.crossings, got, tc.want)
		}
	}
}

// TestHowFarTheForecastsSee: "none" says how far the dates look, in
// months of the view.
func TestHowFarTheForecastsSee(t *testing.T) {
	funcs := Funcs()
	first := funcs["first"].(func(Resource) string)
	crossing := funcs["crossing"].(func(planner.Crossing, Resource) string)
	year := Resource{HorizonDays: 90, ViewDays: 365, Crossings: []planner.Crossing{{}}}
	half := Resource{HorizonDays: 90, ViewDays: 183, Crossings: []planner.Crossing{{}}}
	if got, want := first(year), "none within 12 months"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := crossing(planner.Crossing{}, half), "not within 6 months"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// TestPreviousReadsMonths: a v2 report dated a crossing beyond the daily
// horizon by its month; read back, it is dated by the month's first day,
// with the runway that version counted, so the week-over-week comparison
// has a date to compare.
func TestPreviousReadsMonths(t *testing.T) {
	v2 := `{"schema": "capplan.report/v2", "date": "2026-11-23", "resources": [{"name": "cpu/requests", "horizon_days": 90,
		"crossings": [{"name": "CPU average", "fraction": 0.7, "month": "2027-03-01T00:00:00Z"}, {"name": "never", "fraction": 0.9}]}]}`
	plan, _, err := Previous([]byte(v2), "v2.json")
	if err != nil {
		t.Fatal(err)
	}
	cs := plan.Projections[0].Crossings
	if cs[0].Date == nil || !cs[0].Date.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)) || cs[0].RunwayDays == nil || *cs[0].RunwayDays != 98 {
		t.Errorf("monthly crossing read as %+v, want 2027-03-01 and 98 days", cs[0])
	}
	if cs[1].Date != nil || cs[1].RunwayDays != nil {
		t.Errorf("a crossing never reached read as %+v", cs[1])
	}
}
