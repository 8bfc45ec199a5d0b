package planner

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// Change is one thing that moved since the previous report, and why.
type Change struct {
	Resource string `json:"resource"`
	What     string `json:"what"`
	Why      string `json:"why,omitempty"`
}

// Week is one report's plan, the snapshot it was made from, and its
// recommendations, which give each resource its status.
type Week struct {
	Plan            Plan
	Snapshot        collectors.Snapshot
	Recommendations []Recommendation
}

// Compare says what changed from the previous week to this one: each
// resource's status, with what decides it on both days; crossing dates
// that moved by a week or more, appeared, disappeared, were passed or are
// no longer passed, each with the inputs that moved it; resources that
// became unknown or known again; new top requesters and namespaces. A
// crossing past on both days moved with the calendar only and is not a
// change.
func Compare(prev, cur Week) []Change {
	var out []Change
	before := map[string]Projection{}
	for _, p := range prev.Plan.Projections {
		before[p.Resource] = p
	}
	for _, p := range cur.Plan.Projections {
		old, ok := before[p.Resource]
		if !ok {
			if i := slices.IndexFunc(prev.Plan.Unknown, func(u Unknown) bool { return u.Resource == p.Resource }); i >= 0 {
				out = append(out, Change{Resource: p.Resource, What: "known again, " + Status(p.Resource, cur.Recommendations),
					Why: decides(p, cur.Recommendations) + "; last week unknown: " + prev.Plan.Unknown[i].Reason})
			}
			continue
		}
		if was, is := Status(p.Resource, prev.Recommendations), Status(p.Resource, cur.Recommendations); was != is {
			out = append(out, Change{Resource: p.Resource, What: fmt.Sprintf("now %s, last week %s", is, was),
				Why: decides(p, cur.Recommendations) + "; last week " + decides(old, prev.Recommendations)})
		}
		for _, c := range p.Crossings {
			i := slices.IndexFunc(old.Crossings, func(o Crossing) bool { return o.Name == c.Name })
			if i < 0 {
				continue
			}
			if what, later := moved(old.Crossings[i], c); what != "" {
				out = append(out, Change{Resource: p.Resource, What: what, Why: why(old, p, old.Crossings[i], c, later)})
			}
		}
	}
	// A resource planned on one day and neither planned nor unknown on
	// the other came or went with what is planned, not with its data.
	planned := map[string]bool{}
	for _, p := range cur.Plan.Projections {
		planned[p.Resource] = true
		if _, ok := before[p.Resource]; !ok && !slices.ContainsFunc(prev.Plan.Unknown, func(u Unknown) bool { return u.Resource == p.Resource }) && len(prev.Plan.Projections) > 0 {
			out = append(out, Change{Resource: p.Resource, What: "planned from this week, " + Status(p.Resource, cur.Recommendations), Why: decides(p, cur.Recommendations)})
		}
	}
	for _, p := range prev.Plan.Projections {
		if planned[p.Resource] || slices.ContainsFunc(cur.Plan.Unknown, func(u Unknown) bool { return u.Resource == p.Resource }) {
			continue
		}
		why := "its capacity or its history is no longer in the sources"
		if strings.HasPrefix(p.Resource, "ceph/pool/") && cur.Plan.Pools != nil {
			why = "Ceph's pools are now planned as shares of one raw space, not each on its own"
		}
		out = append(out, Change{Resource: p.Resource, What: "no longer planned, last week " + Status(p.Resource, prev.Recommendations), Why: why})
	}
	for _, u := range cur.Plan.Unknown {
		if _, ok := before[u.Resource]; ok {
			out = append(out, Change{Resource: u.Resource, What: "now unknown, last week " + Status(u.Resource, prev.Recommendations), Why: u.Reason})
		}
	}
	for _, res := range []struct {
		name string
		of   func(collectors.Resources) float64
	}{{"cpu", func(r collectors.Resources) float64 { return r.CPUCores }}, {"memory", func(r collectors.Resources) float64 { return float64(r.MemoryBytes) }}} {
		a, b := topConsumer(prev.Snapshot, res.of), topConsumer(cur.Snapshot, res.of)
		if a != "" && b != "" && a != b {
			out = append(out, Change{Resource: res.name + "/requests", What: fmt.Sprintf("the largest %s request is now namespace %s (was %s)", res.name, b, a)})
		}
	}
	for _, ns := range namespacesAdded(prev.Snapshot, cur.Snapshot) {
		out = append(out, Change{Resource: "namespaces", What: "new namespace " + ns})
	}
	return out
}

// decides says what gives p its status among recs (most severe and
// soonest first, as Recommend sorts them): the threshold and its days, or
// for ok, the soonest date beyond the daily forecast. N+1 findings, which
// set no status, decide none.
func decides(p Projection, recs []Recommendation) string {
	for _, r := range recs {
		if r.Resource != p.Resource || r.Severity == Info || r.Threshold == nPlusOneThreshold {
			continue
		}
		i := slices.IndexFunc(p.Crossings, func(c Crossing) bool { return c.Name == r.Threshold })
		switch {
		case i < 0 || r.Date == nil || r.Runway == nil:
			return r.Message
		case p.Crossings[i].Already:
			return fmt.Sprintf("a day of the last week reached its %s threshold (%s)", r.Threshold, units.Quantity(r.Level, p.Unit))
		case r.Severity == Critical:
			return fmt.Sprintf("its %s threshold on %s, %d days away (critical under %d days)", r.Threshold, r.Date.Format(time.DateOnly), *r.Runway, criticalDays)
		}
		return fmt.Sprintf("its %s threshold on %s, %d days away (a warning within the %d-day forecast)", r.Threshold, r.Date.Format(time.DateOnly), *r.Runway, len(p.Times))
	}
	var soonest *Crossing
	for i, c := range p.Crossings {
		if c.Date != nil && (soonest == nil || c.Date.Before(*soonest.Date)) {
			soonest = &p.Crossings[i]
		}
	}
	if soonest == nil {
		return fmt.Sprintf("no threshold reached within %d months", ViewMonths(p.ViewDays))
	}
	return fmt.Sprintf("its soonest threshold, %s, on %s, %d days away: beyond the %d-day forecast", soonest.Name, soonest.Date.Format(time.DateOnly), *soonest.RunwayDays, len(p.Times))
}

// moved says how crossing c moved from o, last week's, or "" when it did
// not, and whether it moved later. A week later the same date means 7
// fewer days of runway: dates are compared, not runways. A date is the
// median of simulated futures, and a week of history moves it a little:
// moves under a week are not changes.
func moved(o, c Crossing) (what string, later bool) {
	when := func(x Crossing) string {
		if x.Date != nil {
			return "on " + x.Date.Format(time.DateOnly)
		}
		return "beyond the forecasts"
	}
	runway := func(x Crossing) string {
		if x.RunwayDays != nil {
			return fmt.Sprintf(", runway %d days", *x.RunwayDays)
		}
		return ""
	}
	switch {
	case o.Already && c.Already:
		return "", false
	case c.Already:
		return fmt.Sprintf("now past its %s threshold (last week: %s)", c.Name, when(o)), false
	case o.Already:
		return fmt.Sprintf("no longer past its %s threshold: %s%s", c.Name, when(c), runway(c)), true
	case c.Date != nil && o.Date != nil:
		if d := int(math.Round(c.Date.Sub(*o.Date).Hours() / 24)); d >= 7 || d <= -7 {
			return fmt.Sprintf("%s threshold date moved by %+d days, from %s to %s", c.Name, d, o.Date.Format(time.DateOnly), c.Date.Format(time.DateOnly)), d > 0
		}
		return "", false
	case c.Date == nil && o.Date == nil:
		return "", false
	case c.Date == nil:
		return fmt.Sprintf("no longer reaches its %s threshold within the forecasts (last week: %s)", c.Name, when(o)), true
	}
	return fmt.Sprintf("now reaches its %s threshold within the forecasts: %s%s", c.Name, when(c), runway(c)), false
}

// input is one thing a crossing's date is made from that differs from
// last week's at the precision shown, and which way it pushes the date:
// +1 later, -1 earlier, 0 either (a model, a source). days is what it
// moves the date by at last week's trend, when a trend reaches the level
// (else NaN): an input that moves it by less than a day did not move it.
type input struct {
	text string
	push int
	days float64
}

// why names what moved crossing c from o, last week's, the way it went
// (later or not): the inputs of its date that differ at the precision
// shown and push it that way, then those that push against it. When the
// forecast's path stays below the level, the date is where the chance of
// having reached it is one half, set by the futures' spread more than by
// any trend, and it says so first.
func why(old, cur Projection, o, c Crossing, later bool) string {
	dir := -1
	if later {
		dir = 1
	}
	var parts, with, against []string
	spread := !c.Already && !cur.pathReaches(c)
	if spread {
		through := cur.through(c)
		s := fmt.Sprintf("the forecast stays below %s through %s: the date is where the chance of having reached it is one half", units.Quantity(c.Level, cur.Unit), through.Format(time.DateOnly))
		if c.Date == nil {
			s = fmt.Sprintf("the forecast stays below %s through %s, and the chance of reaching it is under one half", units.Quantity(c.Level, cur.Unit), through.Format(time.DateOnly))
		}
		if a, b := percent(c.Chance), percent(o.Chance); a != b {
			s += fmt.Sprintf(" (%s chance within %d months, last week %s)", article(a), ViewMonths(cur.ViewDays), b)
		}
		parts = append(parts, s)
	}
	for _, in := range inputs(old, cur, o, c, spread) {
		switch {
		case !math.IsNaN(in.days) && math.Abs(in.days) < 1:
		case in.push == 0 || in.push == dir:
			with = append(with, in.text)
		default:
			against = append(against, in.text)
		}
	}
	if len(with) > 0 {
		parts = append(parts, strings.Join(with, "; "))
	} else {
		parts = append(parts, "no level, trend, spread, capacity, model or source differs that way at the precision shown: the week's days moved the simulated futures")
	}
	if len(against) > 0 {
		parts = append(parts, "against it: "+strings.Join(against, "; "))
	}
	return strings.Join(parts, "; ")
}

// inputs are the inputs of c's date that differ from o's, last week's:
// the capacity, the level the last week reached against what last week's
// forecast expected of it, the trend, the futures' spread when it sets
// the date, the model and the source.
func inputs(old, cur Projection, o, c Crossing, spread bool) []input {
	q := func(v float64) string { return units.Quantity(v, cur.Unit) }
	was, is := old.side(c.Peak), cur.side(c.Peak)
	// Last week's trend, a day, when both weeks' reach the level: the
	// days an input's change is worth. A report before the trend of peaks
	// was written has none.
	trendKnown := !c.Peak || (was.atHorizon != 0 && is.atHorizon != 0)
	s0, s1 := old.trend(was), cur.trend(is)
	linear := trendKnown && s0 > 0 && s1 > 0
	worth := func(change float64) float64 {
		if !linear {
			return math.NaN()
		}
		return change / s0
	}
	var out []input
	if a, b := q(cur.Capacity), q(old.Capacity); a != b {
		out = append(out, input{fmt.Sprintf("capacity %s (last week %s)", a, b), sign(cur.Capacity - old.Capacity), worth(c.Level - o.Level)})
	}
	now, expected, level := cur.level(old, c.Peak)
	if a, b := q(now), q(expected); a != b {
		out = append(out, input{fmt.Sprintf(level, a, b), sign(expected - now), worth(expected - now)})
	}
	month := func(s float64) string {
		t := q(s * DaysPerMonth)
		if !strings.HasPrefix(t, "-") {
			t = "+" + t
		}
		return t + " a month"
	}
	if a, b := month(s1), month(s0); trendKnown && a != b {
		days := math.NaN()
		if linear && c.Level > now {
			days = (c.Level-now)/s1 - (c.Level-now)/s0
		}
		out = append(out, input{fmt.Sprintf("the trend of the daily %s %s (last week %s)", is.what, a, b), sign(s0 - s1), days})
	}
	// A wider spread takes more futures over a level the path stays
	// below: an earlier date.
	if a, b := q(is.band), q(was.band); spread && was.band > 0 && is.band > 0 && a != b {
		out = append(out, input{fmt.Sprintf("the 80%% band of the daily %s %s wide at the horizon (last week %s)", is.what, a, b), sign(was.band - is.band), math.NaN()})
	}
	if is.method != "" && was.method != "" && is.method != was.method {
		out = append(out, input{fmt.Sprintf("the model of the daily %s %s (last week %s)", is.what, is.method, was.method), 0, math.NaN()})
	}
	if cur.Source != "" && old.Source != "" && cur.Source != old.Source {
		out = append(out, input{fmt.Sprintf("the history from %s (last week from %s)", cur.Source, old.Source), 0, math.NaN()})
	}
	return out
}

// side is what a projection says of its daily means, or of its daily
// peaks: a threshold is compared with one of them.
type side struct {
	what                 string // "means" or "peaks"
	now, atHorizon, band float64
	method               string
	daily, monthly       []float64 // the forecasts' means
}

func (p Projection) side(peak bool) side {
	if peak {
		return side{"peaks", p.TodayPeak, p.AtHorizonPeak, p.PeakBand, p.PeakMethod, p.Peak.Mean, p.MonthlyPeak.Mean}
	}
	return side{"means", p.Today, p.AtHorizon, p.Band, p.Method, p.Mean.Mean, p.MonthlyMean.Mean}
}

// trend is the slope a day of p's daily forecast of s: from the last
// week's level to the horizon's last week.
func (p Projection) trend(s side) float64 {
	if len(p.Times) == 0 {
		return 0
	}
	return (s.atHorizon - s.now) / float64(len(p.Times))
}

// through is the last day c's date looks at: its date, or the view's end
// without one.
func (p Projection) through(c Crossing) time.Time {
	if c.Date != nil {
		return *c.Date
	}
	return p.next.AddDate(0, 0, p.ViewDays-1)
}

// level is what the last week reached against what was expected of it,
// with a format for both: for daily means, the days last week's forecast
// covers, against that forecast; for peaks (last week's report keeps no
// forecast of them), the highest of the last week against the week
// before's.
func (p Projection) level(old Projection, peak bool) (now, expected float64, format string) {
	if peak {
		return p.TodayPeak, old.TodayPeak, "the last week's highest daily peak %s (the week before's %s)"
	}
	var n int
	var sum, want float64
	if len(p.History) > 0 && len(old.Mean.Mean) == len(old.Times) {
		from := p.History[len(p.History)-1].Date.AddDate(0, 0, -6)
		for i := len(p.History) - 1; i >= 0 && !p.History[i].Date.Before(from); i-- {
			d := p.History[i]
			if k := slices.IndexFunc(old.Times, func(t time.Time) bool { return t.Equal(d.Date) }); k >= 0 {
				n, sum, want = n+1, sum+d.Mean, want+old.Mean.Mean[k]
			}
		}
	}
	if n == 0 {
		return p.Today, old.Today, "the last week's mean %s (the week before's %s)"
	}
	return sum / float64(n), want / float64(n), fmt.Sprintf("the last %d days' mean %%s (last week's forecast of them %%s)", n)
}

// pathReaches tells whether the futures' median path reaches c's level by
// its date, or within the view without one: whether a trend, rather than
// the futures' spread, dates it.
func (p Projection) pathReaches(c Crossing) bool {
	paths := p.meanPaths
	if c.Peak {
		paths = p.peakPaths
	}
	if len(paths) == 0 {
		return false
	}
	last := int(math.Round(p.through(c).Sub(p.next).Hours() / 24))
	return slices.ContainsFunc(daily(paths, max(0, min(last+1, len(paths[0])))).Mean, func(v float64) bool { return v >= c.Level })
}

func percent(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

// article puts "a" or "an" before a percentage as it is read: an 8%, an
// 11%, an 18%, an 80% to 89%; a 1%, a 50%.
func article(pct string) string {
	n := strings.TrimSuffix(pct, "%")
	if strings.HasPrefix(n, "8") || n == "11" || n == "18" {
		return "an " + pct
	}
	return "a " + pct
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func topConsumer(s collectors.Snapshot, of func(collectors.Resources) float64) string {
	best, name := 0.0, ""
	for _, ns := range s.Namespaces {
		if v := of(ns.Requests); v > best {
			best, name = v, ns.Name
		}
	}
	return name
}

func namespacesAdded(prev, cur collectors.Snapshot) []string {
	var out []string
	for _, ns := range cur.Namespaces {
		if !slices.ContainsFunc(prev.Namespaces, func(o collectors.Namespace) bool { return o.Name == ns.Name }) {
			out = append(out, ns.Name)
		}
	}
	return out
}
