package templates

import (
	"bytes"
	"embed"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/units"
)

//go:embed report.md.tmpl
var builtin embed.FS

// TemplateFile is the markdown template's name, embedded or in a
// --template-dir.
const TemplateFile = "report.md.tmpl"

// Markdown renders report.md from the embedded template, or from
// report.md.tmpl in dir when dir is not empty.
func Markdown(r report.Report, dir string) ([]byte, error) {
	src, err := builtin.ReadFile(TemplateFile)
	name := TemplateFile
	if dir != "" {
		name = filepath.Join(dir, TemplateFile)
		src, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("report template: %w", err)
	}
	t, err := template.New(TemplateFile).Funcs(Funcs()).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("report template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return nil, fmt.Errorf("report template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Funcs are the functions report templates call, for other templates
// written from a Report (the narrative's prompt).
func Funcs() template.FuncMap {
	day := func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.Format(time.DateOnly)
	}
	runwayText := func(days float64) string {
		return fmt.Sprintf("%.0f days (%.1f months)", days, days/planner.DaysPerMonth)
	}
	return template.FuncMap{
		"q":     units.Quantity,
		"float": func(v int64) float64 { return float64(v) },
		"neg":   func(v float64) float64 { return -v },
		"sub":   func(a, b int) int { return a - b },
		"fig":   func(f report.Figure) float64 { return float64(f) },
		// isTrue reads a *bool: a template's "if" takes any pointer but nil
		// for true.
		"isTrue": func(b *bool) bool { return b != nil && *b },
		// ahead is a resource's forecast error that many days ahead, with
		// the reports it is over; "—" where no report's day has come.
		"ahead": func(r report.TrackResource, days int) string {
			for _, e := range r.Errors {
				if e.Ahead == days {
					return fmt.Sprintf("%s (%d)", units.Quantity(float64(e.Error), r.Unit), e.Reports)
				}
			}
			return "—"
		},
		"trackSummary": trackSummary,
		// signed is a change with its sign: +1.20 cores, -3.4 GiB.
		"signed": func(v float64, unit string) string {
			q := units.Quantity(math.Abs(v), unit)
			if n, err := strconv.ParseFloat(strings.Fields(q)[0], 64); err == nil && n == 0 {
				return q // a change that rounds away has no sign
			}
			if v < 0 {
				return "−" + q
			}
			return "+" + q
		},
		// growthShare is a part of the cluster's growth, "—" when it did
		// not grow.
		"growthShare": func(v *float64) string {
			if v == nil {
				return "—"
			}
			pct := math.Round(100 * *v)
			if pct < 0 {
				return fmt.Sprintf("−%.0f%%", -pct)
			}
			return fmt.Sprintf("%.0f%%", math.Abs(pct))
		},
		// slight says whether v is under a two-thousandth of of: a
		// remainder that rounds away.
		"slight": func(v, of float64) bool { return math.Abs(v) < 0.0005*math.Abs(of) },
		"pct": func(v, of float64) string {
			if of <= 0 {
				return "—"
			}
			return fmt.Sprintf("%.0f%%", 100*v/of)
		},
		"day":    day,
		"days":   func(v float64) string { return fmt.Sprintf("%.0f days", v) },
		"months": func(v float64) string { return fmt.Sprintf("%.1f months", v) },
		"money":  units.Dollars,
		"md":     Inline,
		"prose":  escapeProse,
		"anchor": func(s string) string {
			return strings.Trim(strings.Map(func(r rune) rune {
				switch {
				case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
					return r
				case r >= 'A' && r <= 'Z':
					return r + 'a' - 'A'
				}
				return -1
			}, s), "-")
		},
		"horizon": func(r report.Report) int {
			for _, res := range r.Resources {
				return res.HorizonDays
			}
			return 0
		},
		"runway": func(days *float64) string {
			if days == nil {
				return "beyond the forecasts"
			}
			return runwayText(*days)
		},
		// first is the soonest crossing; the list's order on a tie.
		"first": func(res report.Resource) string {
			c := soonest(res)
			if c == nil {
				return "none " + seen(res)
			}
			return c.Name + " " + c.Date.Format(time.DateOnly)
		},
		// peakFirst tells whether the soonest crossing is on daily peaks:
		// then the peaks are shown beside the means.
		"peakFirst": func(res report.Resource) bool { c := soonest(res); return c != nil && c.Peak },
		"crossing": func(c planner.Crossing, res report.Resource) string {
			switch {
			case c.Already:
				return "already reached"
			case c.Date != nil:
				return c.Date.Format(time.DateOnly)
			}
			return "not " + seen(res)
		},
		// view is how far the dates look: "12 months".
		"view": func(res report.Resource) string { return strings.TrimPrefix(seen(res), "within ") },
		// share is a fraction as a whole percentage.
		"share": func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
		"crossingRunway": func(c planner.Crossing) string {
			if c.RunwayDays == nil {
				return "beyond the forecasts"
			}
			return runwayText(float64(*c.RunwayDays))
		},
	}
}

// trackSummary is the track record in a sentence: the crossings earlier
// reports expected by the last day the history holds, what came of them,
// and how often the bands held.
func trackSummary(t report.Track) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Checked: %d earlier report(s), %s to %s, against the history to %s. ", t.Reports, t.From, t.To, t.Through)
	switch t.Expected {
	case 0:
		b.WriteString("None of them dated a crossing by then")
	default:
		fmt.Fprintf(&b, "Of the %d crossing(s) they expected by then, %d happened by their date, %d later, and %d have not happened", t.Expected, t.ByDate, t.Later, t.NotYet)
		if n := t.ByDate + t.Later; n > 0 {
			fmt.Fprintf(&b, "; of the %d that happened, \"as early as\" came first for %d", n, t.EarlyHeld)
		}
	}
	if t.Days > 0 {
		fmt.Fprintf(&b, "; 80%% bands held %.0f%% of the %d forecast days since, 95%% bands %.0f%%", 100*float64(t.Within80), t.Days, 100*float64(t.Within95))
	}
	b.WriteString(".")
	return b.String()
}

// seen says how far a resource's dates look.
func seen(res report.Resource) string {
	return fmt.Sprintf("within %d months", planner.ViewMonths(res.ViewDays))
}

// soonest is res's soonest dated crossing, the list's first on a tie; nil
// when none is dated.
func soonest(res report.Resource) *planner.Crossing {
	var first *planner.Crossing
	for i, c := range res.Crossings {
		if c.Date != nil && (first == nil || c.Date.Before(*first.Date)) {
			first = &res.Crossings[i]
		}
	}
	return first
}
