package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/planner"
)

// TestTrack: figures worked out by hand. One earlier report of
// 2026-10-01 forecast 10 cores flat, bands 9–11 (80%) and 8–12 (95%),
// for 100 days; what happened is 10 cores for 40 days, then 11.5, the
// last day 2026-11-29. It dated three crossings before 2026-11-30: one
// reached before its date, one after, one never.
func TestTrack(t *testing.T) {
	d0 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { d := d0.AddDate(0, 0, days); return &d }
	var daily Steps
	for k := range 100 {
		daily = append(daily, Point{Date: d0.AddDate(0, 0, k), Mean: 10, Lo80: 9, Hi80: 11, Lo95: 8, Hi95: 12})
	}
	cross := func(name string, level float64, date, early int) planner.Crossing {
		return planner.Crossing{Threshold: planner.Threshold{Name: name}, Level: level, Date: at(date), Earliest: at(early)}
	}
	earlier := []Previous{{Plan: planner.Plan{Today: d0}, Resources: []Resource{{Name: "cpu/usage", Unit: "cores", Daily: daily,
		Crossings: []planner.Crossing{
			cross("early", 11, 45, 35), // happens on day 40: by its date; as early as day 35 came first
			cross("late", 11, 30, 31),  // happens on day 40: later; day 31 came first
			cross("never", 12, 50, 45), // 11.5 never reaches 12
			{Threshold: planner.Threshold{Name: "past"}, Level: 1, Already: true}, // already reached: no prediction
		}}}}}
	s := collectors.Series{Name: "cpu/usage", Unit: "cores"}
	for k := 0; d0.AddDate(0, 0, k).Before(today); k++ {
		v := 10.0
		if k >= 40 {
			v = 11.5
		}
		s.Days = append(s.Days, collectors.Day{Date: d0.AddDate(0, 0, k), Mean: v, Peak: v})
	}
	tr := track(earlier, collectors.History{Series: []collectors.Series{s}}, today)
	// 60 days have come (2026-10-01 to 2026-11-29): 40 at 10 (inside
	// both bands), 20 at 11.5 (outside 80%, inside 95%).
	r := tr.Resources[0]
	if r.Days != 60 || r.Within80 != Figure(40.0/60) || r.Within95 != 1 || tr.Through != "2026-11-29" {
		t.Errorf("bands: %d days, %v and %v through %s; want 60, 0.6667, 1, 2026-11-29", r.Days, r.Within80, r.Within95, tr.Through)
	}
	// The 30th day (2026-10-30) was 10: no error; the 60th (2026-11-29)
	// was 11.5: 1.5; the 90th has not come.
	if len(r.Errors) != 2 || r.Errors[0] != (AheadError{30, 1, 0}) || r.Errors[1] != (AheadError{60, 1, 1.5}) {
		t.Errorf("errors %+v", r.Errors)
	}
	want := map[string][2]string{"early": {"by its date", "2026-11-10"}, "late": {"later", "2026-11-10"}, "never": {"not yet", ""}}
	if tr.Expected != 3 || tr.ByDate != 1 || tr.Later != 1 || tr.NotYet != 1 || tr.EarlyHeld != 2 {
		t.Errorf("crossings: %d expected, %d, %d, %d; %d early held", tr.Expected, tr.ByDate, tr.Later, tr.NotYet, tr.EarlyHeld)
	}
	for _, c := range tr.Crossings {
		if w := want[c.Threshold]; c.Outcome != w[0] || c.Happened != w[1] {
			t.Errorf("%s: %s on %q, want %s on %q", c.Threshold, c.Outcome, c.Happened, w[0], w[1])
		}
	}
	js, err := json.Marshal(tr)
	if err != nil || !strings.Contains(string(js), `"within80":0.6667`) {
		t.Errorf("JSON %s, %v", js, err)
	}
	if track(nil, collectors.History{}, today) != nil {
		t.Error("a track record without an earlier report")
	}
}
