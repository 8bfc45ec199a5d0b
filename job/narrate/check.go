package narrate

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/templates"
)

// kind is what a number measures; numbers of different kinds never match.
type kind int

const (
	plain kind = iota
	percent
	cores
	bytesKind
	days
	months
	money
	nodes
)

// figure is one number the report holds, in its base unit (bytes, cores,
// days, dollars, percent).
type figure struct {
	kind  kind
	value float64
}

// Figures are every number a narrative may state: those of the report and
// of the prompt (itself written from the report), and the report's dates.
type Figures struct {
	values []figure
	dates  map[string]bool
}

// claimRE finds numbers and what follows them. Dates come first so their
// parts are not read as numbers; a number glued to a letter or a hyphen
// before it (node-2, llama3, N+1) is a name, not a claim.
var claimRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_+\-./])(?:(\d{4}-\d{2}-\d{2})|(\d{4}-\d{2})\b|(\$\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%|percent|cores?|CPUs?|[KMGTP]i?B|bytes?|days?|weeks?|months?|years?|nodes?|\$|USD|dollars?)?)`)

// claim is one number of a text.
type claim struct {
	text     string
	value    float64
	decimals int
	kind     kind
	// scales are the base-unit multipliers the unit may mean (GB is often
	// written for GiB).
	scales []float64
	date   string
}

var byteScales = map[string][]float64{
	"K": {1 << 10, 1e3}, "Ki": {1 << 10}, "M": {1 << 20, 1e6}, "Mi": {1 << 20},
	"G": {1 << 30, 1e9}, "Gi": {1 << 30}, "T": {1 << 40, 1e12}, "Ti": {1 << 40}, "P": {1 << 50, 1e15}, "Pi": {1 << 50},
}

func claims(text string) []claim {
	var out []claim
	for _, m := range claimRE.FindAllStringSubmatch(text, -1) {
		switch {
		case m[1] != "":
			out = append(out, claim{text: m[1], date: m[1]})
			continue
		case m[2] != "":
			out = append(out, claim{text: m[2], date: m[2]})
			continue
		}
		digits := strings.ReplaceAll(m[4], ",", "") + m[5]
		v, err := strconv.ParseFloat(digits, 64)
		if err != nil {
			continue
		}
		c := claim{text: strings.TrimSpace(m[3] + m[4] + m[5] + spaced(m[6])), value: v, scales: []float64{1}}
		if m[5] != "" {
			c.decimals = len(m[5]) - 1
		}
		unit := strings.ToLower(m[6])
		switch {
		case m[3] != "" || unit == "$" || unit == "usd" || strings.HasPrefix(unit, "dollar"):
			c.kind = money
		case unit == "%" || unit == "percent":
			c.kind = percent
		case strings.HasPrefix(unit, "core") || strings.HasPrefix(unit, "cpu"):
			c.kind = cores
		case strings.HasPrefix(unit, "byte"):
			c.kind = bytesKind
		case strings.HasSuffix(unit, "b"):
			c.kind, c.scales = bytesKind, byteScales[strings.TrimSuffix(m[6], "B")]
		case strings.HasPrefix(unit, "day"):
			c.kind = days
		case strings.HasPrefix(unit, "week"):
			c.kind, c.scales = days, []float64{7}
		case strings.HasPrefix(unit, "month"):
			c.kind = months
		case strings.HasPrefix(unit, "year"):
			c.kind, c.scales = months, []float64{12}
		case strings.HasPrefix(unit, "node"):
			c.kind = nodes
		}
		out = append(out, c)
	}
	return out
}

func spaced(unit string) string {
	if unit == "" || unit == "%" {
		return unit
	}
	return " " + unit
}

// matches tells whether a figure supports the claim: same kind (a bare
// number may be of any kind) and equal once rounded as the claim is, with
// 2% leeway for prose that rounds loosely ("about 115 GiB").
func (c claim) matches(f figure) bool {
	if c.kind != plain && c.kind != f.kind {
		return false
	}
	for _, scale := range c.scales {
		v := f.value / scale
		if c.kind == plain && f.kind == percent {
			v = f.value
		}
		half := 0.5 * math.Pow(10, -float64(c.decimals))
		if math.Abs(v-c.value) <= half+0.02*math.Abs(v) {
			return true
		}
	}
	return false
}

// Check returns the claims of text that no figure supports. Bare integers
// up to 12 are not claims: they count sections, list items and months.
func (fs Figures) Check(text string, draft int) []templates.Claim {
	var bad []templates.Claim
	for _, c := range claims(text) {
		if c.date != "" {
			if !fs.dates[c.date] {
				bad = append(bad, templates.Claim{Draft: draft, Text: c.text, Problem: "no such date in the report"})
			}
			continue
		}
		if c.kind == plain && c.decimals == 0 && c.value <= 12 {
			continue
		}
		ok := false
		for _, f := range fs.values {
			if c.matches(f) {
				ok = true
				break
			}
		}
		if !ok {
			bad = append(bad, templates.Claim{Draft: draft, Text: c.text, Problem: "matches no figure of the report"})
		}
	}
	return bad
}

// NewFigures gathers the report's figures: those stated in the prompt
// (which is written from the report), and the report's own values in
// their base units, so that a number converted to another unit or
// rounded differently still matches.
func NewFigures(r templates.Report, prompt string) Figures {
	fs := Figures{dates: map[string]bool{r.Date: true}}
	add := func(k kind, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			fs.values = append(fs.values, figure{k, v})
		}
	}
	// addClaims takes the numbers a text of the report's own states.
	addClaims := func(text string) {
		for _, c := range claims(text) {
			if c.date != "" {
				fs.dates[c.date] = true
				continue
			}
			for _, s := range c.scales {
				add(c.kind, c.value*s)
			}
		}
	}
	addClaims(prompt)
	addDate := func(t *time.Time) {
		if t != nil {
			fs.dates[t.Format(time.DateOnly)] = true
			fs.dates[t.Format("2006-01")] = true
		}
	}
	today, _ := time.Parse(time.DateOnly, r.Date)
	addDays := func(d float64) {
		add(days, d)
		add(months, d/30.44)
	}
	quantity := func(unit string, v float64) {
		switch unit {
		case collectors.Cores:
			add(cores, v)
		case collectors.Bytes, collectors.BytesPerSecond:
			add(bytesKind, v)
		default:
			add(plain, v)
		}
	}
	// level is a value of a resource, in its unit and as a share of its
	// capacity.
	level := func(res templates.Resource, v float64) {
		quantity(res.Unit, v)
		if res.Capacity > 0 {
			add(percent, 100*v/res.Capacity)
		}
	}
	for _, res := range r.Resources {
		for _, v := range []float64{res.Capacity, res.Today, res.TodayPeak, res.AtHorizon, res.HorizonError} {
			level(res, v)
		}
		addDays(float64(res.HorizonDays))
		if res.Runway != nil {
			addDays(*res.Runway)
		}
		for _, c := range res.Crossings {
			level(res, c.Level)
			addDate(c.Date)
			addDate(c.Earliest)
			if c.Date != nil {
				addDays(c.Date.Sub(today).Hours() / 24)
			}
		}
		// The forecast's steps that the prompt shows.
		for _, n := range []struct {
			pts  []templates.Point
			step int
		}{{res.Daily, 30}, {res.Daily, 60}, {res.Daily, res.HorizonDays}, {res.Monthly, 12}} {
			if p, ok := step(n.pts, n.step); ok {
				level(res, p.Mean)
			}
		}
	}
	for _, o := range r.Options {
		add(money, o.Cost)
		add(money, o.CostPerMonth)
		addDays(o.Runway)
		add(months, o.GainMonths)
	}
	for _, e := range r.Timeline {
		d := e.Date
		addDate(&d)
	}
	s := r.Summary
	add(nodes, float64(s.Nodes))
	add(nodes, float64(s.Nodes-1))
	add(cores, s.Allocatable.CPUCores)
	add(cores, s.Requests.CPUCores)
	add(bytesKind, float64(s.Allocatable.MemoryBytes))
	add(bytesKind, float64(s.Requests.MemoryBytes))
	if s.Usage != nil {
		add(cores, s.Usage.CPUCores)
		add(bytesKind, float64(s.Usage.MemoryBytes))
	}
	if c := s.Ceph; c != nil {
		for _, v := range []int64{c.TotalBytes, c.UsedBytes, c.AvailBytes, c.UsableBytes} {
			add(bytesKind, float64(v))
		}
		add(percent, 100*c.NearfullRatio)
		add(percent, 100*c.FullRatio)
	}
	if n := r.NPlusOne; n != nil {
		for _, v := range []float64{n.CPU.Requests, n.CPU.Remaining, n.CPU.Headroom, -n.CPU.Headroom} {
			add(cores, v)
		}
		for _, v := range []float64{n.Memory.Requests, n.Memory.Remaining, n.Memory.Headroom, -n.Memory.Headroom} {
			add(bytesKind, v)
		}
		if u := n.CPUUse; u != nil {
			add(cores, u.Mean)
			add(cores, u.Peak)
		}
		if u := n.MemoryUse; u != nil {
			add(bytesKind, u.Mean)
			add(bytesKind, u.Peak)
		}
	}
	for _, rec := range r.Recommendations {
		quantity(rec.Unit, rec.Level)
		quantity(rec.Unit, rec.Needed)
		addClaims(rec.Message)
	}
	return fs
}

// step is the forecast's step n (1-based), if it has one.
func step(pts []templates.Point, n int) (templates.Point, bool) {
	if n < 1 || n > len(pts) {
		return templates.Point{}, false
	}
	return pts[n-1], true
}

// describe lists rejected claims for the model's second draft.
func describe(bad []templates.Claim) string {
	var b strings.Builder
	for _, c := range bad {
		fmt.Fprintf(&b, "- %q: %s\n", c.Text, c.Problem)
	}
	return b.String()
}
