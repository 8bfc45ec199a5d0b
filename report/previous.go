package report

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/planner"
)

// Previous is an earlier week's report as later reports read it: for the
// week-over-week comparison, each resource's projection (capacity, last
// day, value at the horizon, crossings) and the namespaces' requests; for
// the track record, the resources as the report gave them (the daily
// forecasts with their bands) and its statuses.
type Previous struct {
	Plan     planner.Plan
	Snapshot collectors.Snapshot
	// Resources and Recommendations are the report's own (its plan's
	// Unknown too); Complete is false when a stage or a source of its run
	// failed.
	Resources       []Resource
	Recommendations []planner.Recommendation
	Complete        bool
}

// ReadPrevious reads an earlier report.json, of this schema or an earlier
// one, back into a Previous; name says which file, in errors.
func ReadPrevious(data []byte, name string) (Previous, error) {
	r, err := decode(data)
	if err != nil {
		return Previous{}, fmt.Errorf("previous report %s: %w", name, err)
	}
	if r.Schema != Schema && r.Schema != schemaV2 && r.Schema != schemaV1 {
		return Previous{}, fmt.Errorf("previous report %s: schema %q, this capplan reads %q, %q and %q", name, r.Schema, Schema, schemaV2, schemaV1)
	}
	day, err := time.Parse(time.DateOnly, r.Date)
	if err != nil {
		return Previous{}, fmt.Errorf("previous report %s: date %q: %w", name, r.Date, err)
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
			return Previous{}, fmt.Errorf("previous report %s: %w", name, err)
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
	plan := planner.Plan{Today: day, NPlusOne: r.NPlusOne, Unknown: r.Unknown}
	for _, res := range r.Resources {
		pr := planner.Projection{
			Resource: res.Name, Unit: res.Unit, Capacity: res.Capacity, Today: res.Today, TodayPeak: res.TodayPeak,
			AtHorizon: res.AtHorizon, AtHorizonPeak: res.AtHorizonPeak, Band: res.Band, PeakBand: res.PeakBand, Crossings: res.Crossings,
			Source: res.Source, Method: res.Method, PeakMethod: res.PeakMethod, ViewDays: res.ViewDays,
		}
		// The daily forecast of the means, without its bounds: what the
		// week after expected of its days. The horizon's length is what
		// the report says, with or without its steps.
		pr.Times = make([]time.Time, res.HorizonDays)
		if len(res.Daily) == res.HorizonDays {
			pr.Mean.Mean = make([]float64, len(res.Daily))
			for k, pt := range res.Daily {
				pr.Times[k], pr.Mean.Mean[k] = pt.Date, pt.Mean
			}
		}
		plan.Projections = append(plan.Projections, pr)
	}
	return Previous{Plan: plan, Snapshot: collectors.Snapshot{Namespaces: r.Summary.Namespaces},
		Resources: r.Resources, Recommendations: r.Recommendations, Complete: len(r.Gaps) == 0}, nil
}

// decode reads report.json in one pass: a year of reports is read back
// each week for the track record, and decoding each forecast's columns
// through Steps would take its bytes through a second pass. A report of
// schema v1, whose forecasts are lists of points, takes that way.
func decode(data []byte) (Report, error) {
	var fast struct {
		Report
		Resources []struct {
			Resource
			Daily   *columns[float64] `json:"daily"`
			Monthly *columns[float64] `json:"monthly"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &fast); err != nil {
		var r Report
		return r, json.Unmarshal(data, &r)
	}
	r := fast.Report
	r.Resources = make([]Resource, len(fast.Resources))
	for i, res := range fast.Resources {
		var err error
		r.Resources[i] = res.Resource
		if r.Resources[i].Daily, err = readSteps(res.Daily); err != nil {
			return r, fmt.Errorf("%s: daily: %w", res.Name, err)
		}
		if r.Resources[i].Monthly, err = readSteps(res.Monthly); err != nil {
			return r, fmt.Errorf("%s: monthly: %w", res.Name, err)
		}
	}
	return r, nil
}
