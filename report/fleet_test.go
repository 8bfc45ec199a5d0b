package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/planner"
)

func days(d float64) *float64 { return &d }

// TestFleetEntryAndOrder: a cluster's line is its soonest runway among
// the cluster's resources (a namespace's against its quota is not the
// cluster's), the crossing that gives it, and its worst status; the
// summary puts dated runways first, soonest first, then those beyond the
// forecasts, then the clusters that could not be planned, with why.
func TestFleetEntryAndOrder(t *testing.T) {
	at := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	ten := 10
	res := func(name string, runway *float64, status string) Resource {
		r := Resource{Name: name, Runway: runway, Status: status}
		if runway != nil {
			n := int(*runway)
			if n == 10 {
				r.Crossings = []planner.Crossing{{Threshold: planner.Threshold{Name: "CPU average"}, RunwayDays: &ten, Date: &at}}
			} else {
				r.Crossings = []planner.Crossing{{Threshold: planner.Threshold{Name: "other"}, RunwayDays: &n}}
			}
		}
		return r
	}
	f := Fleet{Clusters: []FleetCluster{
		FleetEntry("quiet", "reports/quiet/x", &Report{Resources: []Resource{res("cpu/usage", nil, "ok")}}, nil),
		FleetEntry("later", "reports/later/x", &Report{Resources: []Resource{res("memory/usage", days(40), "ok")}}, nil),
		FleetEntry("down", "", &Report{Gaps: []Gap{{Stage: "collect", Error: "prometheus: stopped answering"}, {Stage: "plan", Error: NothingPlanned + ": no resource has both"}}}, errors.New(NothingPlanned)),
		FleetEntry("soon", "reports/soon/x", &Report{Resources: []Resource{
			res("namespace/lake/cpu/requests", days(2), "warning"), res("cpu/usage", days(10), "warning"), res("memory/usage", days(30), "ok")}}, nil),
		FleetEntry("lost", "", nil, errors.New("report not published: push refused")),
	}}
	f.Sort()
	var order []string
	for _, c := range f.Clusters {
		order = append(order, c.Name)
	}
	if got := strings.Join(order, ","); got != "soon,later,quiet,down,lost" {
		t.Errorf("order %s, want soon,later,quiet,down,lost", got)
	}
	soon := f.Clusters[0]
	if soon.Binding != "cpu/usage" || *soon.Runway != 10 || soon.Threshold != "CPU average" || soon.Date != "2027-01-04" || soon.Status != "warning" {
		t.Errorf("soon: %+v, want cpu/usage's CPU average in 10 days, 2027-01-04, warning", soon)
	}
	if down := f.Clusters[3]; down.Planned() || down.Error != NothingPlanned+": collect: prometheus: stopped answering" || down.Status != "unknown" {
		t.Errorf("down: %+v", down)
	}
	if lost := f.Clusters[4]; lost.Planned() || lost.Error != "report not published: push refused" {
		t.Errorf("lost: %+v", lost)
	}
	if f.Failed() != 2 {
		t.Errorf("%d failed, want 2", f.Failed())
	}
}
