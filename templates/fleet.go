package templates

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/capplan/capplan/report"
)

// FleetMarkdown is the fleet's summary, the README.md at the report
// repository's root: each cluster's soonest runway, the resource and
// threshold that bind it and its status, soonest first, linked to its
// report; then the clusters that could not be planned, and why, and
// those whose report is incomplete.
func FleetMarkdown(f report.Fleet) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Capacity of the fleet: %s\n\n", f.Date)
	planned := f.Planned()
	fmt.Fprintf(&b, "Written by capplan every week from the store's series told apart by `%s`: %d cluster(s) planned, soonest runway first", Inline(f.Label), planned)
	if n := len(f.Clusters) - planned; n > 0 {
		fmt.Fprintf(&b, "; %d could not be", n)
	}
	b.WriteString(".\n\n")
	if planned > 0 {
		b.WriteString("| cluster | soonest runway | resource | threshold | date | status | report |\n|---|---:|---|---|---|---|---|\n")
	}
	for _, c := range f.Clusters {
		if !c.Planned() {
			continue
		}
		runway := "beyond the forecasts"
		if c.Runway != nil {
			runway = fmt.Sprintf("%.0f days", *c.Runway)
		}
		status := c.Status
		if len(c.Gaps) > 0 {
			status += " (incomplete)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", Inline(c.Name), runway, Inline(c.Binding), Inline(c.Threshold), c.Date, status, link(c.Report))
	}
	var failed, incomplete []string
	for _, c := range f.Clusters {
		switch {
		case !c.Planned():
			line := fmt.Sprintf("- **%s**: %s", Inline(c.Name), Inline(c.Error))
			if c.Report != "" {
				line += " (" + link(c.Report) + ")"
			}
			failed = append(failed, line)
		case len(c.Gaps) > 0:
			incomplete = append(incomplete, fmt.Sprintf("- **%s**: %s", Inline(c.Name), Inline(strings.Join(c.Gaps, "; "))))
		}
	}
	if len(failed) > 0 {
		b.WriteString("\n## Not planned\n\n" + strings.Join(failed, "\n") + "\n")
	}
	if len(incomplete) > 0 {
		b.WriteString("\n## Incomplete\n\nThese reports stand on what the other sources gave:\n\n" + strings.Join(incomplete, "\n") + "\n")
	}
	return b.Bytes()
}

// link is a report's directory as a link to its report.md; "none" when
// it has none.
func link(dir string) string {
	if dir == "" {
		return "none"
	}
	return fmt.Sprintf("[report](%s/report.md)", dir)
}
