package planner

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
)

// Evaluation is what one option (or a combination of two) buys.
type Evaluation struct {
	Option string  `json:"option"`
	Cost   float64 `json:"cost"` // dollars in all
	// Runway is the cluster's: the shortest runway of any resource, in
	// days, after the purchase; Binding names that resource, "" when none
	// reaches a threshold within the view.
	Runway  float64 `json:"runway_days"`
	Binding string  `json:"binding"`
	// Beyond is true when no resource's forecast reaches a threshold
	// within the horizon: the runway is at least that long.
	Beyond bool `json:"beyond_horizon"`
	// Nodes is how many nodes the option buys.
	Nodes int `json:"nodes,omitempty"`
	// GainMonths is the runway gained over buying nothing (at least that
	// much when Beyond), CostPerMonth the dollars per month gained.
	GainMonths   float64 `json:"gain_months"`
	CostPerMonth float64 `json:"cost_per_month,omitempty"`
	// Runways holds every resource's runway in days after the purchase.
	Runways map[string]float64 `json:"runways"`
	// CephRebuilds is true when the option's nodes give Ceph the hosts it
	// lacks to rebuild a lost host's copies (NPlusOne's Ceph.MoreHosts).
	CephRebuilds bool `json:"ceph_rebuilds,omitempty"`
	// RightSizing is true for the option that buys nothing and sets
	// requests as Plan.RightSizing recommends.
	RightSizing bool `json:"right_sizing,omitempty"`
}

// rightSizeOption names the option of setting requests as right-sizing
// recommends.
const rightSizeOption = "right-size requests"

// Options evaluates every catalogue option and every combination of two,
// against the plan's projections, and ranks them by dollars per month of
// runway gained (options that gain nothing last). A node's and the
// cluster's runway beyond the monthly horizon count as the horizon: gains
// up to it are exact, beyond it lower bounds.
func Options(p Plan, s collectors.Snapshot, catalogue []config.Option, months int) ([]Evaluation, error) {
	if len(p.Projections) == 0 {
		return nil, fmt.Errorf("options: no projections to evaluate against")
	}
	// Whole days, as every runway: 365, not 365.28000000000003.
	horizon := math.Round(float64(months) * DaysPerMonth)
	// Options share capacities (a node adds the same cores with or
	// without drives): each resource is dated once at each capacity.
	memo := map[dating]dated{}
	base := evaluate(p, added{spread: 1}, horizon, memo)
	var evals []Evaluation
	add := func(name string, cost float64, a added, nodes int) {
		e := evaluate(p, a, horizon, memo)
		e.Option, e.Cost, e.Nodes = name, cost, nodes
		if n := p.NPlusOne; n != nil && n.Ceph != nil && n.Ceph.MoreHosts > 0 {
			e.CephRebuilds = nodes >= n.Ceph.MoreHosts
		}
		e.GainMonths = (e.Runway - base.Runway) / DaysPerMonth
		if e.GainMonths > 0 {
			e.CostPerMonth = cost / e.GainMonths
		}
		evals = append(evals, e)
	}
	units := make([]added, len(catalogue))
	costs := make([]float64, len(catalogue))
	for i, o := range catalogue {
		a, cost, err := capacity(o, s, len(s.Nodes))
		if err != nil {
			return nil, err
		}
		units[i], costs[i] = a, cost
		add(o.Name, cost, a, nodesOf(o))
	}
	// Right-sizing costs nothing and lowers the requests by what it wins
	// back, net of the containers it raises.
	if r := p.RightSizing; r != nil && (r.CPU() > 0 || r.Memory() > 0) {
		add(rightSizeOption, 0, added{reqCPU: r.CPU(), reqMem: r.Memory(), spread: 1}, 0)
		evals[len(evals)-1].RightSizing = true
	}
	for i := range catalogue {
		for j := i + 1; j < len(catalogue); j++ {
			a, ca := units[i], costs[i]
			b, cb := units[j], costs[j]
			// Bought with a node, an upgrade for every node is one for
			// the new node too.
			var err error
			switch {
			case catalogue[i].Node && catalogue[j].PerNode:
				b, cb, err = capacity(catalogue[j], s, len(s.Nodes)+1)
			case catalogue[j].Node && catalogue[i].PerNode:
				a, ca, err = capacity(catalogue[i], s, len(s.Nodes)+1)
			}
			if err != nil {
				return nil, err
			}
			add(catalogue[i].Name+" + "+catalogue[j].Name, ca+cb, a.plus(b), nodesOf(catalogue[i])+nodesOf(catalogue[j]))
		}
	}
	slices.SortStableFunc(evals, func(a, b Evaluation) int {
		switch {
		case a.GainMonths > 0 && b.GainMonths > 0:
			return cmp.Compare(a.CostPerMonth, b.CostPerMonth)
		case a.GainMonths > 0:
			return -1
		case b.GainMonths > 0:
			return 1
		}
		return cmp.Compare(a.Cost, b.Cost)
	})
	return evals, nil
}

// dating is a resource at a capacity; dated its runway there.
type (
	dating struct {
		resource string
		capacity float64
	}
	dated struct {
		days   float64
		beyond bool
	}
)

// evaluate computes every projection's runway with capacity a added,
// taking those already computed from memo and adding the others.
func evaluate(p Plan, a added, horizon float64, memo map[dating]dated) Evaluation {
	e := Evaluation{Runway: math.Inf(1), Runways: map[string]float64{}}
	for _, pr := range p.Projections {
		// No purchase moves a namespace's quota or budget, and it does
		// not bind one.
		if Namespaced(pr.Resource) {
			continue
		}
		key := dating{pr.Resource, withAdded(pr, a)}
		r, ok := memo[key]
		if !ok {
			r.days, r.beyond = runway(pr, key.capacity, p.Today, horizon)
			memo[key] = r
		}
		days, beyond := r.days, r.beyond
		e.Runways[pr.Resource] = days
		if days < e.Runway || (days == e.Runway && pr.Resource < e.Binding) {
			e.Runway, e.Binding, e.Beyond = days, pr.Resource, beyond
		}
	}
	if e.Beyond {
		// No resource reaches a threshold within the view: none binds.
		e.Binding = ""
	}
	return e
}

// runway is the days from today until any threshold of pr is reached at
// capacity; horizon (and beyond true) when none is within the view.
func runway(pr Projection, capacity float64, today time.Time, horizon float64) (float64, bool) {
	cs := slices.Clone(pr.Crossings)
	if capacity != pr.Capacity {
		pr.reach(cs, capacity/pr.Capacity, today)
	}
	best, beyond := horizon, true
	for _, c := range cs {
		if c.RunwayDays != nil && float64(*c.RunwayDays) < best {
			best, beyond = float64(*c.RunwayDays), false
		}
	}
	return best, beyond
}
