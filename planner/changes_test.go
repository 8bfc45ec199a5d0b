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
	lastWeek, err := project(week, 100, th, today.AddDate(0, 0, -7), 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// The same growth a week later: the date stays 2027-02-10.
	same, err := project(growing(), 100, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// Growth doubled in the last week: 0.25 a day.
	faster := growing()
	for i := range 7 {
		d := &faster.Days[len(faster.Days)-7+i]
		d.Mean = 59.125 + 0.25*float64(i+1)
	}
	fast, err := project(faster, 100, th, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	// 40 more cores of capacity: 98 is out of the daily horizon's reach.
	bigger, err := project(growing(), 140, th, today, 90, 12, exact)
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
	// The growth rate is the forecast's from the last week's mean to the
	// horizon's last week, 90 days apart: (70.875 - 59.625) / 90 = 0.125
	// a day before (printed 0.12), (82.625 - 60.125) / 90 = 0.25 after.
	want := []string{
		"cpu/usage: CPU average threshold date moved by -43 days, from 2027-02-10 to 2026-12-29 | growth rate changed: 0.12 cores a day to 0.25 cores a day; new namespaces: [ml]",
		"cpu/requests: the largest cpu request is now namespace ml (was web) | ",
		"namespaces: new namespace ml | ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// With 140 cores the 70% level, 98, is 38 above the last day's 60 at
	// 0.125 a day: 304 days on, 2027-09-22, past the daily horizon and
	// dated all the same.
	grown := Compare(Plan{Today: today.AddDate(0, 0, -7), Projections: []Projection{lastWeek}}, Plan{Today: today, Projections: []Projection{bigger}}, prevSnap, prevSnap)
	if len(grown) != 1 || grown[0].What != "CPU average threshold date moved by +224 days, from 2027-02-10 to 2027-09-22" ||
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
		if got := moved(tc.old, tc.cur); got != tc.want {
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
