package planner

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestRecommend(t *testing.T) {
	p, err := project(growing(), 100, []Threshold{
		{Name: "CPU average", Fraction: 0.70},
		{Name: "already", Fraction: 0.50},
		{Name: "soon", Fraction: 0.62},
		{Name: "never", Fraction: 0.99},
	}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Today: today, Projections: []Projection{p}, NPlusOne: &NPlusOne{LostNode: "b",
		CPU:    Fit{Requests: 23, Remaining: 24, Fits: true, Headroom: 1},
		Memory: Fit{Requests: 70 * gib, Remaining: 64 * gib, Fits: false, Headroom: -6 * gib},
		Ceph:   &CephLoss{CanReplicate: false, Message: "with 3 hosts and 3 copies, losing one leaves 2"}}}
	recs := Recommend(plan, 12)
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Severity)+" "+r.Message)
	}
	// Capacity needed: the monthly means of the history (October 2026:
	// 55.375, its middle day's value; March: 28.625) go on by the stand-in
	// at (55.375 - 28.625) / 7 = 3.821 a month, to 101.23 in October 2027,
	// the 12th month of the forecast; over 0.5, 0.62, 0.7 and 0.99: 202.46,
	// 163.28, 144.62 and 102.25 cores.
	want := []string{
		// Critical first, dated ones soonest first: already past (today),
		// 62 reached after 16 steps (2026-12-08, runway 15 days), then
		// the N+1 shortfall, which has no date.
		// Capacity needed: the forecast's highest value is the monthly one
		// twelve months past October, 55.375 + 12 x 26.75/7 = 101.232,
		// over the threshold's fraction, plus 20%.
		"critical cpu/usage reached its already threshold 50.00 cores (50% of 100.00 cores) on a day of the last week: 59.62 cores on average over the last week; capacity to stay below it through 2027-10 by the monthly forecast of daily means (linear): 202.46 cores (+102.46 cores)",
		"critical cpu/usage reaches its soon threshold 62.00 cores (62% of 100.00 cores) on 2026-12-08 (as early as 2026-11-23): 15 days of runway; capacity to stay below it through 2027-10 by the monthly forecast of daily means (linear): 163.28 cores (+63.28 cores)",
		"critical losing b leaves 64.0 GiB allocatable for 70.0 GiB requested: short by 6.0 GiB",
		"warning cpu/usage reaches its CPU average threshold 70.00 cores (70% of 100.00 cores) on 2027-02-10 (as early as 2027-01-01): 79 days of runway; capacity to stay below it through 2027-10 by the monthly forecast of daily means (linear): 144.62 cores (+44.62 cores)",
		"warning losing b: with 3 hosts and 3 copies, losing one leaves 2",
		// Monthly means: October 2026 (days 312-342) 55.375, March (98-128)
		// 28.625, so 3.8214 a month; 99 is 11.4 months past October.
		"info cpu/usage reaches its never threshold 99.00 cores (99% of 100.00 cores) on 2027-09-30 (as early as 2027-08-21): 311 days of runway; capacity to stay below it through 2027-10 by the monthly forecast of daily means (linear): 102.25 cores (+2.25 cores)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSeverityFromTheRunway: a crossing is as severe as its runway is
// short, whichever forecast found it (monthly ones were always "info").
func TestSeverityFromTheRunway(t *testing.T) {
	on := func(days int) Crossing {
		d := today.AddDate(0, 0, days)
		return Crossing{Threshold: Threshold{Name: fmt.Sprintf("in %d days", days)}, Level: 70, Date: &d, Earliest: &d, RunwayDays: &days}
	}
	p := Projection{Resource: "cpu/usage", Unit: "cores", Capacity: 100, Times: make([]time.Time, 60), Crossings: []Crossing{on(8), on(39), on(159)}}
	recs := Recommend(Plan{Today: today, Projections: []Projection{p}}, 12)
	want := map[string]Severity{"in 8 days": Critical, "in 39 days": Warning, "in 159 days": Info}
	days := map[string]int{"in 8 days": 8, "in 39 days": 39, "in 159 days": 159}
	for _, r := range recs {
		if r.Severity != want[r.Threshold] || r.Runway == nil || *r.Runway != days[r.Threshold] {
			t.Errorf("%s: %s, runway %v; want %s, %d days", r.Threshold, r.Severity, r.Runway, want[r.Threshold], days[r.Threshold])
		}
	}
}

// TestNeededOnAShortHistory: without a monthly forecast the daily horizon
// is as far as capacity can be sized, and the message says so.
func TestNeededOnAShortHistory(t *testing.T) {
	s := growing()
	s.Days = s.Days[len(s.Days)-60:]
	p, err := project(s, 100, []Threshold{{Name: "CPU average", Fraction: 0.70}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	need, basis := needed(p, p.Crossings[0], 12)
	// 60 + 0.125 × 90 = 71.25 on the horizon's last day, over 0.7.
	if math.Abs(need-71.25/0.7) > 1e-9 || basis != "through 2027-02-20 by the daily forecast of daily means (linear); the history is too short for a 12-month forecast" {
		t.Errorf("%v %q", need, basis)
	}
}

// TestRecommendWhatMayCome: a threshold under even odds, but at a chance
// of one in ten or more within the view, is worth watching.
func TestRecommendWhatMayCome(t *testing.T) {
	early := date(2027, 2, 22)
	p := Projection{Resource: "memory/usage", Unit: "bytes", Capacity: 384 * gib, Times: make([]time.Time, 90), ViewDays: 365, Crossings: []Crossing{
		{Threshold: Threshold{Name: "memory peak", Fraction: 0.9, Peak: true}, Level: 0.9 * 384 * gib, Earliest: &early, Chance: 0.45},
		{Threshold: Threshold{Name: "never", Fraction: 0.99}, Level: 0.99 * 384 * gib},
	}}
	recs := Recommend(Plan{Today: today, Projections: []Projection{p}}, 12)
	want := "memory/usage may reach its memory peak threshold 345.6 GiB (90% of 384.0 GiB) within 12 months: a 45% chance, as early as 2027-02-22"
	if len(recs) != 1 || recs[0].Severity != Info || recs[0].Message != want || recs[0].Runway != nil {
		t.Errorf("%+v, want one info: %s", recs, want)
	}
}
