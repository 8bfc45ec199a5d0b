package templates

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChart(t *testing.T) {
	in := demoInput(t)
	var cpu int = -1
	for i, p := range in.Plan.Projections {
		if p.Resource == "cpu/usage" {
			cpu = i
		}
	}
	if cpu < 0 {
		t.Fatal("no cpu/usage projection")
	}
	p := in.Plan.Projections[cpu]
	svg, err := Chart(p, in.History.Series[0], in.Plan.Today)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<?xml")) || !bytes.Contains(svg, []byte("<svg")) {
		t.Fatalf("not an SVG: %.100s", svg)
	}
	// What drives the findings: means and peaks, both thresholds, the
	// daily and monthly forecasts, the dates marked, in a legend.
	for _, want := range []string{"cpu/usage", ">cores<", "80% interval", "95% interval (daily)", "daily mean", "daily peak",
		"forecast of means", "forecast of peaks", "monthly forecast", "CPU average 70%", "CPU peak 85%", "date reached", "as early as", "today 2026-11-23"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if dir := os.Getenv("CAPPLAN_CHART_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, ChartFile(p.Resource)), svg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(ChartFile("ceph/pool/.mgr/stored"), "/") {
		t.Error("chart file names must not contain slashes")
	}
}
