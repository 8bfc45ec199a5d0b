package planner

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/forecast"
)

// Forecaster forecasts a regular series. forecast.Predict is the one used
// for reports; tests inject exact ones so that planner rules can be checked
// against hand-computed dates.
type Forecaster func(y []float64, opts forecast.Options) (forecast.Result, error)

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
	// Already is true when the last day is at or above it.
	Already bool `json:"already"`
	// Date is the first day the forecast (mean of the daily means, or of
	// the daily peaks) reaches the level; nil beyond the horizon.
	Date *time.Time `json:"date,omitempty"`
	// Earliest is the first day the upper bound of the 80% interval does:
	// the "as early as" date.
	Earliest *time.Time `json:"earliest,omitempty"`
	// RunwayDays is the days from today to Date; nil beyond the horizon.
	RunwayDays *int `json:"runway_days,omitempty"`
	// Month is, when the daily horizon does not reach the level, the first
	// month whose monthly forecast does; nil when neither does.
	Month *time.Time `json:"month,omitempty"`
}

// Runway is the runway in whole days: the daily crossing's, or else the
// days to the first day of the monthly one; nil when neither horizon
// reaches the level.
func (c Crossing) Runway(today time.Time) *int {
	var days int
	switch {
	case c.RunwayDays != nil:
		days = *c.RunwayDays
	case c.Month != nil:
		days = max(0, int(math.Round(c.Month.Sub(today).Hours()/24)))
	default:
		return nil
	}
	return &days
}

// RunwayMonths is Runway in months of 30.44 days.
func (c Crossing) RunwayMonths(today time.Time) *float64 {
	days := c.Runway(today)
	if days == nil {
		return nil
	}
	m := float64(*days) / 30.44
	return &m
}

// Projection is one resource's daily forecast against its capacity.
type Projection struct {
	Resource string  `json:"resource"`
	Unit     string  `json:"unit"`
	Capacity float64 `json:"capacity"`
	// Today and TodayPeak are the last day's mean and peak.
	Today     float64 `json:"today"`
	TodayPeak float64 `json:"today_peak"`
	// AtHorizon is the forecast mean at the end of the horizon.
	AtHorizon  float64           `json:"at_horizon"`
	Method     string            `json:"method"`      // forecast of the daily means
	PeakMethod string            `json:"peak_method"` // forecast of the daily peaks
	Times      []time.Time       `json:"times"`
	Mean       forecast.Forecast `json:"mean"`
	Peak       forecast.Forecast `json:"peak"`
	// Months are the monthly forecast's months: of the means of the daily
	// means, and of the highest daily peak.
	Months      []time.Time       `json:"months"`
	MonthlyMean forecast.Forecast `json:"monthly_mean"`
	MonthlyPeak forecast.Forecast `json:"monthly_peak"`
	Crossings   []Crossing        `json:"crossings"`
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
}

// Project forecasts the daily means and peaks of s for horizon days after
// its last day, and their monthly means and maxima for months months after
// the last complete month, and finds when each threshold is crossed. today
// is the day the plan is made (runway counts from it); the history should
// end on the day before.
func Project(s collectors.Series, capacity float64, thresholds []Threshold, today time.Time, horizon, months int, fc Forecaster) (Projection, error) {
	p := Projection{Resource: s.Name, Unit: s.Unit, Capacity: capacity}
	if len(s.Days) < 2 {
		return p, fmt.Errorf("%s: %d day(s) of history, need at least 2", s.Name, len(s.Days))
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
	p.Today, p.TodayPeak = last.Mean, last.Peak
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
	p.AtHorizon = mean.Mean[len(mean.Mean)-1]
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
	for _, th := range thresholds {
		c := Crossing{Threshold: th, Level: th.Fraction * capacity}
		already, day, month := p.reach(th.Peak, c.Level)
		c.Already = already
		if day != nil {
			c.Date = day
			days := max(0, int(math.Round(day.Sub(today).Hours()/24)))
			c.RunwayDays = &days
		} else {
			c.Month = month
		}
		daily, _ := p.lines(th.Peak)
		if x, ok := forecast.FirstCrossing(daily, p.Times, forecast.Bound{Level: 80, Upper: true}, c.Level, true); ok {
			c.Earliest = &x.Time
		}
		if c.Already {
			zero := 0
			c.RunwayDays, c.Date, c.Earliest = &zero, &today, &today
		}
		p.Crossings = append(p.Crossings, c)
	}
	return p, nil
}

// lines returns the daily and monthly forecasts a threshold is compared
// with: those of the daily means, or of the daily peaks.
func (p Projection) lines(peak bool) (daily, monthly forecast.Forecast) {
	if peak {
		return p.Peak, p.MonthlyPeak
	}
	return p.Mean, p.MonthlyMean
}

// reach says whether the last day was already at or above level, and else
// the first day the daily forecast reaches it or, failing that, the first
// month the monthly forecast does (nil when neither does).
func (p Projection) reach(peak bool, level float64) (already bool, day, month *time.Time) {
	last := p.Today
	if peak {
		last = p.TodayPeak
	}
	daily, monthly := p.lines(peak)
	if x, ok := forecast.FirstCrossing(daily, p.Times, forecast.Bound{}, level, true); ok {
		day = &x.Time
		return last >= level, day, nil
	}
	// The monthly forecast speaks only of the months the daily one does
	// not cover: a month that starts inside the daily horizon was seen day
	// by day, and the daily forecast stayed below the level.
	first := 0
	if n := len(p.Times); n > 0 {
		for first < len(p.Months) && !p.Months[first].After(p.Times[n-1]) {
			first++
		}
	}
	if first < len(p.Months) {
		if x, ok := forecast.FirstCrossing(after(monthly, first), p.Months[first:], forecast.Bound{}, level, true); ok {
			month = &x.Time
		}
	}
	return last >= level, nil, month
}

// after is fc from step k on.
func after(fc forecast.Forecast, k int) forecast.Forecast {
	out := forecast.Forecast{Levels: fc.Levels, Mean: fc.Mean[k:]}
	for i := range fc.Lower {
		out.Lower = append(out.Lower, fc.Lower[i][k:])
		out.Upper = append(out.Upper, fc.Upper[i][k:])
	}
	return out
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
func (p *Projection) monthly(means, peaks []float64, start time.Time, months int, fc Forecaster) error {
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
	p.Months = make([]time.Time, months)
	for k := range p.Months {
		p.Months[k] = at[len(at)-1].AddDate(0, k+1, 0)
	}
	return nil
}

// backtest measures the forecast's error at the horizon from up to two
// earlier origins, each leaving at least two seasons of history to fit.
func (p *Projection) backtest(y []float64, opts forecast.Options, fc Forecaster) error {
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
