// Package job runs capplan end to end: from a snapshot and its history to
// the report's files (and, in a full run, the narrative and the commit).
package job

import (
	"fmt"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/templates"
)

// File is one file of a report, named relative to the report's directory.
type File struct {
	Name string
	Data []byte
}

// Previous is last week's report, for the week-over-week comparison.
type Previous struct {
	Plan     planner.Plan
	Snapshot collectors.Snapshot
}

// Report plans the cluster and renders report.json, report.md and one chart
// per resource. generated is the run's time; the plan is for its day.
// templateDir overrides the built-in markdown template when not empty;
// prev, when not nil, is compared with.
func Report(s collectors.Snapshot, h collectors.History, cfg planner.Config, generated time.Time, templateDir string, prev *Previous) ([]File, templates.Report, error) {
	if s.Ceph != nil && s.Ceph.UsableBytes == 0 {
		s.Ceph.SetUsable()
	}
	plan := planner.Make(s, h, cfg, generated, forecast.Predict)
	var options []planner.Evaluation
	if len(plan.Projections) > 0 {
		var err error
		if options, err = planner.Options(plan, s, cfg.Catalogue, cfg.Months); err != nil {
			return nil, templates.Report{}, err
		}
	}
	timeline, err := planner.Timeline(cfg.Inventory, plan)
	if err != nil {
		return nil, templates.Report{}, err
	}
	var changes []planner.Change
	if prev != nil {
		changes = planner.Compare(prev.Plan, plan, prev.Snapshot, s)
	}
	r := templates.Build(templates.Input{
		Snapshot: s, History: h, Plan: plan, Options: options, Recommendations: planner.Recommend(plan, cfg.Thresholds.GrowthBuffer),
		Timeline: timeline, Changes: changes, Generated: generated,
	})
	js, err := r.JSON()
	if err != nil {
		return nil, r, fmt.Errorf("report.json: %w", err)
	}
	md, err := templates.Markdown(r, templateDir)
	if err != nil {
		return nil, r, err
	}
	files := []File{{"report.json", js}, {"report.md", md}}
	series := map[string]collectors.Series{}
	for _, hs := range h.Series {
		series[hs.Name] = hs
	}
	for _, p := range plan.Projections {
		svg, err := templates.Chart(p, series[p.Resource], plan.Today)
		if err != nil {
			return nil, r, fmt.Errorf("chart of %s: %w", p.Resource, err)
		}
		files = append(files, File{templates.ChartFile(p.Resource), svg})
	}
	return files, r, nil
}
