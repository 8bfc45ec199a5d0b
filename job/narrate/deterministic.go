package narrate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/units"
)

// Deterministic writes the narrative from the report by rules: the same
// three paragraphs a model is asked for, every figure copied from the
// report.
func Deterministic(r report.Report) string {
	var b strings.Builder
	b.WriteString(leads[0] + " ")
	b.WriteString(outlook(r))
	b.WriteString("\n\n" + leads[1] + " ")
	b.WriteString(risks(r))
	b.WriteString("\n\n" + leads[2] + " ")
	b.WriteString(actions(r))
	return b.String()
}

func outlook(r report.Report) string {
	if len(r.Resources) == 0 {
		return "No resource could be forecast this week."
	}
	today, _ := time.Parse(time.DateOnly, r.Date)
	type attention struct {
		res   report.Resource
		first []planner.Crossing
	}
	var need []attention
	for _, res := range r.Resources {
		if res.Status != "ok" {
			need = append(need, attention{res, soonest(res.Crossings, today)})
		}
	}
	slices.SortStableFunc(need, func(a, b attention) int { return compareCrossings(a.first, b.first, today) })
	soon := make([]string, len(need))
	for i, a := range need {
		soon[i] = describeResource(a.res, a.first)
	}
	// The others: those that reach a threshold beyond the daily horizon,
	// and those that stay below within the view.
	var later []string
	clear := 0
	for _, res := range r.Resources {
		if res.Status != "ok" {
			continue
		}
		if cs := soonest(res.Crossings, today); len(cs) > 0 && cs[0].Date != nil {
			later = append(later, fmt.Sprintf("%s (%s threshold, %s)", res.Name, cs[0].Name, cs[0].Date.Format(time.DateOnly)))
		} else {
			clear++
		}
	}
	var b strings.Builder
	switch len(soon) {
	case 0:
	case 1:
		b.WriteString("One resource needs attention: ")
	default:
		fmt.Fprintf(&b, "%d resources need attention, soonest first: ", len(soon))
	}
	if len(soon) > 0 {
		b.WriteString(strings.Join(soon, "; ") + ". ")
	}
	if len(later) > 0 {
		fmt.Fprintf(&b, "Later than %d days: %s. ", r.Resources[0].HorizonDays, strings.Join(later, ", "))
	}
	switch {
	case clear == len(r.Resources):
		fmt.Fprintf(&b, "No resource is expected to reach a threshold %s (each at under even odds).", within(r.Resources[0]))
	case clear == 1:
		fmt.Fprintf(&b, "One more is not expected to reach a threshold %s.", within(r.Resources[0]))
	case clear > 1:
		fmt.Fprintf(&b, "The other %d are not expected to reach a threshold %s.", clear, within(r.Resources[0]))
	}
	return strings.TrimSpace(b.String())
}

// within says how far the dates look, as the report does.
func within(res report.Resource) string {
	return fmt.Sprintf("within %d months", planner.ViewMonths(res.ViewDays))
}

// describeResource says when a resource crosses its first threshold;
// crossings are its thresholds, soonest first.
func describeResource(res report.Resource, crossings []planner.Crossing) string {
	for _, c := range crossings {
		level := units.Quantity(c.Level, res.Unit)
		switch {
		case c.Already && c.Peak:
			return fmt.Sprintf("%s reached its %s threshold (%s) in the last week, with a highest daily peak of %s", res.Name, c.Name, level, units.Quantity(res.TodayPeak, res.Unit))
		case c.Already:
			return fmt.Sprintf("%s reached its %s threshold (%s) on a day of the last week, %s on average over it", res.Name, c.Name, level, units.Quantity(res.Today, res.Unit))
		case c.Date != nil:
			s := fmt.Sprintf("%s reaches its %s threshold (%s) on %s", res.Name, c.Name, level, c.Date.Format(time.DateOnly))
			if c.RunwayDays != nil {
				if *c.RunwayDays == 0 {
					s += ", today"
				} else {
					s += fmt.Sprintf(", %d days from now", *c.RunwayDays)
				}
			}
			return s
		}
	}
	return fmt.Sprintf("%s is %s", res.Name, res.Status)
}

// soonest orders crossings by runway as the planner measures it (the
// daily crossing's date, else the first day of the monthly one's month),
// thresholds already passed first, those never reached last.
func soonest(cs []planner.Crossing, today time.Time) []planner.Crossing {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b planner.Crossing) int {
		return compareCrossings([]planner.Crossing{a}, []planner.Crossing{b}, today)
	})
	return out
}

// compareCrossings orders two resources by the first of their (sorted)
// crossings.
func compareCrossings(a, b []planner.Crossing, today time.Time) int {
	runway := func(cs []planner.Crossing) (float64, bool) {
		if len(cs) == 0 {
			return 0, false
		}
		m := cs[0].RunwayMonths()
		if m == nil {
			return 0, false
		}
		if cs[0].Already {
			return -1, true
		}
		return *m, true
	}
	ma, oka := runway(a)
	mb, okb := runway(b)
	switch {
	case oka != okb:
		if oka {
			return -1
		}
		return 1
	case !oka:
		return 0
	}
	return cmp.Compare(ma, mb)
}

func risks(r report.Report) string {
	var parts []string
	if n := r.NPlusOne; n != nil {
		fit := func(name string, f planner.Fit, unit string) string {
			if f.Fits {
				return fmt.Sprintf("%s fits with %s to spare", name, units.Quantity(f.Headroom, unit))
			}
			return fmt.Sprintf("%s does not fit, short by %s", name, units.Quantity(-f.Headroom, unit))
		}
		// Requests that fit say nothing of the load: say where the
		// weekdays' use would not.
		use := func(name string, u *planner.UseFit, unit string) string {
			switch {
			case u == nil || u.PeakFits:
				return ""
			case u.MeanFits:
				return fmt.Sprintf(", but weekday peaks (up to %s, with %s left) would not", units.Quantity(u.Peak, unit), units.Quantity(u.Remaining, unit))
			}
			return fmt.Sprintf(", but weekday use (%s on average, with %s left) would not", units.Quantity(u.Mean, unit), units.Quantity(u.Remaining, unit))
		}
		lost := n.Which()
		if n.Alike {
			lost = n.Lost() // the narrative needs no name for nodes alike
		}
		s := fmt.Sprintf("Losing %s: %s%s; %s%s", lost,
			fit("CPU", n.CPU, "cores"), use("CPU", n.CPUUse, "cores"), fit("memory", n.Memory, "bytes"), use("memory", n.MemoryUse, "bytes"))
		if n.Ceph != nil {
			s += "; Ceph: " + n.Ceph.Message
		}
		parts = append(parts, s+".")
	} else if r.Summary.Nodes == 0 && r.Summary.HistoryOnly {
		parts = append(parts, "The loss of a node was not evaluated: there is no cluster snapshot, only a history.")
	} else if r.Summary.Nodes == 0 {
		parts = append(parts, "The loss of a node was not evaluated: the cluster's snapshot could not be taken.")
	} else {
		parts = append(parts, "The loss of a node was not evaluated.")
	}
	for _, g := range r.Gaps {
		parts = append(parts, fmt.Sprintf("The %s stage failed (%s), so this report is incomplete.", g.Stage, g.Error))
	}
	return strings.Join(parts, " ")
}

func actions(r report.Report) string {
	var parts []string
	for _, rec := range r.Recommendations {
		if rec.Severity == planner.Critical {
			parts = append(parts, "Most urgent: "+rec.Message+".")
			break
		}
	}
	var best *planner.Evaluation
	for i, o := range r.Options {
		if o.GainMonths > 0 && (best == nil || o.CostPerMonth < best.CostPerMonth) {
			best = &r.Options[i]
		}
	}
	if best != nil {
		after := "after which " + best.Binding + " binds first"
		if best.Binding == "" {
			after = "after which no resource reaches a threshold within the forecasts"
		}
		gained := fmt.Sprintf("%.1f months gained", best.GainMonths)
		if best.Beyond {
			gained = "at least " + gained
		}
		parts = append(parts, fmt.Sprintf("The option that buys runway cheapest is %s: %s for %s (%s per month of runway), %s.",
			best.Option, units.Dollars(best.Cost), gained, units.Dollars(best.CostPerMonth), after))
	}
	if len(parts) == 0 {
		return "Nothing to buy or change this week."
	}
	return strings.Join(parts, " ")
}
