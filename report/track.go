package report

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
)

// Track is a report's track record: what earlier reports forecast and
// dated, against the history that has since come in. Every figure is
// measured on days the history holds, up to the day before the report.
type Track struct {
	// Reports are the earlier reports looked at, From the oldest To the
	// newest (YYYY-MM-DD).
	Reports int    `json:"reports"`
	From    string `json:"from"`
	To      string `json:"to"`
	// Through is the last day the history holds: no figure looks past it.
	Through   string          `json:"through"`
	Resources []TrackResource `json:"resources"`
	Crossings []TrackCrossing `json:"crossings"`
	// The crossings earlier reports dated by Through: happened by their
	// date, later, or not yet; and of those that happened, how many had
	// their "as early as" on or before the day they did.
	Expected  int `json:"expected"`
	ByDate    int `json:"by_date"`
	Later     int `json:"later"`
	NotYet    int `json:"not_yet"`
	EarlyHeld int `json:"early_held"`
	// Within80 and Within95 are the shares of the forecast days since the
	// earlier reports (every resource, every report) whose daily mean fell
	// inside the 80% and 95% bands; Days how many such days there were.
	Days     int    `json:"days"`
	Within80 Figure `json:"within80"`
	Within95 Figure `json:"within95"`
}

// TrackResource is one resource's record over the earlier reports.
type TrackResource struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
	// Errors are the mean absolute errors of the earlier forecasts of
	// daily means at 30, 60 and 90 days ahead, where that much time has
	// passed.
	Errors   []AheadError `json:"errors"`
	Days     int          `json:"days"`
	Within80 Figure       `json:"within80"`
	Within95 Figure       `json:"within95"`
}

// AheadError is the error of the forecasts' Ahead-th day: the mean of
// |forecast - the day's mean| over the Reports whose Ahead-th day the
// history holds.
type AheadError struct {
	Ahead   int    `json:"days_ahead"`
	Reports int    `json:"reports"`
	Error   Figure `json:"error"`
}

// TrackCrossing is a crossing an earlier report dated, and what happened:
// the first day from the report's on whose daily mean (daily peak, for a
// peak threshold) reached the level.
type TrackCrossing struct {
	Report    string `json:"report"`
	Resource  string `json:"resource"`
	Unit      string `json:"unit"`
	Threshold string `json:"threshold"`
	Peak      bool   `json:"peak"`
	Level     Figure `json:"level"`
	Date      string `json:"date"`
	Earliest  string `json:"earliest,omitempty"`
	// Outcome is "by its date", "later" or "not yet"; Happened the day it
	// did, and EarlyHeld whether "as early as" was on or before it.
	Outcome   string `json:"outcome"`
	Happened  string `json:"happened,omitempty"`
	EarlyHeld *bool  `json:"early_held,omitempty"`
}

// Figure is a measured number, written to four significant digits.
type Figure float64

// MarshalJSON writes f to four significant digits, without float noise.
func (f Figure) MarshalJSON() ([]byte, error) {
	n, err := significant(float64(f))
	if err != nil {
		return nil, err
	}
	return []byte(n), nil
}

// aheads are the forecast days a track record measures errors at.
var aheads = []int{30, 60, 90}

// track is the record of earlier against the history h, for a report of
// day today: nil without an earlier report.
func track(earlier []Previous, h collectors.History, today time.Time) *Track {
	if len(earlier) == 0 {
		return nil
	}
	type day struct{ mean, peak float64 }
	actual := map[string]map[time.Time]day{}
	var through time.Time
	for _, s := range h.Series {
		m := make(map[time.Time]day, len(s.Days))
		for _, d := range s.Days {
			if !d.Date.Before(today) {
				continue
			}
			m[d.Date] = day{d.Mean, d.Peak}
			if d.Date.After(through) {
				through = d.Date
			}
		}
		actual[s.Name] = m
	}
	t := &Track{Reports: len(earlier), Through: through.Format(time.DateOnly)}
	// Oldest first, as the record reads.
	reports := slices.Clone(earlier)
	slices.SortStableFunc(reports, func(a, b Previous) int { return a.Plan.Today.Compare(b.Plan.Today) })
	t.From, t.To = reports[0].Plan.Today.Format(time.DateOnly), reports[len(reports)-1].Plan.Today.Format(time.DateOnly)

	// Each resource's record, in the order the reports first name them.
	type record struct {
		TrackResource
		in80, in95 int
		errs       map[int][]float64 // by days ahead
	}
	var records []*record
	byName := map[string]*record{}
	for _, e := range reports {
		for _, r := range e.Resources {
			days := actual[r.Name]
			if days == nil {
				continue
			}
			rec := byName[r.Name]
			if rec == nil {
				rec = &record{TrackResource: TrackResource{Name: r.Name, Unit: r.Unit}, errs: map[int][]float64{}}
				byName[r.Name] = rec
				records = append(records, rec)
			}
			for k, p := range r.Daily {
				// The history holds days up to through only.
				d, ok := days[p.Date]
				if !ok {
					continue
				}
				rec.Days++
				// The bands are kept to stepDigits: the day is compared
				// at that precision, or a band that is one value (a
				// quantity that did not move, as expected) never holds it.
				mean := kept(d.mean)
				if mean >= p.Lo80 && mean <= p.Hi80 {
					rec.in80++
				}
				if mean >= p.Lo95 && mean <= p.Hi95 {
					rec.in95++
				}
				if slices.Contains(aheads, k+1) {
					rec.errs[k+1] = append(rec.errs[k+1], math.Abs(p.Mean-d.mean))
				}
			}
			for _, c := range r.Crossings {
				if c.Already || c.Date == nil || !c.Date.Before(today) || c.Date.After(through) {
					continue
				}
				x := TrackCrossing{Report: e.Plan.Today.Format(time.DateOnly), Resource: r.Name, Unit: r.Unit, Threshold: c.Name, Peak: c.Peak,
					Level: Figure(c.Level), Date: c.Date.Format(time.DateOnly), Outcome: "not yet"}
				if c.Earliest != nil {
					x.Earliest = c.Earliest.Format(time.DateOnly)
				}
				// The first day at the level, from the report's own day.
				for at := e.Plan.Today; !at.After(through); at = at.AddDate(0, 0, 1) {
					d, ok := days[at]
					v := d.mean
					if c.Peak {
						v = d.peak
					}
					if ok && v >= c.Level {
						x.Happened, x.Outcome = at.Format(time.DateOnly), "by its date"
						if at.After(*c.Date) {
							x.Outcome = "later"
						}
						if c.Earliest != nil {
							held := !c.Earliest.After(at)
							x.EarlyHeld = &held
						}
						break
					}
				}
				t.Crossings = append(t.Crossings, x)
			}
		}
	}
	share := func(n, of int) Figure { return Figure(float64(n) / float64(of)) }
	var in80, in95 int
	t.Resources = []TrackResource{}
	for _, rec := range records {
		if rec.Days > 0 {
			rec.Within80, rec.Within95 = share(rec.in80, rec.Days), share(rec.in95, rec.Days)
		}
		rec.Errors = []AheadError{}
		for _, a := range aheads {
			if es := rec.errs[a]; len(es) > 0 {
				sum := 0.0
				for _, v := range es {
					sum += v
				}
				rec.Errors = append(rec.Errors, AheadError{Ahead: a, Reports: len(es), Error: Figure(sum / float64(len(es)))})
			}
		}
		t.Days, in80, in95 = t.Days+rec.Days, in80+rec.in80, in95+rec.in95
		t.Resources = append(t.Resources, rec.TrackResource)
	}
	if t.Days > 0 {
		t.Within80, t.Within95 = share(in80, t.Days), share(in95, t.Days)
	}
	t.Expected = len(t.Crossings)
	for _, x := range t.Crossings {
		switch x.Outcome {
		case "by its date":
			t.ByDate++
		case "later":
			t.Later++
		default:
			t.NotYet++
		}
		if x.EarlyHeld != nil && *x.EarlyHeld {
			t.EarlyHeld++
		}
	}
	// The newest reports' crossings first: the ones a reader remembers.
	slices.SortStableFunc(t.Crossings, func(a, b TrackCrossing) int { return strings.Compare(b.Report, a.Report) })
	if t.Crossings == nil {
		t.Crossings = []TrackCrossing{}
	}
	return t
}
