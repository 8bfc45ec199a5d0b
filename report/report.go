// Package report is the report model: report.json's types and schema
// version (docs/report.schema.json), the report built from a plan, and
// earlier reports read back for the week-over-week comparison. Renderers
// (package templates) and the narrative read it; nothing here renders.
package report

import (
	"encoding/json"
	"math"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/planner"
)

// Schema is the version of report.json's layout. v1 also carried the
// daily history, which now lives once in the report repository's
// history.json.
const Schema = "capplan.report/v3"

// Earlier schemas are read back as a previous report: v1 also carried the
// history, v1 and v2 dated crossings beyond the daily horizon by a month.
const (
	schemaV1 = "capplan.report/v1"
	schemaV2 = "capplan.report/v2"
)

// Report is report.json.
type Report struct {
	Schema    string     `json:"schema"`
	Generated time.Time  `json:"generated"`
	Date      string     `json:"date"` // the plan's day, YYYY-MM-DD
	Cluster   string     `json:"cluster"`
	Summary   Summary    `json:"summary"`
	Resources []Resource `json:"resources"`
	// Unknown are the resources the plan could not establish, with why:
	// they have no status, date or option.
	Unknown         []planner.Unknown        `json:"unknown,omitempty"`
	NPlusOne        *planner.NPlusOne        `json:"n_plus_one,omitempty"`
	Options         []planner.Evaluation     `json:"options"`
	Recommendations []planner.Recommendation `json:"recommendations"`
	Timeline        []planner.Event          `json:"timeline"`
	// Growth is who each resource's growth came from, by group of
	// namespaces; AboveRequests and LimitsOver what the snapshot shows
	// the scheduler does not count on.
	Growth        []planner.Growth `json:"growth,omitempty"`
	AboveRequests []AboveRequests  `json:"above_requests,omitempty"`
	LimitsOver    []LimitsOver     `json:"limits_over_allocatable,omitempty"`
	// Pools is Ceph's raw space divided among its pools.
	Pools *planner.Pools `json:"pools,omitempty"`
	// RightSizing is what setting requests from the workloads' usage
	// wins back, container by container.
	RightSizing *planner.RightSizing `json:"right_sizing,omitempty"`
	// RightSizingGains is each requests resource's runway without and
	// with the right-sizing option.
	RightSizingGains []RunwayGain `json:"right_sizing_gains,omitempty"`
	// WhatIf names the planned workloads a what-if file added (and the
	// file): the report answers a question, it is not the cluster's plan.
	WhatIf []string `json:"what_if,omitempty"`
	// Inventory is how many items the configuration's inventory holds:
	// with none, the timeline has capacity dates only.
	Inventory int              `json:"inventory_items"`
	Changes   []planner.Change `json:"changes"`
	// ComparedWith is the date of the earlier report Changes are from.
	ComparedWith string            `json:"compared_with,omitempty"`
	Sources      map[string]string `json:"sources"`
	Notes        []collectors.Note `json:"notes"`
	// Track is what earlier reports forecast and dated, against what has
	// happened since; nil without an earlier report.
	Track *Track `json:"track_record,omitempty"`
	// Stale, when the history planned on ends before the day before the
	// report, says when and how long before.
	Stale *Stale `json:"stale_history,omitempty"`
	// Gaps are the stages of the run that failed; the report stands on
	// what the others produced.
	Gaps      []Gap      `json:"gaps"`
	Narrative *Narrative `json:"narrative,omitempty"`
}

// Stale is a history that ends days before its report: its "now" is the
// week to Through, and its forecasts begin the day after.
type Stale struct {
	Through    string `json:"through"` // YYYY-MM-DD, the latest day any planned resource's history has
	DaysBefore int    `json:"days_before"`
}

// Summary is the cluster at a glance.
type Summary struct {
	Nodes int `json:"nodes"`
	// HistoryOnly is true when no cluster was to be read (a history
	// planned alone); with no node and not HistoryOnly, the cluster's
	// snapshot failed.
	HistoryOnly bool `json:"history_only,omitempty"`
	// Allocatable is of the nodes that take pods; NotCapacity names the
	// others (NotReady, cordoned or tainted NoSchedule).
	Allocatable collectors.Resources `json:"allocatable"`
	NotCapacity []string             `json:"not_capacity,omitempty"`
	// Requests are every pod's that holds resources, Unscheduled's
	// included.
	Requests    collectors.Resources    `json:"requests"`
	Unscheduled *collectors.Unscheduled `json:"unscheduled,omitempty"`
	Usage       *collectors.Resources   `json:"usage,omitempty"`
	// Namespaces are the pods' requests by namespace, for next week's
	// comparison.
	Namespaces []collectors.Namespace `json:"namespaces"`
	Ceph       *collectors.Ceph       `json:"ceph,omitempty"`
	// Claims are the volume claims of each storage class a Ceph pool
	// backs, and ClaimedBytes their sum: what the classes have promised
	// out of one shared space.
	Claims       []ClassClaims `json:"claims,omitempty"`
	ClaimedBytes int64         `json:"claimed_bytes,omitempty"`
}

// ClassClaims is what a storage class's claims request, and the pool
// that backs them.
type ClassClaims struct {
	Class          string `json:"storage_class"`
	Pool           string `json:"pool"`
	RequestedBytes int64  `json:"requested_bytes"`
}

// Resource is one projected resource: the numbers of the summary table and
// the crossings, with the source of its history and the forecasting method.
type Resource struct {
	Name      string  `json:"name"`
	Unit      string  `json:"unit"`
	Capacity  float64 `json:"capacity"`
	Today     float64 `json:"today"`
	TodayPeak float64 `json:"today_peak"`
	AtHorizon float64 `json:"at_horizon"`
	// AtHorizonPeak is the same of the forecast of daily peaks; absent
	// from reports before it was written, and then unknown.
	AtHorizonPeak float64 `json:"at_horizon_peak,omitempty"`
	// Band and PeakBand are the widths of the forecasts' 80% intervals at
	// the horizon's last day, of the means and of the peaks.
	Band        float64 `json:"band,omitempty"`
	PeakBand    float64 `json:"peak_band,omitempty"`
	HorizonDays int     `json:"horizon_days"`
	// ViewDays is how far the crossing dates look (12 months).
	ViewDays int `json:"view_days"`
	// HorizonError is the forecast's mean absolute error at the horizon
	// on earlier cuts of the history (BacktestOrigins of them).
	HorizonError    float64            `json:"horizon_error"`
	BacktestOrigins int                `json:"backtest_origins"`
	Crossings       []planner.Crossing `json:"crossings"`
	// Runway is the shortest runway of its thresholds in days; nil when
	// none is reached within the forecasts.
	Runway     *float64 `json:"runway_days"`
	Status     string   `json:"status"` // "critical", "warning", "ok"
	Source     string   `json:"source"`
	Method     string   `json:"method"`
	PeakMethod string   `json:"peak_method"`
	// Chart is the SVG's file name beside report.md; "" for a quiet
	// resource, whose Quiet says how near it comes instead.
	Chart string         `json:"chart"`
	Quiet *planner.Quiet `json:"quiet,omitempty"`
	// Daily and Monthly are the forecasts of the daily means (monthly: of
	// their monthly means), MonthlyPeak of the monthly highest daily peak,
	// with the 80% and 95% bounds.
	Daily       Steps    `json:"daily"`
	Monthly     Steps    `json:"monthly"`
	MonthlyPeak Steps    `json:"monthly_peak,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

// Point is one forecast step.
type Point struct {
	Date time.Time `json:"date"`
	Mean float64   `json:"mean"`
	Lo80 float64   `json:"lo80"`
	Hi80 float64   `json:"hi80"`
	Lo95 float64   `json:"lo95"`
	Hi95 float64   `json:"hi95"`
}

// points lays a forecast out step by step; bounds it lacks are left zero.
func points(times []time.Time, fc forecast.Forecast) Steps {
	out := make(Steps, 0, len(times))
	for k, t := range times {
		pt := Point{Date: t, Mean: fc.Mean[k]}
		for i, lv := range fc.Levels {
			switch lv {
			case 80:
				pt.Lo80, pt.Hi80 = fc.Lower[i][k], fc.Upper[i][k]
			case 95:
				pt.Lo95, pt.Hi95 = fc.Lower[i][k], fc.Upper[i][k]
			}
		}
		out = append(out, pt)
	}
	return out
}

// Input is everything a report is made from.
type Input struct {
	Snapshot        collectors.Snapshot
	History         collectors.History
	Plan            planner.Plan
	Options         []planner.Evaluation
	Recommendations []planner.Recommendation
	Timeline        []planner.Event
	Inventory       int
	Changes         []planner.Change
	Gaps            []Gap
	ComparedWith    string
	Generated       time.Time
	// Earlier are the reports before this one (a year of them at most),
	// whose forecasts and dates its track record checks.
	Earlier []Previous
}

// Build assembles report.json's content.
func Build(in Input) Report {
	s := in.Snapshot
	r := Report{
		Schema: Schema, Generated: in.Generated.UTC(), Date: in.Plan.Today.Format(time.DateOnly), Cluster: s.Cluster,
		NPlusOne: in.Plan.NPlusOne, Options: in.Options, Recommendations: in.Recommendations, Timeline: in.Timeline, Inventory: in.Inventory,
		Changes: in.Changes, Sources: s.Sources, Notes: s.Notes, Gaps: in.Gaps, ComparedWith: in.ComparedWith,
		Unknown: in.Plan.Unknown,
	}
	for _, n := range in.Plan.Notes {
		r.Notes = append(r.Notes, collectors.Note{Source: "planner", Message: n})
	}
	r.Growth = growth(in.Plan.Growth)
	r.Pools = pools(in.Plan.Pools)
	r.RightSizing = rightSizing(in.Plan.RightSizing)
	r.AboveRequests, r.LimitsOver = overruns(s)
	r.Summary.Nodes, r.Summary.Ceph, r.Summary.HistoryOnly = len(s.Nodes), s.Ceph, s.HistoryOnly
	r.Summary.Claims, r.Summary.ClaimedBytes = claims(s)
	var use collectors.Resources
	haveUse := len(s.Nodes) > 0
	for _, n := range s.Nodes {
		if n.TakesPods() {
			r.Summary.Allocatable = r.Summary.Allocatable.Add(n.Allocatable)
		} else {
			r.Summary.NotCapacity = append(r.Summary.NotCapacity, n.Name)
		}
		if n.Usage == nil {
			haveUse = false
		} else {
			use = use.Add(*n.Usage)
		}
	}
	for _, ns := range s.Namespaces {
		r.Summary.Requests = r.Summary.Requests.Add(ns.Requests)
		r.Summary.Namespaces = append(r.Summary.Namespaces, collectors.Namespace{Name: ns.Name, Pods: ns.Pods, Requests: ns.Requests, Limits: ns.Limits})
	}
	if u := s.Unscheduled; u.Pods > 0 {
		r.Summary.Unscheduled = &u
	}
	if r.Summary.Namespaces == nil {
		r.Summary.Namespaces = []collectors.Namespace{}
	}
	if haveUse {
		r.Summary.Usage = &use
	}
	for _, p := range in.Plan.Projections {
		res := Resource{
			Name: p.Resource, Unit: p.Unit, Capacity: p.Capacity, Today: p.Today, TodayPeak: p.TodayPeak,
			AtHorizon: p.AtHorizon, AtHorizonPeak: p.AtHorizonPeak, Band: p.Band, PeakBand: p.PeakBand, HorizonDays: len(p.Times), ViewDays: p.ViewDays, HorizonError: p.HorizonError, BacktestOrigins: p.BacktestOrigins,
			Crossings: p.Crossings, Status: "ok",
			Source: p.Source, Method: p.Method, PeakMethod: p.PeakMethod, Notes: p.Notes,
			Daily: points(p.Times, p.Mean), Monthly: points(p.Months, p.MonthlyMean),
			MonthlyPeak: points(p.Months, p.MonthlyPeak),
		}
		if q, ok := p.Quiet(); ok {
			res.Quiet = &q
		}
		for _, c := range p.Crossings {
			if d := c.RunwayDays; d != nil {
				// Whole days, as the crossing has them: 63, not 63.00000000000001.
				days := float64(*d)
				if res.Runway == nil || days < *res.Runway {
					res.Runway = &days
				}
			}
		}
		res.Status = planner.Status(p.Resource, in.Recommendations)
		r.Resources = append(r.Resources, res)
	}
	chartFiles(r.Resources)
	r.RightSizingGains = rightSizingGains(r.Resources, r.Options)
	r.Stale = stale(in.Plan)
	r.Track = track(in.Earlier, in.History, in.Plan.Today)
	// Empty lists stay lists in the JSON, as the schema says.
	if r.Options == nil {
		r.Options = []planner.Evaluation{}
	}
	if r.Recommendations == nil {
		r.Recommendations = []planner.Recommendation{}
	}
	if r.Timeline == nil {
		r.Timeline = []planner.Event{}
	}
	if r.Changes == nil {
		r.Changes = []planner.Change{}
	}
	if r.Gaps == nil {
		r.Gaps = []Gap{}
	}
	return r
}

// stale is the plan's history's end when it is before the day before the
// plan's day: the latest day any projection's history has.
func stale(p planner.Plan) *Stale {
	var through time.Time
	for _, pr := range p.Projections {
		if n := len(pr.History); n > 0 && pr.History[n-1].Date.After(through) {
			through = pr.History[n-1].Date
		}
	}
	days := int(math.Round(p.Today.Sub(through).Hours() / 24))
	if through.IsZero() || days <= 1 {
		return nil
	}
	return &Stale{Through: through.Format(time.DateOnly), DaysBefore: days}
}

// JSON renders report.json.
func (r Report) JSON() ([]byte, error) {
	// A report that planned nothing lists no resource and no gap, as
	// empty lists: the schema has no null for them.
	if r.Resources == nil {
		r.Resources = []Resource{}
	}
	if r.Gaps == nil {
		r.Gaps = []Gap{}
	}
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return nil, err
	}
	return append(oneLineArrays(b), '\n'), nil
}
