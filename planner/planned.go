package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/units"
)

// Without is a crossing as it would be without the planned workloads.
type Without struct {
	Date       *time.Time `json:"date,omitempty"`
	RunwayDays *int       `json:"runway_days,omitempty"`
	Chance     float64    `json:"chance"`
}

// arrival is what a planned workload adds to one resource from its start:
// amount, and growth times amount more each month after it.
type arrival struct {
	config.Workload
	start          time.Time
	amount, growth float64
}

// at is the arrival's amount on day d.
func (a arrival) at(d time.Time) float64 {
	if d.Before(a.start) {
		return 0
	}
	return a.amount * (1 + a.growth*d.Sub(a.start).Hours()/24/DaysPerMonth)
}

// arrivals are the planned workloads' amounts of series: requests of CPU
// and memory, and the data they store in Ceph (stored, and raw at
// rawPerStored raw bytes a stored byte). Usage is not added: what a
// workload will use is not known before it runs, its requests are.
func arrivals(series string, planned []config.Workload, rawPerStored float64) ([]arrival, error) {
	var out []arrival
	for _, w := range planned {
		start, err := w.Starts()
		if err != nil {
			return nil, err
		}
		var amount float64
		switch series {
		case "cpu/requests", "namespace/" + w.Namespace + "/cpu/requests":
			amount = w.CPUCores
		case "memory/requests", "namespace/" + w.Namespace + "/memory/requests":
			amount = float64(w.MemoryBytes)
		case "ceph/stored":
			amount = float64(w.StorageBytes)
		case "ceph/raw_used":
			amount = float64(w.StorageBytes) * rawPerStored
		}
		if amount > 0 {
			out = append(out, arrival{Workload: w, start: start, amount: amount, growth: w.GrowthPerMonth})
		}
	}
	return out, nil
}

// withPlanned adds the arrivals to every future from their start, reads
// the forecasts and dates again, and keeps each crossing as it was
// without them.
func (p *Projection) withPlanned(as []arrival, today time.Time) {
	if len(as) == 0 {
		return
	}
	without := slices.Clone(p.Crossings)
	for _, paths := range [][][]float64{p.meanPaths, p.peakPaths} {
		for _, path := range paths {
			for k := range path {
				d := p.next.AddDate(0, 0, k)
				for _, a := range as {
					path[k] += a.at(d)
				}
			}
		}
	}
	p.show()
	p.reach(p.Crossings, 1, today)
	var names, dates []string
	for _, a := range as {
		whose := ""
		if who := a.Namespace + a.Group; who != "" {
			whose = " (" + who + ")"
		}
		grows := ""
		if a.growth > 0 {
			grows = fmt.Sprintf(", growing by %s of it a month", percent(a.growth))
		}
		names = append(names, fmt.Sprintf("%s%s adds %s from %s%s", a.Name, whose, units.Quantity(a.amount, p.Unit), a.Start, grows))
	}
	for i, w := range without {
		p.Crossings[i].Without = &Without{Date: w.Date, RunwayDays: w.RunwayDays, Chance: w.Chance}
		if w.Date != nil {
			dates = append(dates, fmt.Sprintf("%s on %s (%d days)", w.Name, w.Date.Format(time.DateOnly), *w.RunwayDays))
		} else {
			dates = append(dates, fmt.Sprintf("%s not within %d months (%s chance)", w.Name, ViewMonths(p.ViewDays), article(percent(w.Chance))))
		}
	}
	them := "it"
	if len(as) > 1 {
		them = "them"
	}
	note := "Planned: " + strings.Join(names, "; ") + ". The forecasts and dates include " + them
	if len(dates) > 0 {
		note += "; without: " + strings.Join(dates, ", ")
	}
	p.Notes = append(p.Notes, note)
}
