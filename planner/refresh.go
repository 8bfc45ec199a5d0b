package planner

import (
	"fmt"
	"slices"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/units"
)

// Event is one dated entry of the refresh timeline.
type Event struct {
	Date time.Time `json:"date"`
	Kind string    `json:"kind"` // "refresh" or "capacity"
	What string    `json:"what"`
	// Overdue is true for a refresh due before the plan's day.
	Overdue bool `json:"overdue,omitempty"`
	// NotInCluster is true for an inventory item taken for a node (its
	// node is not false) whose name no node of the cluster has: retired,
	// renamed, or misspelt.
	NotInCluster bool `json:"not_in_cluster,omitempty"`
}

// Timeline merges the inventory's replacement dates with the dates the
// forecasts say capacity is needed (the first threshold each resource
// reaches), in date order, so that a refresh can bring the capacity.
// nodes are the cluster's node names (none without a cluster: then no
// item is checked against them).
func Timeline(inventory []config.Item, p Plan, nodes []string) ([]Event, error) {
	var out []Event
	for _, it := range inventory {
		d, err := it.Due()
		if err != nil {
			return nil, err
		}
		out = append(out, Event{Date: d, Kind: "refresh", What: fmt.Sprintf("%s, bought %s, reaches its %.4g-year life", it.Name, it.Purchased, it.LifeYears),
			Overdue:      d.Before(p.Today),
			NotInCluster: len(nodes) > 0 && (it.Node == nil || *it.Node) && !slices.Contains(nodes, it.Name)})
	}
	for _, pr := range p.Projections {
		var first *Crossing
		for i := range pr.Crossings {
			c := &pr.Crossings[i]
			if c.Date != nil && (first == nil || c.Date.Before(*first.Date)) {
				first = c
			}
		}
		if first != nil {
			out = append(out, Event{Date: *first.Date, Kind: "capacity",
				What: fmt.Sprintf("%s reaches its %s threshold (%s)", pr.Resource, first.Name, units.Quantity(first.Level, pr.Unit))})
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.Date.Compare(b.Date) })
	return out, nil
}
