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
