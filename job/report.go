// Package job runs capplan end to end: collect the snapshot and history,
// forecast and plan, render the report, write its narrative, and publish
// it to the report repository.
package job

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/sources"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/job/narrate"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/reportrepo"
	"github.com/capplan/capplan/templates"
)

// planned is the plan stage's product.
type planned struct {
	plan            planner.Plan
	options         []planner.Evaluation
	recommendations []planner.Recommendation
	timeline        []planner.Event
	inventory       int // items in the configuration's inventory
	changes         []planner.Change
	comparedWith    string
	// earlier are the reports before, for the track record.
	earlier []report.Previous
	// gaps are the parts that failed.
	gaps []report.Gap
}

// makePlan forecasts every resource and plans; a part that fails is a gap.
func makePlan(s collectors.Snapshot, h collectors.History, cfg config.Planner, now time.Time, earlier []report.Previous, failed []report.Gap) planned {
	p := planned{plan: planner.Make(s, h, cfg, now)}
	if len(failed) > 0 {
		if i := slices.IndexFunc(earlier, func(e report.Previous) bool { return e.Complete }); i >= 0 {
			holdStatuses(&p.plan, earlier[i], s, cfg.TargetMonths)
		}
	}
	var prev *report.Previous
	if len(earlier) > 0 {
		prev = &earlier[0]
	}
	// History a source gave that the plan could not use is a gap: the
	// report is missing what its reader would expect in it.
	if d := p.plan.Dropped; len(d) > 0 {
		p.gaps = append(p.gaps, report.Gap{Stage: "plan", Error: fmt.Sprintf(
			"the history of %s was not planned: no current capacity for it in the snapshot (the notes say which source lacked it)", strings.Join(d, ", "))})
	}
	// Options are priced against the cluster's nodes: without a snapshot
	// (a history planned alone) there are none to price.
	if len(p.plan.Projections) > 0 && len(s.Nodes) > 0 {
		var err error
		if p.options, err = planner.Options(p.plan, s, cfg.Catalogue, cfg.Months); err != nil {
			p.gaps = append(p.gaps, report.Gap{Stage: "plan", Error: "expansion options: " + err.Error()})
		}
	}
	var err error
	var nodes []string
	for _, n := range s.Nodes {
		nodes = append(nodes, n.Name)
	}
	p.inventory = len(cfg.Inventory)
	if p.timeline, err = planner.Timeline(cfg.Inventory, p.plan, nodes); err != nil {
		p.gaps = append(p.gaps, report.Gap{Stage: "plan", Error: "refresh timeline: " + err.Error()})
	}
	p.recommendations = planner.Recommend(p.plan, cfg.TargetMonths)
	if prev != nil {
		p.changes = planner.Compare(planner.Week{Plan: prev.Plan, Snapshot: prev.Snapshot, Recommendations: prev.Recommendations},
			planner.Week{Plan: p.plan, Snapshot: s, Recommendations: p.recommendations})
		p.comparedWith = prev.Plan.Today.Format(time.DateOnly)
	}
	p.earlier = earlier
	return p
}

// holdStatuses keeps an incomplete run from raising a resource's status
// above the last complete report's on data it did not get: a resource
// whose history ends before yesterday (its live source failed) or whose
// capacity is the history's stand-in, and whose status would rise, is
// unknown instead, with why. One whose data is fresh keeps its status:
// what the run did get supports it.
func holdStatuses(plan *planner.Plan, last report.Previous, s collectors.Snapshot, months int) {
	was := map[string]string{}
	for _, r := range last.Resources {
		was[r.Name] = r.Status
	}
	recs := planner.Recommend(*plan, months)
	yesterday := plan.Today.AddDate(0, 0, -1)
	cephStandIn := strings.HasPrefix(s.Sources["ceph"], sources.CephFromHistory)
	kept := plan.Projections[:0]
	for _, pr := range plan.Projections {
		status := planner.Status(pr.Resource, recs)
		before, known := was[pr.Resource]
		standIn := cephStandIn && pr.RawPerUnit > 0
		fresh := len(pr.History) > 0 && !pr.History[len(pr.History)-1].Date.Before(yesterday) && !standIn
		if !known || fresh || !planner.Worse(status, before) {
			kept = append(kept, pr)
			continue
		}
		ends := "no day"
		if n := len(pr.History); n > 0 {
			ends = pr.History[n-1].Date.Format(time.DateOnly)
		}
		if standIn {
			ends += ", capacity from the history's last day"
		}
		plan.Unknown = append(plan.Unknown, planner.Unknown{Resource: pr.Resource, Reason: fmt.Sprintf(
			"this run is incomplete and this resource's data is not new (history to %s): %s would be raised above %s, the last complete report's (%s), on no new data",
			ends, status, before, last.Plan.Today.Format(time.DateOnly))})
	}
	plan.Projections = kept
}

// rendered is the render stage's product: the report's content, the
// charts, the parts that failed, and the template directory that works
// (empty for the built-in template).
type rendered struct {
	report      report.Report
	charts      []reportrepo.File
	gaps        []report.Gap
	templateDir string
}

// render builds report.json's content and the charts; report.json and
// report.md are rendered once the narrative is known. A chart that cannot
// be drawn, or a template directory whose template fails, is a gap.
func render(s collectors.Snapshot, h collectors.History, p planned, now time.Time, templateDir string, gaps []report.Gap) rendered {
	out := rendered{templateDir: templateDir, report: report.Build(report.Input{
		Snapshot: s, History: h, Plan: p.plan, Options: p.options, Recommendations: p.recommendations,
		Timeline: p.timeline, Inventory: p.inventory, Changes: p.changes, ComparedWith: p.comparedWith, Gaps: gaps, Generated: now, Earlier: p.earlier,
	})}
	if templateDir != "" {
		if _, err := templates.Markdown(out.report, templateDir); err != nil {
			out.gaps = append(out.gaps, report.Gap{Stage: "render", Error: err.Error() + "; the built-in template was used"})
			out.templateDir = ""
		}
	}
	for i, pr := range p.plan.Projections {
		if out.report.Resources[i].Chart == "" {
			continue // quiet: listed, not charted
		}
		svg, err := templates.Chart(pr, p.plan.Today)
		if err != nil {
			out.gaps = append(out.gaps, report.Gap{Stage: "render", Error: fmt.Sprintf("chart of %s: %v", pr.Resource, err)})
			continue
		}
		// Build named the charts, one file each.
		out.charts = append(out.charts, reportrepo.File{Name: out.report.Resources[i].Chart, Data: svg})
	}
	return out
}

// renderPlan plans the cluster and renders report.json, report.md (with the
// deterministic narrative) and one chart per resource, without Ollama or
// Git. generated is the run's time; the plan is for its day. templateDir
// overrides the built-in markdown template when not empty; prev, when not
// nil, is compared with.
func renderPlan(s collectors.Snapshot, h collectors.History, cfg config.Planner, generated time.Time, templateDir string, prev *report.Previous) ([]reportrepo.File, report.Report, error) {
	if s.Ceph != nil && s.Ceph.UsableBytes == 0 {
		ceph := *s.Ceph
		ceph.SetUsable()
		s.Ceph = &ceph
	}
	var earlier []report.Previous
	if prev != nil {
		earlier = []report.Previous{*prev}
	}
	p := makePlan(s, h, cfg, generated, earlier, nil)
	rd := render(s, h, p, generated, templateDir, p.gaps)
	r := rd.report
	r.Gaps = append(r.Gaps, rd.gaps...)
	for _, w := range cfg.Planned {
		if w.WhatIf != "" {
			r.WhatIf = append(r.WhatIf, fmt.Sprintf("%s (%s)", w.Name, w.WhatIf))
		}
	}
	files, err := finish(&r, rd.charts, report.Narrative{Source: "deterministic", Text: narrate.Deterministic(r), Reason: "no language model was asked"}, rd.templateDir)
	return files, r, err
}
