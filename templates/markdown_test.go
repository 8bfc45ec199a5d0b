package templates

import (
	"strings"
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

// TestTrackCrossingOutcomes: each earlier crossing says what came of it,
// and whether its "as early as" came first or too late.
func TestTrackCrossingOutcomes(t *testing.T) {
	yes, no := true, false
	r := report.Report{Date: "2026-11-30", Track: &report.Track{Reports: 3, From: "2026-09-07", To: "2026-11-23", Through: "2026-11-29", Expected: 3, ByDate: 1, Later: 1, NotYet: 1, EarlyHeld: 1,
		Crossings: []report.TrackCrossing{
			{Report: "2026-11-23", Resource: "cpu/usage", Unit: "cores", Threshold: "CPU average", Level: 24.15, Date: "2026-11-25", Earliest: "2026-11-24", Outcome: "by its date", Happened: "2026-11-24", EarlyHeld: &yes},
			{Report: "2026-10-05", Resource: "cpu/usage", Unit: "cores", Threshold: "CPU peak", Peak: true, Level: 29.32, Date: "2026-10-20", Earliest: "2026-10-30", Outcome: "later", Happened: "2026-10-25", EarlyHeld: &no},
			{Report: "2026-09-07", Resource: "memory/usage", Unit: "bytes", Threshold: "memory average", Level: 1 << 40, Date: "2026-10-01", Outcome: "not yet"},
		}}}
	md, err := Markdown(r, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- 2026-11-23: cpu/usage CPU average at 24.15 cores by 2026-11-25: happened on 2026-11-24; as early as 2026-11-24, which came first\n",
		"- 2026-10-05: cpu/usage CPU peak (daily peak) at 29.32 cores by 2026-10-20: happened later, on 2026-10-25; as early as 2026-10-30, which came too late\n",
		"- 2026-09-07: memory/usage memory average at 1.00 TiB by 2026-10-01: has not happened\n",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
}
