package planner

import (
	"fmt"
	"math"
	"slices"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// Change is one thing that moved since the previous report, and why.
type Change struct {
	Resource string `json:"resource"`
	What     string `json:"what"`
	Why      string `json:"why,omitempty"`
}

// Compare says what changed from the previous plan and snapshot to the
// current ones: crossing dates that moved by a week or more, appeared,
// disappeared, were passed or are no longer passed; new top consumers, new namespaces. A crossing past on
// both days moved with the calendar only and is not a change. Each move
// is explained by added capacity, a change in growth rate, or new
// workloads where the numbers show one.
func Compare(prev, cur Plan, prevSnap, curSnap collectors.Snapshot) []Change {
	var out []Change
	before := map[string]Projection{}
	for _, p := range prev.Projections {
		before[p.Resource] = p
	}
	newNamespaces := namespacesAdded(prevSnap, curSnap)
	for _, p := range cur.Projections {
		old, ok := before[p.Resource]
		if !ok {
			continue
		}
		for _, c := range p.Crossings {
			i := slices.IndexFunc(old.Crossings, func(o Crossing) bool { return o.Name == c.Name })
			if i < 0 {
				continue
			}
			if what := moved(old.Crossings[i], c); what != "" {
				out = append(out, Change{Resource: p.Resource, What: what, Why: why(old, p, newNamespaces)})
			}
		}
	}
	for _, res := range []struct {
		name string
		of   func(collectors.Resources) float64
	}{{"cpu", func(r collectors.Resources) float64 { return r.CPUCores }}, {"memory", func(r collectors.Resources) float64 { return float64(r.MemoryBytes) }}} {
		a, b := topConsumer(prevSnap, res.of), topConsumer(curSnap, res.of)
		if a != "" && b != "" && a != b {
			out = append(out, Change{Resource: res.name + "/requests", What: fmt.Sprintf("the largest %s request is now namespace %s (was %s)", res.name, b, a)})
		}
	}
	for _, ns := range newNamespaces {
		out = append(out, Change{Resource: "namespaces", What: "new namespace " + ns})
	}
	return out
}

// moved says how crossing c moved from o, last week's, or "" when it did
// not. A week later the same date means 7 fewer days of runway: dates are
// compared, not runways. A date is the median of simulated futures, and a
// week of history moves it a little: moves under a week are not changes.
func moved(o, c Crossing) string {
	const day = "2006-01-02"
	when := func(x Crossing) string {
		if x.Date != nil {
			return "on " + x.Date.Format(day)
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
		return ""
	case c.Already:
		return fmt.Sprintf("now past its %s threshold (last week: %s)", c.Name, when(o))
	case o.Already:
		return fmt.Sprintf("no longer past its %s threshold: %s%s", c.Name, when(c), runway(c))
	case c.Date != nil && o.Date != nil:
		if d := int(math.Round(c.Date.Sub(*o.Date).Hours() / 24)); d >= 7 || d <= -7 {
			return fmt.Sprintf("%s threshold date moved by %+d days, from %s to %s", c.Name, d, o.Date.Format(day), c.Date.Format(day))
		}
		return ""
	case c.Date == nil && o.Date == nil:
		return ""
	case c.Date == nil:
		return fmt.Sprintf("no longer reaches its %s threshold within the forecasts (last week: %s)", c.Name, when(o))
	}
	return fmt.Sprintf("now reaches its %s threshold within the forecasts: %s%s", c.Name, when(c), runway(c))
}

// why explains a moved projection by the numbers: capacity, growth rate
// (the forecast's daily slope), new namespaces.
func why(old, cur Projection, newNamespaces []string) string {
	switch {
	case cur.Capacity > old.Capacity:
		return fmt.Sprintf("capacity added: %s to %s", units.Quantity(old.Capacity, cur.Unit), units.Quantity(cur.Capacity, cur.Unit))
	case cur.Capacity < old.Capacity:
		return fmt.Sprintf("capacity removed: %s to %s", units.Quantity(old.Capacity, cur.Unit), units.Quantity(cur.Capacity, cur.Unit))
	}
	slope := func(p Projection) float64 { return (p.AtHorizon - p.Today) / float64(max(len(p.Times), 1)) }
	s0, s1 := slope(old), slope(cur)
	if math.Abs(s1-s0) > 0.1*math.Max(math.Abs(s0), 1e-12) {
		w := fmt.Sprintf("growth rate changed: %s a day to %s a day", units.Quantity(s0, cur.Unit), units.Quantity(s1, cur.Unit))
		if len(newNamespaces) > 0 {
			w += fmt.Sprintf("; new namespaces: %v", newNamespaces)
		}
		return w
	}
	return ""
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
