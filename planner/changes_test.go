package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// week is a plan of projections on day, with its recommendations.
func week(day time.Time, ps ...Projection) Week {
	p := Plan{Today: day, Projections: ps}
	return Week{Plan: p, Recommendations: Recommend(p, 12)}
}

func TestCompare(t *testing.T) {
	th := []Threshold{{Name: "CPU average", Fraction: 0.70}}
	early := growing()
	early.Days = early.Days[:len(early.Days)-7]
	lastWeek, err := project(early, 100, 0, th, today.AddDate(0, 0, -7), 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// The same growth a week later: the date stays 2027-02-10.
	same, err := project(growing(), 100, 0, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// Growth doubled in the last week: 0.25 a day.
	faster := growing()
	for i := range 7 {
		d := &faster.Days[len(faster.Days)-7+i]
		d.Mean = 59.125 + 0.25*float64(i+1)
	}
	fast, err := project(faster, 100, 0, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// 40 more cores of capacity: 98 is out of the daily horizon's reach.
	bigger, err := project(growing(), 140, 0, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	prevSnap := collectors.Snapshot{Namespaces: []collectors.Namespace{{Name: "web", Requests: collectors.Resources{CPUCores: 10}}, {Name: "db", Requests: collectors.Resources{CPUCores: 5}}}}
	curSnap := collectors.Snapshot{Namespaces: []collectors.Namespace{{Name: "web", Requests: collectors.Resources{CPUCores: 10}}, {Name: "db", Requests: collectors.Resources{CPUCores: 5}},
		{Name: "ml", Requests: collectors.Resources{CPUCores: 12}}}}
	before := week(today.AddDate(0, 0, -7), lastWeek)
	before.Snapshot = prevSnap

	if changes := Compare(before, Week{Plan: week(today, same).Plan, Snapshot: prevSnap, Recommendations: week(today, same).Recommendations}); len(changes) != 0 {
		t.Errorf("unchanged growth: %+v", changes)
	}
	for _, tc := range []struct {
		name string
		cur  Week
		want []string
	}{
		// Last week's forecast of this week's days was 59.25 to 60, mean
		// 59.625; they were 59.375 to 60.875, mean 60.125 (printed to even,
		// 60.12). The trend, from the last week's mean to the horizon's
		// last week: (70 - 58.75) / 90 = 0.125 a day, 3.805 a month
		// (printed 3.81), before; (82.625 - 60.125) / 90 = 0.25, 7.61
		// after. The date: 70 after 37 steps of 0.25 from 60.875,
		// 2026-12-29, 43 days before 2027-02-10; both 36 and 86 days away
		// are warnings.
		{"faster", Week{Plan: Plan{Today: today, Projections: []Projection{fast}}, Snapshot: curSnap, Recommendations: Recommend(Plan{Projections: []Projection{fast}}, 12)}, []string{
			"cpu/usage: CPU average threshold date moved by -43 days, from 2027-02-10 to 2026-12-29 | the last 7 days' mean 60.12 cores (last week's forecast of them 59.62 cores); " +
				"the trend of the daily means +7.61 cores a month (last week +3.81 cores a month)",
			"cpu/requests: the largest cpu request is now namespace ml (was web) | ",
			"namespaces: new namespace ml | ",
		}},
		// With 140 cores the 70% level, 98, is 38 above the last day's 60
		// at 0.125 a day: 304 days on, 2027-09-22, 303 days from today,
		// past the daily horizon: ok, from last week's warning. The level
		// and the trend are as last week's forecast had them.
		{"bigger", Week{Plan: Plan{Today: today, Projections: []Projection{bigger}}, Snapshot: prevSnap, Recommendations: Recommend(Plan{Projections: []Projection{bigger}}, 12)}, []string{
			"cpu/usage: now ok, last week warning | its soonest threshold, CPU average, on 2027-09-22, 303 days away: beyond the 90-day forecast; " +
				"last week its CPU average threshold on 2027-02-10, 86 days away (a warning within the 90-day forecast)",
			"cpu/usage: CPU average threshold date moved by +224 days, from 2027-02-10 to 2027-09-22 | capacity 140.00 cores (last week 100.00 cores)",
		}},
		{"unknown now", Week{Plan: Plan{Today: today, Unknown: []Unknown{{Resource: "cpu/usage", Reason: "prometheus: no data"}}}, Snapshot: prevSnap}, []string{
			"cpu/usage: now unknown, last week warning | prometheus: no data",
		}},
	} {
		var got []string
		for _, c := range Compare(before, tc.cur) {
			got = append(got, c.Resource+": "+c.What+" | "+c.Why)
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
	// Known again: last week unknown, a warning now (36 days away).
	back := Compare(Week{Plan: Plan{Today: today.AddDate(0, 0, -7), Unknown: []Unknown{{Resource: "cpu/usage", Reason: "prometheus: no data"}}}}, week(today, fast))
	if len(back) != 1 || back[0].What != "known again, warning" ||
		back[0].Why != "its CPU average threshold on 2026-12-29, 36 days away (a warning within the 90-day forecast); last week unknown: prometheus: no data" {
		t.Errorf("known again: %+v", back)
	}
}

// line is a projection from day on of a level and a trend a day, its
// daily forecast and its one future a straight line, with an 80% band 4
// cores wide, its last week's days at the level, looking 12 months ahead.
func line(day time.Time, level, slope float64) Projection {
	p := Projection{Resource: "cpu/usage", Unit: units.Cores, Capacity: 34.5, Today: level, TodayPeak: level + 8, Band: 4, PeakBand: 6,
		Method: "ETS(A,A,A)[7]", PeakMethod: "ETS(A,A,A)[7]", Source: "prometheus", ViewDays: 365, next: day}
	for k := range 90 {
		p.Times = append(p.Times, day.AddDate(0, 0, k))
		p.Mean.Mean = append(p.Mean.Mean, level+slope*float64(k+1))
		p.Peak.Mean = append(p.Peak.Mean, level+8+slope*float64(k+1))
	}
	p.AtHorizon, p.AtHorizonPeak = level+slope*87, level+8+slope*87
	p.meanPaths, p.peakPaths = [][]float64{make([]float64, 400)}, [][]float64{make([]float64, 400)}
	for k := range 400 {
		p.meanPaths[0][k], p.peakPaths[0][k] = level+slope*float64(k+1), level+8+slope*float64(k+1)
	}
	for d := range 7 {
		p.History = append(p.History, collectors.Day{Date: day.AddDate(0, 0, d-7), Mean: level, Peak: level + 8})
	}
	return p
}

// TestWhy: what a moved date is put down to, figure by figure, and which
// way each pushed it.
func TestWhy(t *testing.T) {
	lastMonday := today.AddDate(0, 0, -7)
	d := func(m time.Month, day int, y int) *time.Time { x := date(y, m, day); return &x }
	avg := func(date *time.Time, chance float64) Crossing {
		return Crossing{Threshold: Threshold{Name: "CPU average", Fraction: 0.7}, Level: 24.15, Date: date, Chance: chance}
	}
	peak := func(date *time.Time) Crossing {
		return Crossing{Threshold: Threshold{Name: "CPU peak", Fraction: 0.85, Peak: true}, Level: 29.325, Date: date, Chance: 0.9}
	}
	with := func(p Projection, f func(*Projection)) Projection { f(&p); return p }
	for _, tc := range []struct {
		name     string
		old, cur Projection
		o, c     Crossing
		want     string
	}{{
		// The path stays at 18.65 to 18.9, below 24.15: the futures'
		// spread dates it. Last week's forecast of this week was 18.49;
		// the level, the trend and the band all rose, each an earlier date:
		// they did not move it later.
		name: "spread, nothing that way",
		old:  line(lastMonday, 18.49, 0), cur: with(line(today, 18.65, 0.003), func(p *Projection) { p.Band = 4.4 }),
		o: avg(d(1, 27, 2027), 0.66), c: avg(d(6, 28, 2027), 0.62),
		want: "the forecast stays below 24.15 cores through 2027-06-28: the date is where the chance of having reached it is one half (a 62% chance within 12 months, last week 66%); " +
			"no level, trend, spread, capacity, model or source differs that way at the precision shown: the week's days moved the simulated futures; " +
			"against it: the last 7 days' mean 18.65 cores (last week's forecast of them 18.49 cores); the trend of the daily means +0.09 cores a month (last week +0.00 cores a month); " +
			"the 80% band of the daily means 4.40 cores wide at the horizon (last week 4.00 cores)",
	}, {
		// Trends that reach 24.15: last week 0.1 a day from 17.3, this week
		// 0.08 from 17.69 (2027-02-11). Both print as what the horizon's
		// last week is above the last week's level, a day: 87/90 of the
		// slope, 30.44 days a month: 2.94 and 2.35. The level is 0.01
		// below last week's forecast of it (17.7): a tenth of a day at
		// last week's trend, not a reason. The model changed: either way.
		name: "trend, a model, an immaterial level",
		old:  line(lastMonday, 17.3, 0.1), cur: with(line(today, 17.69, 0.08), func(p *Projection) { p.Method = "ETS(A,Ad,N)" }),
		o: avg(d(1, 24, 2027), 1), c: avg(d(2, 12, 2027), 1),
		want: "the trend of the daily means +2.35 cores a month (last week +2.94 cores a month); the model of the daily means ETS(A,Ad,N) (last week ETS(A,A,A)[7])",
	}, {
		// A peak threshold: the highest peak against the week before's;
		// last week's report has no trend of peaks (an earlier schema):
		// none is compared.
		name: "peak, no trend of peaks last week",
		old:  with(line(lastMonday, 18, 0.2), func(p *Projection) { p.AtHorizonPeak = 0 }), cur: with(line(today, 17, 0.2), func(p *Projection) { p.Source = "csv history.csv" }),
		o: peak(d(12, 20, 2026)), c: peak(d(1, 30, 2027)),
		want: "the last week's highest daily peak 25.00 cores (the week before's 26.00 cores); the history from csv history.csv (last week from prometheus)",
	}} {
		later := tc.c.Date.After(*tc.o.Date)
		if got := why(tc.old, tc.cur, tc.o, tc.c, later); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// TestCompareCrossings: what a crossing did since last week, and nothing
// for one past on both days (it used to "move by +7 days" every week).
func TestCompareCrossings(t *testing.T) {
	d := func(m time.Month, day int) *time.Time { x := date(2027, m, day); return &x }
	zero := 0
	past := Crossing{Threshold: Threshold{Name: "t"}, Already: true, Date: &today, RunwayDays: &zero}
	pastLastWeek := past
	pastLastWeek.Date = ptr(today.AddDate(0, 0, -7))
	on := func(x *time.Time) Crossing {
		return Crossing{Threshold: Threshold{Name: "t"}, Date: x, RunwayDays: ptr(int(x.Sub(today).Hours() / 24))}
	}
	never := Crossing{Threshold: Threshold{Name: "t"}}
	for _, tc := range []struct {
		old, cur Crossing
		want     string
	}{
		{pastLastWeek, past, ""},
		{on(d(1, 10)), past, "now past its t threshold (last week: on 2027-01-10)"},
		{pastLastWeek, on(d(1, 10)), "no longer past its t threshold: on 2027-01-10, runway 48 days"},
		{on(d(1, 10)), on(d(1, 10)), ""},
		// A date is a median of simulated futures: under a week is noise.
		{on(d(1, 10)), on(d(1, 16)), ""},
		{on(d(1, 10)), on(d(1, 17)), "t threshold date moved by +7 days, from 2027-01-10 to 2027-01-17"},
		{on(d(1, 10)), on(d(1, 3)), "t threshold date moved by -7 days, from 2027-01-10 to 2027-01-03"},
		{on(d(3, 1)), never, "no longer reaches its t threshold within the forecasts (last week: on 2027-03-01)"},
		{never, on(d(5, 1)), "now reaches its t threshold within the forecasts: on 2027-05-01, runway 159 days"},
		{never, never, ""},
	} {
		if got, _ := moved(tc.old, tc.cur); got != tc.want {
			t.Errorf("%s -> %s: %q, want %q", describe(tc.old), describe(tc.cur), got, tc.want)
		}
	}
}

func describe(c Crossing) string {
	switch {
	case c.Already:
		return "past"
	case c.Date != nil:
		return c.Date.Format(time.DateOnly)
	}
	return "never"
}

func ptr[T any](v T) *T { return &v }

func TestArticle(t *testing.T) {
	for in, want := range map[string]string{"1%": "a 1%", "8%": "an 8%", "11%": "an 11%", "18%": "an 18%", "50%": "a 50%", "83%": "an 83%", "100%": "a 100%"} {
		if got := article(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

// TestCompareComesAndGoes: a resource planned last week and neither
// planned nor unknown this week is said to be no longer planned, a pool
// with why (the pools are now shares of one space); one planned only this
// week is said to be new.
func TestCompareComesAndGoes(t *testing.T) {
	th := []Threshold{{Name: "storage expansion", Fraction: 0.70}}
	p, err := project(growing(), 100, 0, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	pool, quota := p, p
	pool.Resource, quota.Resource = "ceph/pool/rbd/stored", "namespace/data/cpu/requests"
	prev, cur := week(today.AddDate(0, 0, -7), p, pool), week(today, p, quota)
	cur.Plan.Pools = &Pools{}
	got := map[string]Change{}
	for _, c := range Compare(prev, cur) {
		got[c.Resource] = c
	}
	if c := got["ceph/pool/rbd/stored"]; !strings.HasPrefix(c.What, "no longer planned, last week ") || !strings.Contains(c.Why, "shares of one raw space") {
		t.Errorf("the pool: %+v", c)
	}
	if c := got["namespace/data/cpu/requests"]; !strings.HasPrefix(c.What, "planned from this week, ") {
		t.Errorf("the quota: %+v", c)
	}
	if c, ok := got[p.Resource]; ok {
		t.Errorf("a resource planned both weeks: %+v", c)
	}
}

// TestDecidesLeavesOutNPlusOne: what decides a resource's status is never
// an N+1 finding, which does not set it: an ok resource with one is ok for
// its own thresholds.
func TestDecidesLeavesOutNPlusOne(t *testing.T) {
	p, err := project(growing(), 1000, 0, []Threshold{{Name: "CPU average", Fraction: 0.70}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	recs := []Recommendation{{Severity: Warning, Resource: p.Resource, Threshold: nPlusOneThreshold, Message: "losing any one node: the peaks would not fit"}}
	if s := Status(p.Resource, recs); s != "ok" {
		t.Fatalf("status %s", s)
	}
	if got := decides(p, recs); strings.Contains(got, "losing") || !strings.HasPrefix(got, "no threshold reached") {
		t.Errorf("decides %q, want its own thresholds'", got)
	}
}
