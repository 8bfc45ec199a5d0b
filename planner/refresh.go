package planner

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/capplan/capplan/units"
)

// Item is a piece of hardware in the inventory.
type Item struct {
	Name      string  `json:"name"`
	Purchased string  `json:"purchased"`  // YYYY-MM-DD
	LifeYears float64 `json:"life_years"` // expected service life
}

// due is when the item should be replaced.
func (it Item) due() (time.Time, error) {
	bought, err := time.Parse(time.DateOnly, it.Purchased)
	if err != nil {
		return time.Time{}, fmt.Errorf("inventory %q: purchased %q is not YYYY-MM-DD", it.Name, it.Purchased)
	}
	if !(it.LifeYears > 0) {
		return time.Time{}, fmt.Errorf("inventory %q: life_years %v, want a positive number of years", it.Name, it.LifeYears)
	}
	return bought.AddDate(0, 0, int(math.Round(it.LifeYears*365.25))), nil
}

// Event is one dated entry of the refresh timeline.
type Event struct {
	Date time.Time `json:"date"`
	Kind string    `json:"kind"` // "refresh" or "capacity"
	What string    `json:"what"`
}

// Timeline merges the inventory's replacement dates with the dates the
// forecasts say capacity is needed (the first threshold each resource
// reaches), in date order, so that a refresh can bring the capacity.
func Timeline(inventory []Item, p Plan) ([]Event, error) {
	var out []Event
	for _, it := range inventory {
		d, err := it.due()
		if err != nil {
			return nil, err
		}
		out = append(out, Event{Date: d, Kind: "refresh", What: fmt.Sprintf("%s, bought %s, reaches its %.4g-year life", it.Name, it.Purchased, it.LifeYears)})
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
