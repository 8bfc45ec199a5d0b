package templates

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/planner"
)

func TestChart(t *testing.T) {
	today := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	snap, hist := demo.Cluster(1, today)
	snap.Ceph.SetUsable()
	plan := planner.Make(snap, hist, config.Default().Planner, today)
	cpu := slices.IndexFunc(plan.Projections, func(p planner.Projection) bool { return p.Resource == "cpu/usage" })
	if cpu < 0 {
		t.Fatal("no cpu/usage projection")
	}
	p := plan.Projections[cpu]
	svg, err := Chart(p, plan.Today)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<?xml")) || !bytes.Contains(svg, []byte("<svg")) {
		t.Fatalf("not an SVG: %.100s", svg)
	}
	// What drives the findings: means and peaks, both thresholds and the
	// capacity, the daily and monthly forecasts, the dates marked and
	// written, in a legend.
	for _, want := range []string{"cpu/usage", ">cores<", "80% interval", "95% interval", "daily mean", "daily peak",
		"forecast of means", "forecast of peaks", "monthly forecast", "monthly highest peak", "CPU average 70%", "CPU peak 85%",
		"capacity 34.50 cores", "date reached", "as early as", "today 2026-11-23"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("chart lacks %q", want)
		}
	}
	for _, c := range p.Crossings {
		if c.Date != nil && !bytes.Contains(svg, []byte(c.Date.Format(time.DateOnly))) {
			t.Errorf("the date %s of %s is not written on the chart", c.Date.Format(time.DateOnly), c.Name)
		}
	}
	if dir := os.Getenv("CAPPLAN_CHART_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "chart-cpu-usage.svg"), svg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
