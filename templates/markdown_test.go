package templates

import (
	"testing"
	"time"

	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
)

// TestFirstThresholdIsTheSoonest: the summary's first threshold is the
// soonest crossing, not the first in the list that has a date.
func TestFirstThresholdIsTheSoonest(t *testing.T) {
	first := Funcs()["first"].(func(report.Resource) string)
	day := func(m time.Month, d int) *time.Time { t := time.Date(2027, m, d, 0, 0, 0, 0, time.UTC); return &t }
	for _, tc := range []struct {
		crossings []planner.Crossing
		want      string
	}{
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "average"}, Date: day(2, 10)}, {Threshold: planner.Threshold{Name: "peak"}, Date: day(1, 15)}}, "peak 2027-01-15"},
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "a"}, Date: day(1, 15)}, {Threshold: planner.Threshold{Name: "b"}, Date: day(1, 15)}}, "a 2027-01-15"},
		{[]planner.Crossing{{Threshold: planner.Threshold{Name: "never"}}}, "none within 12 months"},
	} {
		if got := first(report.Resource{Crossings: tc.crossings, ViewDays: 365}); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.crossings, got, tc.want)
		}
	}
}

// TestHowFarTheForecastsSee: "none" says how far the dates look, in
// months of the view.
func TestHowFarTheForecastsSee(t *testing.T) {
	funcs := Funcs()
	first := funcs["first"].(func(report.Resource) string)
	crossing := funcs["crossing"].(func(planner.Crossing, report.Resource) string)
	year := report.Resource{HorizonDays: 90, ViewDays: 365, Crossings: []planner.Crossing{{}}}
	half := report.Resource{HorizonDays: 90, ViewDays: 183, Crossings: []planner.Crossing{{}}}
	if got, want := first(year), "none within 12 months"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := crossing(planner.Crossing{}, half), "not within 6 months"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
