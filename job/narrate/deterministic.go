package narrate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/templates"
)

// Deterministic writes the narrative from the report by rules: the same
// three paragraphs a model is asked for, every figure copied from the
// report.
func Deterministic(r templates.Report) string {
	var b strings.Builder
	b.WriteString(leads[0] + " ")
	b.WriteString(outlook(r))
	b.WriteString("\n\n" + leads[1] + " ")
	b.WriteString(risks(r))
	b.WriteString("\n\n" + leads[2] + " ")
	b.WriteString(actions(r))
	return b.String()
}

func outlook(r templates.Report) string {
	if len(r.Resources) == 0 {
		return "No resource could be forecast this week."
	}
	var soon []string
	for _, res := range r.Resources {
		if res.Status == "ok" {
			continue
		}
		soon = append(soon, describeResource(res))
	}
	ok := len(r.Resources) - len(soon)
	var b strings.Builder
	switch len(soon) {
	case 0:
		fmt.Fprintf(&b, "All %d resources stay below their thresholds through the forecasts.", len(r.Resources))
		return b.String()
	case 1:
		b.WriteString("One resource needs attention: ")
	default:
		fmt.Fprintf(&b, "%d resources need attention, soonest first: ", len(soon))
	}
	b.WriteString(strings.Join(soon, "; ") + ".")
	if ok > 0 {
		fmt.Fprintf(&b, " The other %d stay below their thresholds through the forecasts.", ok)
	}
	return b.String()
}

// describeResource says when a resource crosses its first threshold.
func describeResource(res templates.Resource) string {
	for _, c := range soonest(res.Crossings) {
		level := planner.Quantity(c.Level, res.Unit)
		switch {
		case c.Already:
			return fmt.Sprintf("%s is past its %s threshold (%s) at %s", res.Name, c.Name, level, planner.Quantity(res.Today, res.Unit))
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
		case c.Month != nil:
			return fmt.Sprintf("%s reaches its %s threshold (%s) in %s by the monthly forecast", res.Name, c.Name, level, c.Month.Format("2006-01"))
		}
	}
	return fmt.Sprintf("%s is %s", res.Name, res.Status)
}

// soonest orders crossings: already passed, then by date (daily
// forecast), then by month (monthly forecast).
func soonest(cs []planner.Crossing) []planner.Crossing {
	out := slices.Clone(cs)
	when := func(c planner.Crossing) (int, time.Time) {
		switch {
		case c.Already:
			return 0, time.Time{}
		case c.Date != nil:
			return 1, *c.Date
		case c.Month != nil:
			return 2, *c.Month
		}
		return 3, time.Time{}
	}
	slices.SortStableFunc(out, func(a, b planner.Crossing) int {
		ra, ta := when(a)
		rb, tb := when(b)
		if ra != rb {
			return ra - rb
		}
		return ta.Compare(tb)
	})
	return out
}

func risks(r templates.Report) string {
	var parts []string
	if n := r.NPlusOne; n != nil {
		fit := func(name string, f planner.Fit, unit string) string {
			if f.Fits {
				return fmt.Sprintf("%s fits with %s to spare", name, planner.Quantity(f.Headroom, unit))
			}
			return fmt.Sprintf("%s does not fit, short by %s", name, planner.Quantity(-f.Headroom, unit))
		}
		s := fmt.Sprintf("Losing %s, the largest node: %s; %s", n.LostNode, fit("CPU", n.CPU, "cores"), fit("memory", n.Memory, "bytes"))
		if n.Ceph != nil {
			s += "; Ceph: " + n.Ceph.Message
		}
		parts = append(parts, s+".")
	} else {
		parts = append(parts, "The loss of a node was not evaluated.")
	}
	for _, g := range r.Gaps {
		parts = append(parts, fmt.Sprintf("The %s stage failed (%s), so this report is incomplete.", g.Stage, g.Error))
	}
	return strings.Join(parts, " ")
}

func actions(r templates.Report) string {
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
		parts = append(parts, fmt.Sprintf("The option that buys runway cheapest is %s: %s for %.1f months gained (%s per month of runway), after which %s binds first.",
			best.Option, templates.Dollars(best.Cost), best.GainMonths, templates.Dollars(best.CostPerMonth), best.Binding))
	}
	if len(parts) == 0 {
		return "Nothing to buy or change this week."
	}
	return strings.Join(parts, " ")
}
