// Package templates renders a plan as a report: report.json (a versioned
// schema, docs/report.schema.json), report.md from text/template files
// (embedded, or from a directory to override them), and one SVG chart per
// resource.
package templates

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
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
	Schema          string                   `json:"schema"`
	Generated       time.Time                `json:"generated"`
	Date            string                   `json:"date"` // the plan's day, YYYY-MM-DD
	Cluster         string                   `json:"cluster"`
	Summary         Summary                  `json:"summary"`
	Resources       []Resource               `json:"resources"`
	NPlusOne        *planner.NPlusOne        `json:"n_plus_one,omitempty"`
	Options         []planner.Evaluation     `json:"options"`
	Recommendations []planner.Recommendation `json:"recommendations"`
	Timeline        []planner.Event          `json:"timeline"`
	Changes         []planner.Change         `json:"changes"`
	// ComparedWith is the date of the earlier report Changes are from.
	ComparedWith string            `json:"compared_with,omitempty"`
	Sources      map[string]string `json:"sources"`
	Notes        []collectors.Note `json:"notes"`
	// Gaps are the stages of the run that failed; the report stands on
	// what the others produced.
	Gaps      []Gap      `json:"gaps"`
	Narrative *Narrative `json:"narrative,omitempty"`
}

// Gap is a stage of the run that failed, and how.
type Gap struct {
	Stage string `json:"stage"`
	Error string `json:"error"`
}

// Narrative is the prose at the top of report.md: drafted by a language
// model and checked against the report's figures, or written from the plan
// by rules when no draft passed.
type Narrative struct {
	// Source is "ollama" or "deterministic".
	Source string `json:"source"`
	// Model wrote the text, when Source is "ollama".
	Model string `json:"model,omitempty"`
	Text  string `json:"text"`
	// Reason says why the deterministic narrative was published.
	Reason string `json:"reason,omitempty"`
	// Rejected are the claims of the model's drafts that no figure of the
	// report supports.
	Rejected []Claim `json:"rejected_claims,omitempty"`
}

// Claim is one number a draft stated, as written.
type Claim struct {
	Draft   int    `json:"draft"`
	Text    string `json:"text"`
	Problem string `json:"problem"`
}

// Summary is the cluster at a glance.
type Summary struct {
	Nodes int `json:"nodes"`
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
}

// Resource is one projected resource: the numbers of the summary table and
// the crossings, with the source of its history and the forecasting method.
type Resource struct {
	Name        string  `json:"name"`
	Unit        string  `json:"unit"`
	Capacity    float64 `json:"capacity"`
	Today       float64 `json:"today"`
	TodayPeak   float64 `json:"today_peak"`
	AtHorizon   float64 `json:"at_horizon"`
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
	Chart      string   `json:"chart"` // the SVG's file name beside report.md
	// Daily and Monthly are the forecasts of the daily means (monthly: of
	// their monthly means), with the 80% and 95% bounds.
	Daily   Steps    `json:"daily"`
	Monthly Steps    `json:"monthly"`
	Notes   []string `json:"notes,omitempty"`
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
	Changes         []planner.Change
	Gaps            []Gap
	ComparedWith    string
	Generated       time.Time
}

// Build assembles report.json's content.
func Build(in Input) Report {
	s := in.Snapshot
	r := Report{
		Schema: Schema, Generated: in.Generated.UTC(), Date: in.Plan.Today.Format(time.DateOnly), Cluster: s.Cluster,
		NPlusOne: in.Plan.NPlusOne, Options: in.Options, Recommendations: in.Recommendations, Timeline: in.Timeline,
		Changes: in.Changes, Sources: s.Sources, Notes: s.Notes, Gaps: in.Gaps, ComparedWith: in.ComparedWith,
	}
	for _, n := range in.Plan.Notes {
		r.Notes = append(r.Notes, collectors.Note{Source: "planner", Message: n})
	}
	r.Summary.Nodes, r.Summary.Ceph = len(s.Nodes), s.Ceph
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
	sources := map[string]string{}
	for _, hs := range in.History.Series {
		sources[hs.Name] = hs.Source
	}
	for _, p := range in.Plan.Projections {
		res := Resource{
			Name: p.Resource, Unit: p.Unit, Capacity: p.Capacity, Today: p.Today, TodayPeak: p.TodayPeak,
			AtHorizon: p.AtHorizon, HorizonDays: len(p.Times), ViewDays: p.ViewDays, HorizonError: p.HorizonError, BacktestOrigins: p.BacktestOrigins,
			Crossings: p.Crossings, Status: "ok",
			Source: sources[p.Resource], Method: p.Method, PeakMethod: p.PeakMethod, Notes: p.Notes,
			Daily: points(p.Times, p.Mean), Monthly: points(p.Months, p.MonthlyMean),
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
		for _, rec := range in.Recommendations {
			if rec.Resource == p.Resource && statusRank(string(rec.Severity)) < statusRank(res.Status) {
				res.Status = string(rec.Severity)
			}
		}
		if res.Status == "info" {
			res.Status = "ok"
		}
		r.Resources = append(r.Resources, res)
	}
	chartFiles(r.Resources)
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

func statusRank(s string) int { return slices.Index([]string{"critical", "warning", "info", "ok"}, s) }

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

// generatedLine is report.json's time of writing, as JSON writes it.
var generatedLine = regexp.MustCompile(`(?m)^ "generated": "[^"]*",\n`)

// Ungenerated is report.json without the time it was written: the one
// line a rerun on the same data changes.
func Ungenerated(reportJSON []byte) []byte {
	return generatedLine.ReplaceAll(reportJSON, nil)
}

// Previous reads an earlier report.json back into what the week-over-week
// comparison needs: each resource's projection (capacity, last day, value
// at the horizon, crossings) and the namespaces' requests.
func Previous(data []byte, name string) (planner.Plan, collectors.Snapshot, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return planner.Plan{}, collectors.Snapshot{}, fmt.Errorf("previous report %s: %w", name, err)
	}
	if r.Schema != Schema && r.Schema != schemaV2 && r.Schema != schemaV1 {
		return planner.Plan{}, collectors.Snapshot{}, fmt.Errorf("previous report %s: schema %q, this capplan reads %q, %q and %q", name, r.Schema, Schema, schemaV2, schemaV1)
	}
	day, err := time.Parse(time.DateOnly, r.Date)
	if err != nil {
		return planner.Plan{}, collectors.Snapshot{}, fmt.Errorf("previous report %s: date %q: %w", name, r.Date, err)
	}
	if r.Schema != Schema {
		// A crossing an earlier schema dated by its month counted its
		// runway to the month's first day: so it is compared.
		var old struct {
			Resources []struct {
				Crossings []struct {
					Month *time.Time `json:"month"`
				} `json:"crossings"`
			} `json:"resources"`
		}
		if err := json.Unmarshal(data, &old); err != nil {
			return planner.Plan{}, collectors.Snapshot{}, fmt.Errorf("previous report %s: %w", name, err)
		}
		for i, res := range old.Resources {
			for j, c := range res.Crossings {
				if x := &r.Resources[i].Crossings[j]; c.Month != nil && x.Date == nil {
					days := int(math.Round(c.Month.Sub(day).Hours() / 24))
					x.Date, x.RunwayDays = c.Month, &days
				}
			}
		}
	}
	plan := planner.Plan{Today: day}
	for _, res := range r.Resources {
		plan.Projections = append(plan.Projections, planner.Projection{
			Resource: res.Name, Unit: res.Unit, Capacity: res.Capacity, Today: res.Today, TodayPeak: res.TodayPeak,
			AtHorizon: res.AtHorizon, Crossings: res.Crossings,
			// Only the horizon's length is compared, not its days.
			Times: make([]time.Time, res.HorizonDays),
		})
	}
	return plan, collectors.Snapshot{Namespaces: r.Summary.Namespaces}, nil
}

// maxChartName bounds the part of a chart's file name taken from the
// resource, well inside the 255 bytes file systems allow.
const maxChartName = 100

// ChartFile is the name of a resource's chart beside report.md: letters,
// digits, '-' and '_' of the resource's name, every other byte a '-', so
// that no name from the cluster ('../x', a slash, a NUL) leaves the
// report's directory.
func ChartFile(resource string) string {
	out := []byte{}
	for _, c := range []byte(resource) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			out = append(out, c)
		default:
			out = append(out, '-')
		}
	}
	if len(out) > maxChartName {
		out = out[:maxChartName]
	}
	return "chart-" + string(out) + ".svg"
}

// chartFiles names each resource's chart, a number added where two names
// map to the same file (pools "a.b" and "a-b").
func chartFiles(resources []Resource) {
	used := map[string]bool{}
	for i := range resources {
		name := ChartFile(resources[i].Name)
		for n := 2; used[name]; n++ {
			name = strings.TrimSuffix(ChartFile(resources[i].Name), ".svg") + fmt.Sprintf("-%d.svg", n)
		}
		used[name] = true
		resources[i].Chart = name
	}
}
