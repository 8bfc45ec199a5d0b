package planner

import (
	"strings"
	"testing"
	"time"
)

func TestRecommend(t *testing.T) {
	p, err := Project(growing(), 100, []Threshold{
		{Name: "CPU average", Fraction: 0.70},
		{Name: "already", Fraction: 0.50},
		{Name: "soon", Fraction: 0.62},
		{Name: "never", Fraction: 0.99},
	}, today, 90, 12, linear)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Today: today, Projections: []Projection{p}, NPlusOne: &NPlusOne{LostNode: "b",
		CPU:    Fit{Requests: 23, Remaining: 24, Fits: true, Headroom: 1},
		Memory: Fit{Requests: 70 * gib, Remaining: 64 * gib, Fits: false, Headroom: -6 * gib},
		Ceph:   &CephLoss{CanReplicate: false, Message: "with 3 hosts and 3 copies, losing one leaves 2"}}}
	recs := Recommend(plan, 0.2)
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Severity)+" "+r.Message)
	}
	want := []string{
		// Critical first, dated ones soonest first: already past (today),
		// 62 reached after 16 steps (2026-12-08, runway 15 days), then
		// the N+1 shortfall, which has no date.
		// Capacity needed: the forecast's highest value is the monthly one
		// twelve months past October, 55.375 + 12 x 26.75/7 = 101.232,
		// over the threshold's fraction, plus 20%.
		"critical cpu/usage is past its already threshold 50.00 cores (50% of 100.00 cores): 60.00 cores on the last day; to stay below it through the forecast with a 20% growth buffer: 242.96 cores of capacity (+142.96 cores)",
		"critical cpu/usage reaches its soon threshold 62.00 cores (62% of 100.00 cores) on 2026-12-08 (as early as 2026-11-23): 15 days of runway; to stay below it through the forecast with a 20% growth buffer: 195.93 cores of capacity (+95.93 cores)",
		"critical losing b leaves 64.0 GiB allocatable for 70.0 GiB requested: short by 6.0 GiB",
		"warning cpu/usage reaches its CPU average threshold 70.00 cores (70% of 100.00 cores) on 2027-02-10 (as early as 2027-01-01): 79 days of runway; to stay below it through the forecast with a 20% growth buffer: 173.54 cores of capacity (+73.54 cores)",
		"warning losing b: with 3 hosts and 3 copies, losing one leaves 2",
		// Monthly means: October 2026 (days 312-342) 55.375, March (98-128)
		// 28.625, so 3.8214 a month; 99 is 11.4 months past October.
		"info cpu/usage reaches its never threshold 99.00 cores (99% of 100.00 cores) in 2027-10, by the monthly forecast: 312 days of runway; to stay below it through the forecast with a 20% growth buffer: 122.71 cores of capacity (+22.71 cores)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSeverityFromTheRunway: a crossing is as severe as its runway is
// short, whichever forecast found it (monthly ones were always "info").
func TestSeverityFromTheRunway(t *testing.T) {
	month := func(m int) *time.Time { d := date(2026, 12, 1).AddDate(0, m, 0); return &d }
	p := Projection{Resource: "cpu/usage", Unit: "cores", Capacity: 100, Times: make([]time.Time, 60), Crossings: []Crossing{
		{Threshold: Threshold{Name: "in 8 days"}, Level: 70, Month: month(0)},   // 2026-12-01
		{Threshold: Threshold{Name: "in 39 days"}, Level: 80, Month: month(1)},  // 2027-01-01
		{Threshold: Threshold{Name: "in 159 days"}, Level: 90, Month: month(5)}, // 2027-05-01
	}}
	recs := Recommend(Plan{Today: today, Projections: []Projection{p}}, 0.2)
	want := map[string]Severity{"in 8 days": Critical, "in 39 days": Warning, "in 159 days": Info}
	days := map[string]int{"in 8 days": 8, "in 39 days": 39, "in 159 days": 159}
	for _, r := range recs {
		if r.Severity != want[r.Threshold] || r.Runway == nil || *r.Runway != days[r.Threshold] {
			t.Errorf("%s: %s, runway %v; want %s, %d days", r.Threshold, r.Severity, r.Runway, want[r.Threshold], days[r.Threshold])
		}
	}
}

// TestQuantityOfSmallBytes: below a GiB, MiB; "0.0 GiB" said nothing.
func TestQuantityOfSmallBytes(t *testing.T) {
	for v, want := range map[float64]string{
		21050049.59: "20.1 MiB", 369583691: "352.5 MiB", -5 << 20: "-5.0 MiB", 0: "0.0 GiB",
		1 << 30: "1.0 GiB", 1.5 * (1 << 40): "1.50 TiB",
	} {
		if got := Quantity(v, "bytes"); got != want {
			t.Errorf("Quantity(%v) = %q, want %q", v, got, want)
		}
	}
}
