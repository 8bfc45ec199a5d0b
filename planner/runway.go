package planner

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/forecast"
)

// forecaster forecasts a regular series. forecast.Predict is the one used
// for reports; tests inject exact ones so that planner rules can be checked
// against hand-computed dates.
type forecaster func(y []float64, opts forecast.Options) (forecast.Result, error)

// passer says when a regular series first reaches each level:
// forecast.FirstPassage for reports, exact stand-ins in tests.
type passer func(y []float64, levels []float64, opts forecast.PassageOptions) ([]forecast.Passage, error)

// forecasters are the forecaster of the lines drawn and the passer of the
// dates.
type forecasters struct {
	Forecast forecaster
	Passage  passer
}

// defaultModels are the ones reports use.
func defaultModels() forecasters {
	return forecasters{Forecast: forecast.Predict, Passage: forecast.FirstPassage}
}

// Threshold is a line a resource should stay below.
type Threshold struct {
	Name     string  `json:"name"`     // e.g. "CPU average"
	Fraction float64 `json:"fraction"` // of capacity
	Peak     bool    `json:"peak"`     // compared with daily peaks, not daily means
}

// Crossing is when a projection reaches a threshold.
type Crossing struct {
	Threshold
	Level float64 `json:"level"` // the threshold in the resource's unit
	// Already is true when a day of the last week was at or above it
	// (its daily mean, or its daily peak for a peak threshold).
	Already bool `json:"already"`
	// Date is the day by which the chance that a day has been at or
	// above the level is one half (forecast.FirstPassage); nil when the
	// chance within the view (12 months) is under one half.
	Date *time.Time `json:"date,omitempty"`
	// Earliest is the "as early as" date: the day by which the chance
	// is 0.3 of the chance within the view, before the truth nine times
	// in ten on the runway benchmark.
	Earliest *time.Time `json:"earliest,omitempty"`
	// RunwayDays is the days from today to Date; nil without a Date.
	RunwayDays *int `json:"runway_days,omitempty"`
	// Chance is the chance that the level is reached within the view:
	// the share of the simulated futures that reach it, calibrated on the
	// runway benchmark.
	Chance float64 `json:"chance"`
}

// DaysPerMonth is the mean month, in days: runways are told in months of
// it, and a view of months is that many days.
const DaysPerMonth = 30.44

// ViewMonths is a view of days in whole months, as reports name it.
func ViewMonths(days int) int { return int(math.Round(float64(days) / DaysPerMonth)) }

// RunwayMonths is the runway in months of DaysPerMonth days; nil without one.
func (c Crossing) RunwayMonths() *float64 {
	if c.RunwayDays == nil {
		return nil
	}
	m := float64(*c.RunwayDays) / DaysPerMonth
	return &m
}

// Projection is one resource's daily forecast against its capacity.
type Projection struct {
	Resource string  `json:"resource"`
	Unit     string  `json:"unit"`
	Capacity float64 `json:"capacity"`
	// Today is the mean of the last week's daily means (at most 7 days),
	// TodayPeak its highest daily peak: one day is a weekday or not.
	Today     float64 `json:"today"`
	TodayPeak float64 `json:"today_peak"`
	// ViewDays is how far the crossing dates look: the monthly
	// forecast's months of DaysPerMonth days.
	ViewDays int `json:"view_days"`
	// AtHorizon is the forecast's mean over the horizon's last week, of
	// the daily means; AtHorizonPeak the same of the daily peaks.
	AtHorizon     float64 `json:"at_horizon"`
	AtHorizonPeak float64 `json:"at_horizon_peak"`
	// Band and PeakBand are the widths of the 80% intervals at the
	// horizon's last day: how far the futures spread.
	Band     float64 `json:"band"`
	PeakBand float64 `json:"peak_band"`
	// Source is where the history came from (collectors.Series.Source).
	Source     string            `json:"source"`
	Method     string            `json:"method"`      // forecast of the daily means
	PeakMethod string            `json:"peak_method"` // forecast of the daily peaks
	Times      []time.Time       `json:"times"`
	Mean       forecast.Forecast `json:"mean"`
	Peak       forecast.Forecast `json:"peak"`
	// Months are the monthly forecast's months: of the means of the daily
	// means, and of the highest daily peak, with their methods.
	Months            []time.Time       `json:"months"`
	MonthlyMean       forecast.Forecast `json:"monthly_mean"`
	MonthlyPeak       forecast.Forecast `json:"monthly_peak"`
	MonthlyMethod     string            `json:"monthly_method,omitempty"`
	MonthlyPeakMethod string            `json:"monthly_peak_method,omitempty"`
	Crossings         []Crossing        `json:"crossings"`
	// HorizonError is the mean absolute error of the forecast of daily
	// means at the horizon's last day, measured by refitting on the history
	// cut back by one and by two horizons: the error a reader should expect
	// at that distance. BacktestOrigins says how many cuts the history
	// allowed (0: too short, and HorizonError is unknown).
	HorizonError    float64 `json:"horizon_error"`
	BacktestOrigins int     `json:"backtest_origins"`
	// RawPerUnit is, for Ceph quantities, the raw bytes one unit of the
	// resource takes (1 for raw use, the replication for stored data), so
	// that added raw capacity can be turned into added capacity here.
	RawPerUnit float64  `json:"raw_per_unit,omitempty"`
	Notes      []string `json:"notes,omitempty"`
	// History is the series' recorded days the projection was made from,
	// as the source gave them (before missing days were filled), for its
	// chart.
	History []collectors.Day `json:"-"`

	// The daily means and peaks, the day after the last and the passer,
	// for dates at other capacities (options).
	means, peaks []float64
	next         time.Time
	passage      passer
}

// project forecasts the daily means and peaks of s for horizon days after
// its last day, and their monthly means and maxima for months months after
// the last complete month, and finds when each threshold is crossed. today
// is the day the plan is made (runway counts from it); the history should
// end on the day before.
func project(s collectors.Series, capacity float64, thresholds []Threshold, today time.Time, horizon, months int, models forecasters) (Projection, error) {
	p := Projection{Resource: s.Name, Unit: s.Unit, Capacity: capacity, Source: s.Source, History: s.Days}
	fc := models.Forecast
	if len(s.Days) < 3 {
		return p, fmt.Errorf("%s: %d day(s) of history, need at least 3", s.Name, len(s.Days))
	}
	if !(capacity > 0) {
		return p, fmt.Errorf("%s: capacity %v, need a positive capacity to plan against", s.Name, capacity)
	}
	means, peaks, filled, err := regularDays(s)
	if err != nil {
		return p, err
	}
	if filled > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d missing day(s) filled by linear interpolation", filled))
	}
	last := s.Days[len(s.Days)-1]
	week := len(means) - min(7, len(means))
	p.Today, p.TodayPeak = stat.Mean(means[week:], nil), slices.Max(peaks[week:])
	opts := forecast.Options{Horizon: horizon, Periods: []int{7}}
	mean, err := fc(means, opts)
	if err != nil {
		return p, fmt.Errorf("%s: forecast of daily means: %w", s.Name, err)
	}
	peak, err := fc(peaks, opts)
	if err != nil {
		return p, fmt.Errorf("%s: forecast of daily peaks: %w", s.Name, err)
	}
	// A quantity that has never been negative (cores, bytes) cannot
	// become so: its forecast and bounds stop at zero.
	nonNegative := !slices.ContainsFunc(means, func(v float64) bool { return v < 0 }) &&
		!slices.ContainsFunc(peaks, func(v float64) bool { return v < 0 })
	if nonNegative {
		floor(&mean.Forecast)
		floor(&peak.Forecast)
	}
	p.Mean, p.Peak, p.Method, p.PeakMethod = mean.Forecast, peak.Forecast, mean.Method, peak.Method
	// The horizon's last week, as "now" is the history's: one day is a
	// weekday or not.
	p.AtHorizon = stat.Mean(mean.Mean[horizon-min(7, horizon):], nil)
	p.AtHorizonPeak = stat.Mean(peak.Mean[horizon-min(7, horizon):], nil)
	p.Band, p.PeakBand = band80(p.Mean), band80(p.Peak)
	p.Times = make([]time.Time, horizon)
	for k := range p.Times {
		p.Times[k] = last.Date.AddDate(0, 0, k+1)
	}
	if err := p.monthly(means, peaks, s.Days[0].Date, months, fc); err != nil {
		return p, err
	}
	if nonNegative {
		floor(&p.MonthlyMean)
		floor(&p.MonthlyPeak)
	}
	if err := p.backtest(means, opts, fc); err != nil {
		return p, err
	}
	today = today.UTC().Truncate(24 * time.Hour)
	p.ViewDays = int(math.Round(float64(months) * DaysPerMonth))
	p.means, p.peaks, p.next, p.passage = means, peaks, last.Date.AddDate(0, 0, 1), models.Passage
	if len(means) < 90 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d days of history: dates months away rest on little evidence, as their \"as early as\" shows", len(means)))
	}
	p.Crossings = make([]Crossing, len(thresholds))
	for i, th := range thresholds {
		p.Crossings[i] = Crossing{Threshold: th, Level: th.Fraction * capacity}
	}
	if err := p.reach(p.Crossings, 1, today); err != nil {
		return p, err
	}
	return p, nil
}

// reach dates each crossing with the thresholds at scale times their
// level (a capacity grown by that factor): reached in the last week, or
// the first passage of the daily means (or peaks) over the view.
func (p Projection) reach(cs []Crossing, scale float64, today time.Time) error {
	// The futures start the day after the history; today is usually
	// that day, and the view counts from today.
	skip := max(0, int(math.Round(today.Sub(p.next).Hours()/24)))
	for _, peak := range []bool{false, true} {
		y := p.means
		if peak {
			y = p.peaks
		}
		var idx []int
		var levels []float64
		for i, c := range cs {
			if c.Peak == peak {
				idx, levels = append(idx, i), append(levels, c.Fraction*p.Capacity*scale)
			}
		}
		if len(idx) == 0 {
			continue
		}
		ps, err := p.passage(y, levels, forecast.PassageOptions{Horizon: skip + p.ViewDays, Period: 7})
		if err != nil {
			return fmt.Errorf("%s: dates of the daily %s: %w", p.Resource, map[bool]string{false: "means", true: "peaks"}[peak], err)
		}
		recent := slices.Max(y[len(y)-min(7, len(y)):])
		for j, i := range idx {
			c := &cs[i]
			c.Already, c.Date, c.Earliest, c.RunwayDays, c.Chance = recent >= levels[j], nil, nil, nil, ps[j].Probability
			day := func(step int) *time.Time {
				if step < 0 {
					return nil
				}
				d := p.next.AddDate(0, 0, step)
				if d.Before(today) {
					d = today
				}
				return &d
			}
			if c.Already {
				zero := 0
				c.Date, c.Earliest, c.RunwayDays, c.Chance = &today, &today, &zero, 1
				continue
			}
			c.Date, c.Earliest = day(ps[j].Median), day(ps[j].Early)
			if c.Date != nil {
				days := int(math.Round(c.Date.Sub(today).Hours() / 24))
				c.RunwayDays = &days
			}
		}
	}
	return nil
}

// regularDays puts the series' means and peaks on consecutive days,
// filling missing days by linear interpolation (and counting them).
func regularDays(s collectors.Series) (means, peaks []float64, filled int, err error) {
	times := make([]time.Time, len(s.Days))
	m := make([]float64, len(s.Days))
	pk := make([]float64, len(s.Days))
	for i, d := range s.Days {
		times[i], m[i], pk[i] = d.Date, d.Mean, d.Peak
	}
	rm, err := forecast.Regularize(forecast.Series{Name: s.Name, Times: times, Values: m})
	if err != nil {
		return nil, nil, 0, err
	}
	if rm.Step.Duration != 24*time.Hour {
		return nil, nil, 0, fmt.Errorf("%s: history is not daily (step %s)", s.Name, rm.Step)
	}
	rp, err := forecast.Regularize(forecast.Series{Name: s.Name + " peaks", Times: times, Values: pk})
	if err != nil {
		return nil, nil, 0, err
	}
	return rm.Values, rp.Values, len(rm.Filled), nil
}

// band80 is the width of fc's 80% interval at its last step; 0 without one.
func band80(fc forecast.Forecast) float64 {
	i := slices.Index(fc.Levels, 80)
	if i < 0 || len(fc.Upper[i]) == 0 {
		return 0
	}
	k := len(fc.Upper[i]) - 1
	return fc.Upper[i][k] - fc.Lower[i][k]
}

// floor raises every value of fc below zero, mean and bounds, to zero.
func floor(fc *forecast.Forecast) {
	up := func(vs []float64) {
		for i, v := range vs {
			vs[i] = math.Max(v, 0)
		}
	}
	up(fc.Mean)
	for i := range fc.Lower {
		up(fc.Lower[i])
		up(fc.Upper[i])
	}
}

// monthly forecasts the monthly means of the daily means and the monthly
// maxima of the daily peaks, over complete months only (the first and
// last months of the history are usually partial), with a yearly season
// once two years are there. With fewer than three complete months it
// leaves the monthly forecast out and says so.
func (p *Projection) monthly(means, peaks []float64, start time.Time, months int, fc forecaster) error {
	day := forecast.Step{Duration: 24 * time.Hour}
	complete := func(values []float64, how forecast.Reducer) ([]float64, []time.Time, error) {
		buckets, err := forecast.Aggregate(forecast.Regular{Name: p.Resource, Start: start, Step: day, Values: values}, forecast.Monthly, how)
		if err != nil {
			return nil, nil, err
		}
		var v []float64
		var at []time.Time
		for _, b := range buckets {
			if b.Count == b.Start.AddDate(0, 1, -1).Day() {
				v, at = append(v, b.Value), append(at, b.Start)
			}
		}
		return v, at, nil
	}
	mm, at, err := complete(means, forecast.Mean)
	if err != nil {
		return fmt.Errorf("%s: %w", p.Resource, err)
	}
	mp, _, err := complete(peaks, forecast.Max)
	if err != nil {
		return fmt.Errorf("%s: %w", p.Resource, err)
	}
	if len(mm) < 3 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d complete month(s) of history: no monthly forecast", len(mm)))
		return nil
	}
	opts := forecast.Options{Horizon: months, Periods: []int{12}}
	mean, err := fc(mm, opts)
	if err != nil {
		return fmt.Errorf("%s: monthly forecast of means: %w", p.Resource, err)
	}
	peak, err := fc(mp, opts)
	if err != nil {
		return fmt.Errorf("%s: monthly forecast of peaks: %w", p.Resource, err)
	}
	p.MonthlyMean, p.MonthlyPeak = mean.Forecast, peak.Forecast
	p.MonthlyMethod, p.MonthlyPeakMethod = mean.Method, peak.Method
	p.Months = make([]time.Time, months)
	for k := range p.Months {
		p.Months[k] = at[len(at)-1].AddDate(0, k+1, 0)
	}
	return nil
}

// backtest measures the forecast's error at the horizon from up to two
// earlier origins, each leaving at least two seasons of history to fit.
func (p *Projection) backtest(y []float64, opts forecast.Options, fc forecaster) error {
	h := opts.Horizon
	var sum float64
	for o := 1; o <= 2; o++ {
		end := len(y) - o*h
		if end < 4*7 {
			break
		}
		r, err := fc(y[:end], opts)
		if err != nil {
			return fmt.Errorf("%s: backtest from day %d: %w", p.Resource, end, err)
		}
		sum += math.Abs(y[end+h-1] - r.Mean[h-1])
		p.BacktestOrigins++
	}
	if p.BacktestOrigins > 0 {
		p.HorizonError = sum / float64(p.BacktestOrigins)
	} else {
		p.Notes = append(p.Notes, "history too short to measure the forecast's error at the horizon")
	}
	return nil
}
