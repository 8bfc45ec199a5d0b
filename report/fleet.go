package report

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/planner"
)

// FleetSchema identifies fleet.json's layout.
const FleetSchema = "capplan.fleet/v1"

// Fleet is a run's summary of the clusters it planned: fleet.json and
// the README.md at the report repository's root.
type Fleet struct {
	Schema    string    `json:"schema"`
	Generated time.Time `json:"generated"`
	Date      string    `json:"date"` // YYYY-MM-DD
	// Label is the label the store tells the clusters apart by.
	Label string `json:"cluster_label"`
	// Clusters are those planned, soonest runway first, then those that
	// could not be planned.
	Clusters []FleetCluster `json:"clusters"`
}

// FleetCluster is one cluster at a glance: its soonest runway, its
// status and the resource that binds it, or why it could not be planned.
type FleetCluster struct {
	Name string `json:"name"`
	// Report is the report's directory in the repository; "" when no
	// report was published.
	Report string `json:"report,omitempty"`
	// Status is the worst of its resources' ("critical", "warning",
	// "ok"); "unknown" when no resource was planned.
	Status string `json:"status"`
	// Runway is the soonest of the cluster's resources' runways in days
	// (a namespace's against its quota is the namespace's, not the
	// cluster's); nil when none is reached within the forecasts, or
	// nothing was planned.
	Runway *float64 `json:"runway_days"`
	// Binding is the resource of that runway, Threshold and Date the
	// threshold it crosses and when (YYYY-MM-DD).
	Binding   string `json:"binding,omitempty"`
	Threshold string `json:"threshold,omitempty"`
	Date      string `json:"date,omitempty"`
	Resources int    `json:"resources"`
	Unknown   int    `json:"unknown"`
	// Gaps are the stages and sources of its run that failed: its report
	// is incomplete.
	Gaps []string `json:"gaps,omitempty"`
	// Error is why the cluster has no report (or one that plans
	// nothing); "" when it was planned.
	Error string `json:"error,omitempty"`
}

// NothingPlanned is what a report that plans no resource says, first,
// in its gap.
const NothingPlanned = "no resource could be planned"

// Planned tells a cluster that has a plan.
func (c FleetCluster) Planned() bool { return c.Error == "" }

// FleetEntry is a cluster's line in the summary from its report (r may be
// nil) in the repository's directory dir, and the error its run ended
// with; a report that plans nothing counts as not planned.
func FleetEntry(name, dir string, r *Report, err error) FleetCluster {
	c := FleetCluster{Name: name, Report: dir, Status: "unknown"}
	if r == nil || len(r.Resources) == 0 {
		c.Error = NothingPlanned
		if err != nil {
			c.Error = err.Error()
		}
	}
	if r == nil {
		return c
	}
	var why []string
	for _, g := range r.Gaps {
		c.Gaps = append(c.Gaps, g.Stage+": "+g.Error)
		if !strings.HasPrefix(g.Error, NothingPlanned) {
			why = append(why, g.Stage+": "+g.Error)
		}
	}
	if c.Error == NothingPlanned && len(why) > 0 {
		// What failed is why, rather than what it left.
		c.Error += ": " + strings.Join(why, "; ")
	}
	c.Resources, c.Unknown = len(r.Resources), len(r.Unknown)
	for _, res := range r.Resources {
		if c.Status == "unknown" || planner.Worse(res.Status, c.Status) {
			c.Status = res.Status
		}
		if planner.Namespaced(res.Name) || res.Runway == nil || (c.Runway != nil && *res.Runway >= *c.Runway) {
			continue
		}
		c.Runway, c.Binding = res.Runway, res.Name
		for _, x := range res.Crossings {
			if x.RunwayDays != nil && float64(*x.RunwayDays) == *res.Runway && x.Date != nil {
				c.Threshold, c.Date = x.Name, x.Date.Format(time.DateOnly)
				break
			}
		}
	}
	return c
}

// Sort orders the clusters: those planned by runway, soonest first (one
// beyond the forecasts after every dated one, then by status and name),
// then those that could not be planned, by name.
func (f *Fleet) Sort() {
	slices.SortStableFunc(f.Clusters, func(a, b FleetCluster) int {
		if a.Planned() != b.Planned() {
			if a.Planned() {
				return -1
			}
			return 1
		}
		if a.Runway != nil && b.Runway != nil && *a.Runway != *b.Runway {
			return cmp.Compare(*a.Runway, *b.Runway)
		}
		if (a.Runway == nil) != (b.Runway == nil) {
			if a.Runway != nil {
				return -1
			}
			return 1
		}
		if a.Status != b.Status {
			if planner.Worse(a.Status, b.Status) {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// Planned is how many clusters were planned.
func (f Fleet) Planned() int {
	n := 0
	for _, c := range f.Clusters {
		if c.Planned() {
			n++
		}
	}
	return n
}

// Failed is how many clusters could not be planned or have an incomplete
// report.
func (f Fleet) Failed() int {
	n := 0
	for _, c := range f.Clusters {
		if !c.Planned() || len(c.Gaps) > 0 {
			n++
		}
	}
	return n
}

// JSON is fleet.json.
func (f Fleet) JSON() ([]byte, error) {
	if f.Clusters == nil {
		f.Clusters = []FleetCluster{}
	}
	b, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
