package planner

import (
	"fmt"
	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/config"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRecommend(t *testing.T) {
	p, err := project(growing(), 100, 0, []Threshold{
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
		"critical cpu/usage reached its already threshold 50.00 cores (50% of 100.00 cores) on a day of the last week: 59.62 cores on average over the last week; capacity to stay below it through 2027-11-22 (12 months) by the simulated futures of daily means: 211.25 cores (+111.25 cores)",
		"critical cpu/usage reaches its soon threshold 62.00 cores (62% of 100.00 cores) on 2026-12-08 (as early as 2026-12-08): 15 days of runway; capacity to stay below it through 2027-11-22 (12 months) by the simulated futures of daily means: 170.36 cores (+70.36 cores)",
		"critical losing b leaves 64.0 GiB allocatable for 70.0 GiB requested: short by 6.0 GiB",
		"warning cpu/usage reaches its CPU average threshold 70.00 cores (70% of 100.00 cores) on 2027-02-10 (as early as 2027-02-10): 79 days of runway; capacity to stay below it through 2027-11-22 (12 months) by the simulated futures of daily means: 150.89 cores (+50.89 cores)",
		"warning losing b: with 3 hosts and 3 copies, losing one leaves 2",
		// Monthly means: October 2026 (days 312-342) 55.375, March (98-128)
		// 28.625, so 3.8214 a month; 99 is 11.4 months past October.
		"info cpu/usage reaches its never threshold 99.00 cores (99% of 100.00 cores) on 2027-09-30 (as early as 2027-09-30): 311 days of runway; capacity to stay below it through 2027-11-22 (12 months) by the simulated futures of daily means: 106.69 cores (+6.69 cores)",
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

// TestNeededGivesTheTargetRunway: the capacity needed is sized by the
// futures the dates come from, through the target month, on a history of
// 60 days as on a longer one; with it, the runway is beyond the view.
func TestNeededGivesTheTargetRunway(t *testing.T) {
	s := growing()
	s.Days = s.Days[len(s.Days)-60:]
	p, err := project(s, 100, 0, []Threshold{{Name: "CPU average", Fraction: 0.70}}, today, 90, 12, exact)
	if err != nil {
		t.Fatal(err)
	}
	need, basis := needed(p, p.Crossings[0], today, 12)
	// The one future is 60 + 0.125 (k+1) on day k from 2026-11-23; twelve
	// months of 30.44 days are 365 days, to day 364 (2027-11-22): 105.625,
	// over 0.7.
	if math.Abs(need/(105.625/0.7)-1) > 1e-6 || basis != "through 2027-11-22 (12 months) by the simulated futures of daily means" {
		t.Errorf("%v %q", need, basis)
	}
	if days, beyond := runway(p, need, today, 365); !beyond {
		t.Errorf("with %v cores the runway is %v days, want beyond the 365 days", need, days)
	}
	// 0.999 of it: 0.7 × 150.74 = 105.52, reached on day 364 (105.625).
	if days, beyond := runway(p, 0.999*need, today, 365); beyond || days != 364 {
		t.Errorf("with a little less the runway is %v days (beyond %v), want 364", days, beyond)
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

// TestDemoNeededGivesTheTargetRunway: on the demo cluster, with the
// futures reports use, each recommendation's capacity needed, added to
// its resource, puts that threshold's runway beyond the target months,
// and a little less does not.
func TestDemoNeededGivesTheTargetRunway(t *testing.T) {
	snap, hist := demo.Cluster(1, today.Add(8*time.Hour))
	cfg := config.Default().Planner
	plan := Make(snap, hist, cfg, today)
	horizon := math.Round(float64(cfg.TargetMonths) * DaysPerMonth)
	checked := 0
	for _, r := range Recommend(plan, cfg.TargetMonths) {
		if r.Needed == 0 {
			continue
		}
		i := slices.IndexFunc(plan.Projections, func(p Projection) bool { return p.Resource == r.Resource })
		pr := plan.Projections[i]
		pr.Crossings = slices.DeleteFunc(slices.Clone(pr.Crossings), func(c Crossing) bool { return c.Name != r.Threshold })
		if days, beyond := runway(pr, r.Needed, today, horizon); !beyond {
			t.Errorf("%s %s: with %v the runway is %v days, want beyond %v", r.Resource, r.Threshold, r.Needed, days, horizon)
		}
		if days, beyond := runway(pr, 0.99*r.Needed, today, horizon); beyond {
			t.Errorf("%s %s: with 0.99 of %v the runway is %v days, want within %v", r.Resource, r.Threshold, r.Needed, days, horizon)
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("%d recommendations with a capacity needed, want the demo's 3 or more", checked)
	}
}

// TestNPlusOneRecommendations: what does not fit after losing a node is
// recommended on, with its figures: weekday peaks without room a warning,
// an average without room critical; a resource made unknown raises
// nothing.
func TestNPlusOneRecommendations(t *testing.T) {
	n := NPlusOne{LostNode: "b", CPU: fit(10, 16), Memory: fit(40*gib, 64*gib),
		CPUUse:    &UseFit{Days: 5, Mean: 12, Peak: 18, Remaining: 16, MeanFits: true},
		MemoryUse: &UseFit{Days: 5, Mean: 70 * gib, Peak: 80 * gib, Remaining: 64 * gib}}
	got := Recommend(Plan{Today: today, NPlusOne: &n}, 12)
	want := []string{
		"critical memory/usage losing b leaves 64.0 GiB allocatable, while memory in use on the last 5 weekdays was 70.0 GiB on average and 80.0 GiB at the highest daily peak: even the average would not fit",
		"warning cpu/usage losing b leaves 16.00 cores allocatable, while CPU in use on the last 5 weekdays was 12.00 cores on average and 18.00 cores at the highest daily peak: the peaks would not fit",
	}
	var lines []string
	for _, r := range got {
		lines = append(lines, string(r.Severity)+" "+r.Resource+" "+r.Message)
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// Losing a node is a finding of its own: the resources' statuses are
	// their runways'.
	if s := Status("memory/usage", got); s != "ok" {
		t.Errorf("memory/usage is %s by an N+1 finding, want ok", s)
	}
	got = Recommend(Plan{Today: today, NPlusOne: &n, Unknown: []Unknown{{Resource: "memory/usage", Reason: "stale"}}}, 12)
	if len(got) != 1 || got[0].Resource != "cpu/usage" {
		t.Errorf("with memory/usage unknown: %+v, want the CPU warning alone", got)
	}
}
