package planner

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/units"
)

// Severity orders recommendations.
type Severity string

const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

func (s Severity) rank() int { return slices.Index([]Severity{Critical, Warning, Info}, s) }

// Status is a resource's status: the most severe of the recommendations
// about its thresholds, "ok" when there is none but information.
func Status(resource string, recs []Recommendation) string {
	status := "ok"
	for _, rec := range recs {
		// What losing a node would do is a finding of its own, not the
		// resource's runway: it does not set the status.
		if s := string(rec.Severity); rec.Resource == resource && rec.Threshold != nPlusOneThreshold && rec.Severity != Info && Worse(s, status) {
			status = s
		}
	}
	return status
}

// Worse tells whether status a is more severe than b.
func Worse(a, b string) bool { return statusRank(a) < statusRank(b) }

func statusRank(s string) int {
	return slices.Index([]string{string(Critical), string(Warning), string(Info), "ok"}, s)
}

// Recommendation is one thing the reader should act on or know, with the
// numbers behind it.
type Recommendation struct {
	Severity  Severity   `json:"severity"`
	Resource  string     `json:"resource"`
	Threshold string     `json:"threshold,omitempty"`
	Level     float64    `json:"level,omitempty"` // the threshold, in the resource's unit
	Unit      string     `json:"unit,omitempty"`
	Date      *time.Time `json:"date,omitempty"`
	Runway    *int       `json:"runway_days,omitempty"`
	// Needed is the capacity that keeps the forecast at or below the
	// threshold for the target months; 0 when not computed.
	Needed  float64 `json:"needed,omitempty"`
	Message string  `json:"message"`
}

// Urgency: a crossing within this many days is critical; within the daily
// horizon, a warning; within the view (12 months), information.
const criticalDays = 30

// mayReach is the least chance within the view worth a line of its own
// when under even odds.
const mayReach = 0.1

// bySeverity is how severe a runway of days is: critical under
// criticalDays, a warning within the daily horizon, else information.
func bySeverity(days, horizon int) Severity {
	switch {
	case days < criticalDays:
		return Critical
	case days < horizon:
		return Warning
	}
	return Info
}

// Recommend lists what the plan says, most severe and soonest first. Every
// message carries its numbers: level, unit, dates and runway, and for a
// threshold that will be reached, the capacity that keeps the forecast
// below it for months (the target), and which forecast said so.
func Recommend(p Plan, months int) []Recommendation {
	var out []Recommendation
	for _, pr := range p.Projections {
		for _, c := range pr.Crossings {
			r := Recommendation{Resource: pr.Resource, Threshold: c.Name, Level: c.Level, Unit: pr.Unit}
			level := fmt.Sprintf("%s (%.0f%% of %s)", units.Quantity(c.Level, pr.Unit), 100*c.Fraction, units.Quantity(pr.Capacity, pr.Unit))
			switch {
			case c.Already:
				r.Severity, r.Runway, r.Date = Critical, c.RunwayDays, c.Date
				now := fmt.Sprintf("%s on average over the last week", units.Quantity(pr.Today, pr.Unit))
				if c.Peak {
					now = fmt.Sprintf("its highest daily peak of the last week %s", units.Quantity(pr.TodayPeak, pr.Unit))
				}
				r.Message = fmt.Sprintf("%s reached its %s threshold %s on a day of the last week: %s", pr.Resource, c.Name, level, now)
			case c.Date != nil:
				r.Severity, r.Runway, r.Date = bySeverity(*c.RunwayDays, len(pr.Times)), c.RunwayDays, c.Date
				r.Message = fmt.Sprintf("%s reaches its %s threshold %s on %s (as early as %s): %d days of runway",
					pr.Resource, c.Name, level, c.Date.Format(time.DateOnly), c.Earliest.Format(time.DateOnly), *c.RunwayDays)
				if near := nearLine(pr, c); near != "" && len(pr.meanPaths) > 0 && !pr.pathReaches(c) {
					// The futures' spread dates it, not a trend, and the
					// last weeks came near: noise that may touch the line.
					// Worth a warning, not a call to act now; the message
					// says how near.
					if r.Severity == Critical {
						r.Severity = Warning
					}
					r.Message += "; " + near
				}
			case c.Earliest != nil && c.Chance >= mayReach:
				// Under even odds, but not unlikely: worth watching, not a
				// date.
				r.Severity = Info
				r.Message = fmt.Sprintf("%s may reach its %s threshold %s within %d months: %s chance, as early as %s",
					pr.Resource, c.Name, level, ViewMonths(pr.ViewDays), article(percent(c.Chance)), c.Earliest.Format(time.DateOnly))
				out = append(out, r)
				continue
			default:
				continue
			}
			if need, basis := needed(pr, c, p.Today, months); need > pr.Capacity {
				r.Needed = need
				what := "capacity"
				if Namespaced(pr.Resource) {
					what = "the namespace's quota or budget"
				}
				r.Message += fmt.Sprintf("; %s to stay below it %s: %s (+%s)", what, basis, units.Quantity(need, pr.Unit), units.Quantity(need-pr.Capacity, pr.Unit))
			}
			out = append(out, r)
		}
	}
	if n := p.NPlusOne; n != nil {
		for _, r := range nPlusOne(*n) {
			// A resource made unknown (its history stopped) raises nothing.
			if !slices.ContainsFunc(p.Unknown, func(u Unknown) bool { return u.Resource == r.Resource }) {
				out = append(out, r)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Recommendation) int {
		if d := a.Severity.rank() - b.Severity.rank(); d != 0 {
			return d
		}
		switch {
		case a.Date == nil && b.Date == nil:
			return 0
		case a.Date == nil:
			return 1
		case b.Date == nil:
			return -1
		}
		return a.Date.Compare(*b.Date)
	})
	return out
}

// needed is the capacity at which c's threshold is reached within months
// of today (months of DaysPerMonth days, as runways are counted) at a
// chance under one half, by the futures the dates come from
// (forecast.Below): with it, c's runway is beyond those months, as an
// option that adds it shows. basis names the futures and the last day.
func needed(pr Projection, c Crossing, today time.Time, months int) (capacity float64, basis string) {
	paths, what := pr.meanPaths, "daily means"
	if c.Peak {
		paths, what = pr.peakPaths, "daily peaks"
	}
	days := int(math.Round(float64(months) * DaysPerMonth))
	skip := max(0, int(math.Round(today.Sub(pr.next).Hours()/24)))
	if len(paths) == 0 || months < 1 || skip+days > len(paths[0]) {
		return 0, ""
	}
	end := today.AddDate(0, 0, days-1)
	basis = fmt.Sprintf("through %s (%d months) by the simulated futures of %s", end.Format(time.DateOnly), months, what)
	return forecast.Below(paths, skip+days) / c.Fraction, basis
}

// nearLine says how near the last four weeks came to c's level, and how
// much the futures' median moves from the daily forecast's first week to
// its last: what a date set by the futures' spread rests on. "" when no
// day came within 10% of it.
func nearLine(pr Projection, c Crossing) string {
	what, fc := "daily means", pr.Mean
	if c.Peak {
		what, fc = "daily peaks", pr.Peak
	}
	near, highest := 0, math.Inf(-1)
	days := pr.History[len(pr.History)-min(28, len(pr.History)):]
	for _, d := range days {
		v := value(d, c.Peak)
		highest = max(highest, v)
		if v >= 0.9*c.Level {
			near++
		}
	}
	if near == 0 {
		return ""
	}
	s := fmt.Sprintf("the forecast stays below it: %s came within 10%% of it on %d of the last %d days (the highest %.0f%% of it)", what, near, len(days), 100*highest/c.Level)
	if n := len(fc.Mean); n >= 14 {
		move := stat.Mean(fc.Mean[n-7:], nil) - stat.Mean(fc.Mean[:7], nil)
		sign := "+"
		if move < 0 {
			sign = "-"
		}
		s += fmt.Sprintf("; the forecast's median moves %s%s from its first week to its last (%d days)", sign, units.Quantity(math.Abs(move), pr.Unit), n)
	}
	return s
}

// nPlusOneThreshold names, as a recommendation's threshold, what losing a
// node would do: a finding of its own, not a resource's runway.
const nPlusOneThreshold = "N+1"

// nPlusOne is what does not fit after losing a node: requests that have
// no room (critical), weekday use whose average has none (critical) or
// whose peaks have none (a warning: the load would be throttled or
// evicted at its busiest), and Ceph copies that cannot be rebuilt.
func nPlusOne(n NPlusOne) []Recommendation {
	var out []Recommendation
	for _, f := range []struct {
		name, unit string
		fit        Fit
	}{{"cpu/requests", units.Cores, n.CPU}, {"memory/requests", units.Bytes, n.Memory}} {
		if !f.fit.Fits {
			out = append(out, Recommendation{Severity: Critical, Resource: f.name, Threshold: nPlusOneThreshold, Unit: f.unit, Level: f.fit.Remaining,
				Message: fmt.Sprintf("losing %s leaves %s allocatable for %s requested: short by %s",
					n.Lost(), units.Quantity(f.fit.Remaining, f.unit), units.Quantity(f.fit.Requests, f.unit), units.Quantity(-f.fit.Headroom, f.unit))})
		}
	}
	for _, u := range []struct {
		name, what, unit string
		use              *UseFit
	}{{"cpu/usage", "CPU", units.Cores, n.CPUUse}, {"memory/usage", "memory", units.Bytes, n.MemoryUse}} {
		if u.use == nil || u.use.PeakFits {
			continue
		}
		r := Recommendation{Severity: Warning, Resource: u.name, Threshold: nPlusOneThreshold, Unit: u.unit, Level: u.use.Remaining}
		verdict := "the peaks would not fit"
		if !u.use.MeanFits {
			r.Severity, verdict = Critical, "even the average would not fit"
		}
		r.Message = fmt.Sprintf("losing %s leaves %s allocatable, while %s in use on the last %d weekdays was %s on average and %s at the highest daily peak: %s",
			n.Lost(), units.Quantity(u.use.Remaining, u.unit), u.what, u.use.Days, units.Quantity(u.use.Mean, u.unit), units.Quantity(u.use.Peak, u.unit), verdict)
		out = append(out, r)
	}
	if c := n.Ceph; c != nil && !c.Holds {
		sev := Critical
		if !c.CanReplicate {
			sev = Warning // by design on a cluster with as many hosts as copies
		}
		out = append(out, Recommendation{Severity: sev, Resource: "ceph", Threshold: nPlusOneThreshold, Message: "losing " + n.Lost() + ": " + c.Message})
	}
	return out
}
