package templates

import (
	"strings"
	"testing"

	"github.com/capplan/capplan/report"
)

// TestFleetMarkdown: the summary's table has a row a planned cluster,
// linked to its report, its runway in whole days or beyond the
// forecasts; the clusters not planned and the incomplete reports are
// listed after it with why, their texts escaped.
func TestFleetMarkdown(t *testing.T) {
	ten := 10.0
	f := report.Fleet{Date: "2026-12-07", Label: "cluster", Clusters: []report.FleetCluster{
		{Name: "soon", Report: "reports/soon/2026/2026-12-07", Status: "warning", Runway: &ten, Binding: "cpu/usage", Threshold: "CPU average", Date: "2026-12-17",
			Gaps: []string{"collect: kube | api down"}},
		{Name: "quiet", Report: "reports/quiet/2026/2026-12-07", Status: "ok"},
		{Name: "down", Status: "unknown", Error: "no resource could be planned: collect: a|b"},
	}}
	md := string(FleetMarkdown(f))
	for _, want := range []string{
		"# Capacity of the fleet: 2026-12-07\n",
		"2 cluster(s) planned, soonest runway first; 1 could not be.",
		"| soon | 10 days | cpu/usage | CPU average | 2026-12-17 | warning (incomplete) | [report](reports/soon/2026/2026-12-07/report.md) |\n",
		"| quiet | beyond the forecasts |  |  |  | ok | [report](reports/quiet/2026/2026-12-07/report.md) |\n",
		"## Not planned\n\n- **down**: no resource could be planned: collect: a\\|b\n",
		"## Incomplete\n",
		"- **soon**: collect: kube \\| api down\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
}
