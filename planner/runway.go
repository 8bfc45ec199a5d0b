package planner

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/units"
)

// futurer simulates the futures of a regular daily series: one path a
// row over opts.Horizon days. forecast.Futures is the one reports use;
// tests give exact ones, whose dates and bands can be computed by hand.
type futurer func(y []float64, opts forecast.PassageOptions) ([][]float64, error)

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
	// is 0.25 of the chance within the view, before the truth nine times
	// in ten on the runway benchmark.
	Earliest *time.Time `json:"earliest,omitempty"`
	// RunwayDays is the days from today to Date; nil without a Date.
	RunwayDays *int `json:"runway_days,omitempty"`
	// Chance is the chance that the level is reached within the view:
	// the share of the simulated futures that reach it, calibrated on the
	// runway benchmark.
	Chance float64 `json:"chance"`
	// Without is the crossing without the planned workloads; nil when
	// none adds to the resource.
	Without *Without `json:"without_planned,omitempty"`
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

	// The futures of the daily means and peaks, from the day after the
	// history's last (next), for dates at other capacities (options) and
	// the capacity needed.
	meanPaths, peakPaths [][]float64
	next                 time.Time
	// What the forecasts are read from again when the futures change
	// (planned workloads): the history's regular days, the daily
	// horizon and the ceiling (see project).
	histMeans, histPeaks []float64
	horizon              int
	ceiling              float64
}

// method names the forecast of every line and date: forecast.Futures'
// scenarios, their median and their bands.
const method = "simulated scenarios"

// project forecasts the daily means and peaks of s for horizon days after
// its last day, and their monthly means and maxima for months months after
// the last complete month, and finds when each threshold is crossed. today
// is the day the plan is made (runway counts from it); the history should
// end on the day before. A positive ceiling is the most the quantity can
// be at today's capacity (requests: what the nodes hold plus what
// unscheduled pods ask for): the forecasts stop there, while the futures
// behind dates at other capacities and the capacity needed do not, since
// with more room the same demand would be placed.
func project(s collectors.Series, capacity, ceiling float64, thresholds []Threshold, today time.Time, horizon, months int, futures futurer) (Projection, error) {
	p := Projection{Resource: s.Name, Unit: s.Unit, Capacity: capacity, Source: s.Source, History: s.Days}
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
	today = today.UTC().Truncate(24 * time.Hour)
	p.next = last.Date.AddDate(0, 0, 1)
	p.ViewDays = int(math.Round(float64(months) * DaysPerMonth))
	// The futures start the day after the history; today is usually
	// that day, and the view counts from today. They run to the end of
	// the view, of the daily horizon and of the monthly forecast's last
	// month, whichever is last.
	skip := max(0, int(math.Round(today.Sub(p.next).Hours()/24)))
	first := time.Date(last.Date.Year(), last.Date.Month(), 1, 0, 0, 0, 0, time.UTC)
	if p.next.Day() == 1 {
		first = p.next
	}
	p.Months = make([]time.Time, months)
	for k := range p.Months {
		p.Months[k] = first.AddDate(0, k, 0)
	}
	days := max(skip+p.ViewDays, horizon, int(math.Round(first.AddDate(0, months, 0).Sub(p.next).Hours()/24)))
	opts := forecast.PassageOptions{Horizon: days, Period: 7}
	if p.meanPaths, err = futures(means, opts); err != nil {
		return p, fmt.Errorf("%s: futures of the daily means: %w", s.Name, err)
	}
	if p.peakPaths, err = futures(peaks, opts); err != nil {
		return p, fmt.Errorf("%s: futures of the daily peaks: %w", s.Name, err)
	}
	// A quantity that has never been negative (cores, bytes) cannot
	// become so: its futures stop at zero.
	if !slices.ContainsFunc(means, func(v float64) bool { return v < 0 }) &&
		!slices.ContainsFunc(peaks, func(v float64) bool { return v < 0 }) {
		for _, paths := range [][][]float64{p.meanPaths, p.peakPaths} {
			for _, path := range paths {
				for k, v := range path {
					path[k] = math.Max(v, 0)
				}
			}
		}
	}
	p.Method, p.PeakMethod, p.MonthlyMethod, p.MonthlyPeakMethod = method, method, method, method
	p.histMeans, p.histPeaks, p.horizon, p.ceiling = means, peaks, horizon, ceiling
	if p.show() {
		held, beyond, counts := "what the nodes hold; no pod waits unscheduled today", "pods beyond it would wait unplaced", "the capacity needed and the options' dates count"
		switch waiting := ceiling - capacity; {
		case Namespaced(s.Name):
			// A namespace's requests are bounded by its quota.
			held, beyond, counts = "the namespace's quota", "the API server refuses pods beyond it", "the quota needed counts"
		case waiting > 0:
			held = fmt.Sprintf("what the nodes hold and the %s unscheduled pods ask for", units.Quantity(waiting, s.Unit))
		}
		p.Notes = append(p.Notes, fmt.Sprintf("Some futures go beyond %s (%s): the forecasts stop there, as %s; %s that demand", units.Quantity(ceiling, s.Unit), held, beyond, counts))
	}
	if err := p.backtest(means, horizon, futures); err != nil {
		return p, err
	}
	if len(means) < 90 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d days of history: dates months away rest on little evidence, as their \"as early as\" shows", len(means)))
	}
	p.Notes = append(p.Notes, shapeNotes(forecast.ShapeOf(means), s.Days[0].Date, s.Unit)...)
	p.Crossings = make([]Crossing, len(thresholds))
	for i, th := range thresholds {
		p.Crossings[i] = Crossing{Threshold: th, Level: th.Fraction * capacity}
	}
	p.reach(p.Crossings, 1, today)
	return p, nil
}

// below is paths with every value above ceiling set to it, copied where
// one was, and whether any was.
func below(paths [][]float64, ceiling float64) ([][]float64, bool) {
	var out [][]float64
	for i, path := range paths {
		if !slices.ContainsFunc(path, func(v float64) bool { return v > ceiling }) {
			continue
		}
		if out == nil {
			out = slices.Clone(paths)
		}
		row := make([]float64, len(path))
		for k, v := range path {
			row[k] = min(v, ceiling)
		}
		out[i] = row
	}
	if out == nil {
		return paths, false
	}
	return out, true
}

// show reads the daily and monthly forecasts off the futures, stopped at
// the ceiling when there is one, and says whether any future went beyond
// it.
func (p *Projection) show() bool {
	shownMeans, shownPeaks := p.meanPaths, p.peakPaths
	var meansOver, peaksOver bool
	if p.ceiling > 0 {
		shownMeans, meansOver = below(p.meanPaths, p.ceiling)
		shownPeaks, peaksOver = below(p.peakPaths, p.ceiling)
	}
	h := p.horizon
	p.Mean, p.Peak = daily(shownMeans, h), daily(shownPeaks, h)
	// The horizon's last week, as "now" is the history's: one day is a
	// weekday or not.
	p.AtHorizon = stat.Mean(p.Mean.Mean[h-min(7, h):], nil)
	p.AtHorizonPeak = stat.Mean(p.Peak.Mean[h-min(7, h):], nil)
	p.Band, p.PeakBand = band80(p.Mean), band80(p.Peak)
	p.Times = make([]time.Time, h)
	for k := range p.Times {
		p.Times[k] = p.next.AddDate(0, 0, k)
	}
	p.MonthlyMean = p.monthly(p.histMeans, shownMeans, func(v []float64) float64 { return stat.Mean(v, nil) })
	p.MonthlyPeak = p.monthly(p.histPeaks, shownPeaks, slices.Max[[]float64])
	return meansOver || peaksOver
}

// value is a day's mean, or its peak.
func value(d collectors.Day, peak bool) float64 {
	if peak {
		return d.Peak
	}
	return d.Mean
}

// daily is the first horizon days of the futures as a forecast: their
// median and bands, day by day.
func daily(paths [][]float64, horizon int) forecast.Forecast {
	values := make([][]float64, horizon)
	for k := range values {
		values[k] = make([]float64, len(paths))
		for i, path := range paths {
			values[k][i] = path[k]
		}
	}
	return forecast.Bands(values)
}

// monthly is the futures' months (p.Months) as a forecast, each month's
// days reduced by how (the mean of the daily means, the highest daily
// peak), the history's days counted where a month began before the
// futures.
func (p *Projection) monthly(history []float64, paths [][]float64, how func([]float64) float64) forecast.Forecast {
	values := make([][]float64, len(p.Months))
	var days []float64
	for k, m := range p.Months {
		from := int(math.Round(m.Sub(p.next).Hours() / 24))
		to := int(math.Round(m.AddDate(0, 1, 0).Sub(p.next).Hours() / 24))
		values[k] = make([]float64, len(paths))
		for i, path := range paths {
			days = days[:0]
			if from < 0 {
				days = append(days, history[max(0, len(history)+from):]...)
			}
			days = append(days, path[max(0, from):to]...)
			values[k][i] = how(days)
		}
	}
	return forecast.Bands(values)
}

// reach dates each crossing with the thresholds at scale times their
// level (a capacity grown by that factor): reached in the last week, or
// the first passage of the futures of the daily means (or peaks) over the
// view.
func (p Projection) reach(cs []Crossing, scale float64, today time.Time) {
	skip := max(0, int(math.Round(today.Sub(p.next).Hours()/24)))
	for _, peak := range []bool{false, true} {
		paths := p.meanPaths
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
		if peak {
			paths = p.peakPaths
		}
		ps := forecast.Passages(paths, levels, skip+p.ViewDays)
		recent := math.Inf(-1)
		for _, d := range p.History[len(p.History)-min(7, len(p.History)):] {
			recent = math.Max(recent, value(d, peak))
		}
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

// backtest measures the forecast's error at the horizon from up to two
// earlier origins, each leaving at least four weeks of history.
func (p *Projection) backtest(y []float64, h int, futures futurer) error {
	var sum float64
	for o := 1; o <= 2; o++ {
		end := len(y) - o*h
		if end < 4*7 {
			break
		}
		paths, err := futures(y[:end], forecast.PassageOptions{Horizon: h, Period: 7})
		if err != nil {
			return fmt.Errorf("%s: backtest from day %d: %w", p.Resource, end, err)
		}
		last := make([]float64, len(paths))
		for i, path := range paths {
			last[i] = path[h-1]
		}
		sum += math.Abs(y[end+h-1] - forecast.Bands([][]float64{last}).Mean[0])
		p.BacktestOrigins++
	}
	if p.BacktestOrigins > 0 {
		p.HorizonError = sum / float64(p.BacktestOrigins)
	} else {
		p.Notes = append(p.Notes, "history too short to measure the forecast's error at the horizon")
	}
	return nil
}

// quietDays is how much history a chart shows, and so how far back a
// resource must have stayed quiet not to need one.
const quietDays = 120

// Quiet is a resource that stays under half of every threshold through its
// last quietDays of history and its forecasts' 80% bands over the view:
// nothing to see on a chart. Highest is the nearest it comes, as a share
// of the threshold it comes nearest to, Threshold.
type Quiet struct {
	Highest   float64 `json:"highest"`
	Threshold string  `json:"threshold"`
}

// Quiet tells whether p is quiet, and how near it comes.
func (p Projection) Quiet() (Quiet, bool) {
	var q Quiet
	if len(p.Crossings) == 0 {
		return q, false
	}
	days := p.History[len(p.History)-min(quietDays, len(p.History)):]
	for _, c := range p.Crossings {
		daily, monthly := p.Mean, p.MonthlyMean
		if c.Peak {
			daily, monthly = p.Peak, p.MonthlyPeak
		}
		highest := math.Inf(-1)
		for _, d := range days {
			highest = max(highest, value(d, c.Peak))
		}
		for _, fc := range []forecast.Forecast{daily, monthly} {
			if i := slices.Index(fc.Levels, 80); i >= 0 && len(fc.Upper[i]) > 0 {
				highest = max(highest, slices.Max(fc.Upper[i]))
			}
		}
		if share := highest / c.Level; share > q.Highest || q.Threshold == "" {
			q.Highest, q.Threshold = share, c.Name
		}
	}
	return q, q.Highest < 0.5
}

// shapeNotes says what the daily means' course holds beside their trend:
// clean-ups and the growth between them, a step in the level. first is
// the day of means[0].
func shapeNotes(sh forecast.Shape, first time.Time, unit string) []string {
	var notes []string
	if sh.Steps > 0 {
		notes = append(notes, fmt.Sprintf("Changes in steps: %d in the history, the latest on %s; the futures take steps like them, as often",
			sh.Steps, first.AddDate(0, 0, sh.Last).Format(time.DateOnly)))
	}
	if n := len(sh.Cleanups); n >= 2 {
		last := first.AddDate(0, 0, sh.Cleanups[n-1])
		sign := "+"
		if sh.Between < 0 {
			sign = "-"
		}
		notes = append(notes, fmt.Sprintf("%d clean-ups in the last 90 days, the latest on %s; growth between them %s%s a day",
			n, last.Format(time.DateOnly), sign, units.Quantity(math.Abs(sh.Between), unit)))
	}
	if sh.Shift > 0 {
		sign := "+"
		if sh.ShiftSize < 0 {
			sign = "-"
		}
		notes = append(notes, fmt.Sprintf("The level stepped by %s%s on %s (the week after against the week before); the futures include the level after it going on",
			sign, units.Quantity(math.Abs(sh.ShiftSize), unit), first.AddDate(0, 0, sh.Shift).Format(time.DateOnly)))
	}
	return notes
}
