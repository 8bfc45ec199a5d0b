package planner

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/units"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// exact is one future: the last week's slope extrapolated exactly, so
// that dates can be computed by hand. Its one future reaches a level at a
// calibrated chance of 0.75 (it is one of one), and never at 0.31: the date
// and "as early as" are both the day the line gets there; its bands are
// the line itself.
func exact(y []float64, opts forecast.PassageOptions) ([][]float64, error) {
	n := len(y)
	slope := (y[n-1] - y[n-8]) / 7
	path := make([]float64, opts.Horizon)
	for k := range path {
		path[k] = y[n-1] + slope*float64(k+1)
	}
	return [][]float64{path}, nil
}

// growing is a year of daily history ending the day before today: means
// 14.5 + 0.125 d, reaching 60 on the last day; peaks 1.2 times the means.
func growing() collectors.Series {
	s := collectors.Series{Name: "cpu/usage", Unit: units.Cores}
	for d := range 365 {
		m := 14.5 + 0.125*float64(d)
		s.Days = append(s.Days, collectors.Day{Date: date(2026, 11, 22).AddDate(0, 0, d-364), Mean: m, Peak: 1.2 * m})
	}
	return s
}

func TestProjectCrossings(t *testing.T) {
	p, err := project(growing(), 100, 0, []Threshold{
		{Name: "average 70%", Fraction: 0.70},
		{Name: "peak 85%", Fraction: 0.85, Peak: true},
		{Name: "already", Fraction: 0.50},
		{Name: "far", Fraction: 0.99},
	}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// The linear stand-in is exact on a linear history: no error at the
	// horizon, measured from two earlier origins.
	if p.BacktestOrigins != 2 || p.HorizonError > 1e-9 {
		t.Errorf("backtest: %d origins, error %v; want 2 and 0", p.BacktestOrigins, p.HorizonError)
	}
	// "Now" is the last week: the mean of its daily means (59.25 to 60,
	// 59.625) and its highest daily peak (72); "in 90 days" the forecast's
	// last week, days 84 to 90 (70.5 to 71.25, 70.875).
	if p.Today != 59.625 || p.TodayPeak != 72 || p.AtHorizon != 70.875 || len(p.Times) != 90 || !p.Times[0].Equal(date(2026, 11, 23)) {
		t.Fatalf("today %v/%v, at horizon %v, %d steps from %s", p.Today, p.TodayPeak, p.AtHorizon, len(p.Times), p.Times[0])
	}
	check := func(c Crossing, date, earliest *time.Time, runway *int) {
		t.Helper()
		eq := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
		if !eq(c.Date, date) || !eq(c.Earliest, earliest) || (c.RunwayDays == nil) != (runway == nil) || (runway != nil && *c.RunwayDays != *runway) {
			t.Errorf("%s: date %v, earliest %v, runway %v; want %v, %v, %v", c.Name, c.Date, c.Earliest, deref(c.RunwayDays), date, earliest, deref(runway))
		}
	}
	ptr := func(v time.Time) *time.Time { return &v }
	days := func(v int) *int { return &v }
	// The mean reaches 70 after 80 steps (60 + 0.125 × 80): 2027-02-10,
	// 79 days from today; one future is the earliest too.
	check(p.Crossings[0], ptr(date(2027, 2, 10)), ptr(date(2027, 2, 10)), days(79))
	// Peaks grow 0.15 a day from 72: 85 after 87 steps (86.7 rounded up).
	check(p.Crossings[1], ptr(date(2027, 2, 17)), ptr(date(2027, 2, 17)), days(86))
	if c := p.Crossings[2]; !c.Already || *c.RunwayDays != 0 || !c.Date.Equal(today) {
		t.Errorf("already crossed: %+v", c)
	}
	// 99 is within the 12-month view: 312 steps on (see
	// TestProjectDatesBeyondTheDailyHorizon).
	check(p.Crossings[3], ptr(date(2027, 9, 30)), ptr(date(2027, 9, 30)), days(311))
	if m := p.Crossings[0].RunwayMonths(); m == nil || *m < 2.59 || *m > 2.6 {
		t.Errorf("runway %v months, want 79/30.44", m)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestProjectFillsGapsAndRejectsBadInput(t *testing.T) {
	s := growing()
	s.Days = append(s.Days[:200], s.Days[201:]...)
	p, err := project(s, 100, 0, nil, today, 30, 12, exact)
	if err != nil || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "1 missing day(s) filled") {
		t.Errorf("gap: error %v, notes %v", err, p.Notes)
	}
	for _, tc := range []struct {
		s        collectors.Series
		capacity float64
		want     string
	}{
		{growing(), 0, "cpu/usage: capacity 0"},
		{collectors.Series{Name: "ceph/stored", Days: growing().Days[:2]}, 10, "ceph/stored: 2 day(s) of history, need at least 3"},
	} {
		if _, err := project(tc.s, tc.capacity, 0, nil, today, 30, 12, exact); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// The real forecaster on a clean linear series finds the same date within
// a few days: the planner does not depend on the test's stand-in.
func TestProjectWithPredict(t *testing.T) {
	p, err := project(growing(), 100, 0, []Threshold{{Name: "average 70%", Fraction: 0.70}}, today, 90, 12, forecast.Futures)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Crossings[0]
	if c.Date == nil || c.Date.Sub(date(2027, 2, 10)).Abs() > 5*24*time.Hour {
		t.Errorf("%s: crossing %v, want about 2027-02-10", p.Method, c.Date)
	}
}

// Dates look 12 months ahead, past the daily forecast's horizon: the
// first passage is simulated day by day over the whole view.
func TestProjectDatesBeyondTheDailyHorizon(t *testing.T) {
	p, err := project(growing(), 100, 0, []Threshold{{Name: "far", Fraction: 0.99}, {Name: "beyond", Fraction: 1.2}}, today, 30, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	if p.ViewDays != 365 || len(p.Times) != 30 {
		t.Fatalf("view %d days, daily horizon %d; want 365 and 30", p.ViewDays, len(p.Times))
	}
	// 99 is 39 above the last day's 60 at 0.125 a day: 312 days on, the
	// 312th day from today (2026-11-23 + 311 = 2027-09-30), the one
	// future's "as early as" too.
	far, beyond := p.Crossings[0], p.Crossings[1]
	if far.Date == nil || !far.Date.Equal(date(2027, 9, 30)) || *far.RunwayDays != 311 || !far.Earliest.Equal(date(2027, 9, 30)) {
		t.Errorf("far: %v (runway %v, as early as %v), want 2027-09-30, 311 days, 2027-09-30", far.Date, deref(far.RunwayDays), far.Earliest)
	}
	// 120 would take 480 days: beyond the view.
	if beyond.Date != nil || beyond.RunwayDays != nil || beyond.Earliest != nil {
		t.Errorf("beyond: %+v", beyond)
	}
}

// TestProjectFloorsNonNegative: a shrinking quantity that was never
// negative is not forecast below zero, nor are its bounds; one that was
// negative keeps its forecast as it is.
func TestProjectFloorsNonNegative(t *testing.T) {
	s := collectors.Series{Name: "ceph/stored", Unit: units.Bytes}
	for d := range 300 {
		m := float64(300 - d) // 1 on the last day, then below zero
		s.Days = append(s.Days, collectors.Day{Date: date(2026, 11, 22).AddDate(0, 0, d-299), Mean: m, Peak: m})
	}
	p, err := project(s, 1000, 0, nil, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range []forecast.Forecast{p.Mean, p.Peak, p.MonthlyMean, p.MonthlyPeak} {
		if len(fc.Mean) == 0 {
			t.Fatal("no forecast")
		}
		for _, vs := range append(append([][]float64{fc.Mean}, fc.Lower...), fc.Upper...) {
			if slices.Min(vs) < 0 {
				t.Fatalf("a forecast of a never negative quantity goes to %v", slices.Min(vs))
			}
		}
	}
	// Day 2: 1 - 2 = -1, the one future and so its bands: floored to 0.
	if p.Mean.Mean[1] != 0 || p.Mean.Lower[1][1] != 0 || p.Mean.Upper[1][1] != 0 || p.AtHorizon != 0 {
		t.Errorf("day 2: %v [%v, %v], at the horizon %v", p.Mean.Mean[1], p.Mean.Lower[1][1], p.Mean.Upper[1][1], p.AtHorizon)
	}
	s.Days[0].Mean = -1
	p, err = project(s, 1000, 0, nil, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	if p.Mean.Lower[1][1] != -1 {
		t.Errorf("a quantity that was negative was floored: %v", p.Mean.Lower[1][1])
	}
}

func TestProjectCeiling(t *testing.T) {
	th := []Threshold{{Name: "average 70%", Fraction: 0.70}, {Name: "peak 85%", Fraction: 0.85, Peak: true}}
	free, err := project(growing(), 100, 0, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// The peaks reach 72 + 0.15 a day: 126.75 in a year, beyond 110.
	p, err := project(growing(), 100, 110, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	last := len(p.MonthlyPeak.Mean) - 1
	if got, was := p.MonthlyPeak.Mean[last], free.MonthlyPeak.Mean[last]; got != 110 || was <= 110 {
		t.Errorf("last month's highest peak %v (without a ceiling %v), want 110", got, was)
	}
	for _, fc := range []forecast.Forecast{p.Mean, p.Peak, p.MonthlyMean, p.MonthlyPeak} {
		for _, b := range slices.Concat([][]float64{fc.Mean}, fc.Upper) {
			if m := slices.Max(b); m > 110 {
				t.Errorf("a forecast reaches %v, above the ceiling", m)
			}
		}
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool {
		return strings.Contains(n, "beyond 110.00 cores (what the nodes hold and the 10.00 cores unscheduled pods ask for)")
	}) {
		t.Errorf("no note of the ceiling in %q", p.Notes)
	}
	// Dates and the capacity needed count the demand beyond it.
	for i, c := range p.Crossings {
		if !reflect.DeepEqual(c.Date, free.Crossings[i].Date) {
			t.Errorf("%s on %v, without a ceiling on %v", c.Name, c.Date, free.Crossings[i].Date)
		}
		got, _ := needed(p, c, today, 12)
		want, _ := needed(free, free.Crossings[i], today, 12)
		if got != want || (c.Peak && got*c.Fraction <= 110) {
			t.Errorf("%s: capacity needed %v, without a ceiling %v", c.Name, got, want)
		}
	}
}
