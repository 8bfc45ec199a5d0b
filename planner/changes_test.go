package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
)

func TestCompare(t *testing.T) {
	th := []Threshold{{Name: "CPU average", Fraction: 0.70}}
	week := growing()
	week.Days = week.Days[:len(week.Days)-7]
	lastWeek, err := Project(week, 100, th, today.AddDate(0, 0, -7), 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	// The same growth a week later: the date stays 2027-02-10.
	same, err := Project(growing(), 100, th, today, 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	// Growth doubled in the last week: 0.25 a day.
	faster := growing()
	for i := range 7 {
		d := &faster.Days[len(faster.Days)-7+i]
		d.Mean = 59.125 + 0.25*float64(i+1)
	}
	fast, err := Project(faster, 100, th, today, 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	// 40 more cores of capacity: 98 is out of the daily horizon's reach.
	bigger, err := Project(growing(), 140, th, today, 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	prevSnap := collectors.Snapshot{Namespaces: []collectors.Namespace{{Name: "web", Requests: collectors.Resources{CPUCores: 10}}, {Name: "db", Requests: collectors.Resources{CPUCores: 5}}}}
	curSnap := collectors.Snapshot{Namespaces: []collectors.Namespace{{Name: "web", Requests: collectors.Resources{CPUCores: 10}}, {Name: "db", Requests: collectors.Resources{CPUCores: 5}},
		{Name: "ml", Requests: collectors.Resources{CPUCores: 12}}}}

	if changes := Compare(Plan{Projections: []Projection{lastWeek}}, Plan{Projections: []Projection{same}}, prevSnap, prevSnap); len(changes) != 0 {
		t.Errorf("unchanged growth: %+v", changes)
	}
	changes := Compare(Plan{Projections: []Projection{lastWeek}}, Plan{Projections: []Projection{fast}}, prevSnap, curSnap)
	var got []string
	for _, c := range changes {
		got = append(got, c.Resource+": "+c.What+" | "+c.Why)
	}
	// 60.875 after the faster week (59.125 a week before), 0.25 a day: 70
	// after 37 steps (36.5), 2026-12-29, 43 days earlier than 2027-02-10.
	// The old slope, 0.125 a day, prints as 0.12.
	want := []string{
		"cpu/usage: CPU average threshold date moved by -43 days, from 2027-02-10 to 2026-12-29 | growth rate changed: 0.12 cores a day to 0.25 cores a day; new namespaces: [ml]",
		"cpu/requests: the largest cpu request is now namespace ml (was web) | ",
		"namespaces: new namespace ml | ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// With 140 cores the 70% level, 98, is past the daily horizon; the
	// monthly forecast reaches it in 2027-10, 312 days from 2026-11-23.
	grown := Compare(Plan{Today: today.AddDate(0, 0, -7), Projections: []Projection{lastWeek}}, Plan{Today: today, Projections: []Projection{bigger}}, prevSnap, prevSnap)
	if len(grown) != 1 || grown[0].What != "CPU average threshold now in 2027-10 by the monthly forecast, runway 312 days (last week: on 2027-02-10)" ||
		grown[0].Why != "capacity added: 100.00 cores to 140.00 cores" {
		t.Errorf("crossing left the daily horizon: %+v", grown)
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
	in := func(x *time.Time) Crossing { return Crossing{Threshold: Threshold{Name: "t"}, Month: x} }
	never := Crossing{Threshold: Threshold{Name: "t"}}
	for _, tc := range []struct {
		old, cur Crossing
		want     string
	}{
		{pastLastWeek, past, ""},
		{on(d(1, 10)), past, "now past its t threshold (last week: on 2027-01-10)"},
		{pastLastWeek, on(d(1, 10)), "no longer past its t threshold: on 2027-01-10, runway 48 days"},
		{on(d(1, 10)), on(d(1, 10)), ""},
		{in(d(3, 1)), in(d(4, 1)), "t threshold moved from 2027-03 to 2027-04 by the monthly forecast"},
		{in(d(3, 1)), in(d(3, 1)), ""},
		{in(d(3, 1)), never, "no longer reaches its t threshold within the forecasts (last week: in 2027-03 by the monthly forecast)"},
		{never, in(d(5, 1)), "now reaches its t threshold within the forecasts: in 2027-05 by the monthly forecast, runway 159 days"},
		{never, never, ""},
		{in(d(3, 1)), on(d(2, 1)), "t threshold now on 2027-02-01, runway 70 days (last week: in 2027-03 by the monthly forecast)"},
	} {
		if got := moved(tc.old, tc.cur, today); got != tc.want {
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
	case c.Month != nil:
		return c.Month.Format("2006-01")
	}
	return "never"
}

func ptr[T any](v T) *T { return &v }
