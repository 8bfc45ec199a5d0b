package templates

import (
	"bytes"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/planner"
)

var generated = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)

// demoInput plans the demo cluster on a fixed day with the real forecaster.
func demoInput(t testing.TB) Input {
	t.Helper()
	snap, hist := demo.Cluster(1, generated)
	snap.Ceph.SetUsable()
	cfg := planner.DefaultConfig()
	plan := planner.Make(snap, hist, cfg, generated, forecast.Predict)
	opts, err := planner.Options(plan, snap, cfg.Catalogue, cfg.Months)
	if err != nil {
		t.Fatal(err)
	}
	timeline, err := planner.Timeline([]planner.Item{{Name: "mini-1", Purchased: "2023-01-15", LifeYears: 5}}, plan)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Snapshot: snap, History: hist, Plan: plan, Options: opts, Recommendations: planner.Recommend(plan, cfg.Thresholds.GrowthBuffer), Timeline: timeline, Generated: generated}
}

func TestReportMatchesSchema(t *testing.T) {
	data, err := Build(demoInput(t)).JSON()
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile("../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
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

// TestRunwayInWholeDays: a runway is a whole number of days, not a
// number of months turned back into days (63.00000000000001).
func TestRunwayInWholeDays(t *testing.T) {
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	days, month := 63, time.Date(2027, 12, 1, 0, 0, 0, 0, time.UTC)
	r := Build(Input{Generated: today, Plan: planner.Plan{Today: today, Projections: []planner.Projection{
		{Resource: "cpu/requests", Unit: "cores", Capacity: 1, Crossings: []planner.Crossing{{RunwayDays: &days}}},
		{Resource: "memory/requests", Unit: "bytes", Capacity: 1, Crossings: []planner.Crossing{{Month: &month}}},
	}}})
	if got := *r.Resources[0].Runway; got != 63 {
		t.Errorf("daily crossing: runway %v days, want 63", got)
	}
	if got := *r.Resources[1].Runway; got != 366 {
		t.Errorf("monthly crossing on 2027-12: runway %v days, want 366", got)
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
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "peak"}, Date: day(5, 1)}, {Threshold: planner.Threshold{Name: "average"}, Month: day(3, 1)}}, "average 2027-03"},
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "a"}, Date: day(1, 15)}, {Threshold: planner.Threshold{Name: "b"}, Date: day(1, 15)}}, "a 2027-01-15"},
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "never"}}}, "none within 12 months"},
	} {
		if got := first(Resource{Crossings: tc.crossings, Monthly: make(Steps, 12)}); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.crossings, got, tc.want)
		}
	}
}

// TestHowFarTheForecastsSee: without a monthly forecast (a short history)
// the report says how far it could see, never "none within 12 months".
func TestHowFarTheForecastsSee(t *testing.T) {
	funcs := Funcs()
	first := funcs["first"].(func(Resource) string)
	crossing := funcs["crossing"].(func(planner.Crossing, Resource) string)
	short := Resource{HorizonDays: 90, Crossings: []planner.Crossing{{}}}
	long := Resource{HorizonDays: 90, Crossings: []planner.Crossing{{}}, Monthly: make(Steps, 12)}
	if got, want := first(short), "none within the 90 days forecast (too little history for a 12-month view)"; got != want {
		t.Errorf("short history: %q, want %q", got, want)
	}
	if got, want := crossing(planner.Crossing{}, short), "not within the 90 days forecast (too little history for a 12-month view)"; got != want {
		t.Errorf("short history: %q, want %q", got, want)
	}
	if got := first(long); got != "none within 12 months" {
		t.Errorf("12 months: %q", got)
	}
}
