package narrate

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/units"
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

// subject is what a figure belongs to and a sentence may speak of: a
// resource ("cpu/usage"), an option ("add a node"), or the cluster ("").
type subject string

// subjects of the report: what each holds.
type holdings struct {
	values []figure
	dates  map[string]bool
}

// Figures are every number a narrative may state, bound to its subject:
// a number, its unit or a date is accepted only from the subject the
// sentence speaks of. The cluster's figures (its nodes, N+1, Ceph's
// totals) belong to sentences that name no resource or option.
type Figures struct {
	of map[subject]*holdings
	// global are true of the whole report: its day, the horizons.
	global holdings
	// names are the words that name a subject, longest first.
	names []naming
	// nodesBought are the numbers of nodes an option buys.
	nodesBought map[float64]bool
}

// naming is a way a text names a subject.
type naming struct {
	words   string // lower case
	subject subject
	option  bool
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
	// scales are the base-unit multipliers the unit may mean.
	scales []float64
	date   string
	// at is where the claim ends in its sentence.
	at int
}

// byteScales: GB is 10⁹ bytes and GiB 2³⁰; a GiB figure written as GB is
// off by 7% and rejected.
var byteScales = map[string][]float64{
	"K": {1e3}, "Ki": {1 << 10}, "M": {1e6}, "Mi": {1 << 20},
	"G": {1e9}, "Gi": {1 << 30}, "T": {1e12}, "Ti": {1 << 40}, "P": {1e15}, "Pi": {1 << 50},
}

func claims(text string) []claim {
	var out []claim
	for _, ix := range claimRE.FindAllStringSubmatchIndex(text, -1) {
		m := make([]string, len(ix)/2)
		for i := range m {
			if ix[2*i] >= 0 {
				m[i] = text[ix[2*i]:ix[2*i+1]]
			}
		}
		at := ix[1]
		switch {
		case m[1] != "":
			out = append(out, claim{text: m[1], date: m[1], at: at})
			continue
		case m[2] != "":
			out = append(out, claim{text: m[2], date: m[2], at: at})
			continue
		}
		digits := strings.ReplaceAll(m[4], ",", "") + m[5]
		v, err := strconv.ParseFloat(digits, 64)
		if err != nil {
			continue
		}
		c := claim{text: strings.TrimSpace(m[3] + m[4] + m[5] + spaced(m[6])), value: v, scales: []float64{1}, at: at}
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
// number may be of any kind) and equal once rounded as the claim is.
func (c claim) matches(f figure) bool {
	if c.kind != plain && c.kind != f.kind {
		return false
	}
	for _, scale := range c.scales {
		v := f.value / scale
		// Half a unit of the claim's last digit, and a hair more for the
		// float arithmetic of conversions.
		half := 0.5*math.Pow(10, -float64(c.decimals)) + 1e-9*math.Abs(v)
		if math.Abs(v-c.value) <= half {
			return true
		}
	}
	return false
}

// Check returns the claims of text that the report does not support where
// they are made. Each sentence speaks of the subjects it names; a claim
// belongs to the nearest named before it in its sentence (else the first
// after it), and a sentence that names none speaks of the previous
// sentence's last one in its paragraph, else of the cluster. Dollars are
// the options' and node counts the cluster's (or, after "buy" or "add",
// the options'), whatever the sentence names. Bare integers up to 12 are
// not claims: they count sections, list items and months.
func (fs Figures) Check(text string, draft int) []report.Claim {
	var bad []report.Claim
	for _, para := range strings.Split(text, "\n\n") {
		var carried subject
		for _, sentence := range sentences(para) {
			named := fs.named(sentence)
			for _, c := range claims(sentence) {
				if c.date == "" && c.kind == plain && c.decimals == 0 && c.value <= 12 {
					continue
				}
				about := carried
				if len(named) > 0 {
					about = named[0].subject
					for _, n := range named {
						if n.at <= c.at-len(c.text) {
							about = n.subject
						}
					}
				}
				if problem := fs.support(c, about, sentence); problem != "" {
					bad = append(bad, report.Claim{Draft: draft, Text: c.text, Problem: problem})
				}
			}
			if len(named) > 0 {
				carried = named[len(named)-1].subject
			}
		}
	}
	return bad
}

// support says what is wrong with claim c made about a subject, or "".
func (fs Figures) support(c claim, about subject, sentence string) string {
	where := "the cluster"
	if about != "" {
		where = string(about)
	}
	if c.date != "" {
		if fs.global.dates[c.date] || fs.holds(about).dates[c.date] {
			return ""
		}
		return "not a date of " + where + " in the report"
	}
	var pool []figure
	switch c.kind {
	case money:
		if strings.HasPrefix(string(about), "option:") {
			pool = fs.holds(about).values
		} else {
			for s, h := range fs.of {
				if strings.HasPrefix(string(s), "option:") {
					pool = append(pool, h.values...)
				}
			}
		}
		where = strings.TrimPrefix(where, "option:")
	case nodes:
		if bought.MatchString(sentence[:max(0, c.at-len(c.text))]) {
			if fs.nodesBought[c.value] {
				return ""
			}
			return "no option buys that many nodes"
		}
		pool = fs.holds("").values
		where = "the cluster"
	default:
		pool = append(fs.global.values, fs.holds(about).values...)
		where = strings.TrimPrefix(where, "option:")
	}
	for _, f := range pool {
		if c.matches(f) {
			return ""
		}
	}
	return "not a figure of " + where + " in the report"
}

// bought finds a verb of buying just before a claim.
var bought = regexp.MustCompile(`(?i)\b(buy|buying|add|adding|purchase|order)\s+(\S+\s+)?$`)

// holds is what a subject holds (nothing when unknown).
func (fs Figures) holds(s subject) *holdings {
	if h, ok := fs.of[s]; ok {
		return h
	}
	return &holdings{}
}

// mention is a subject named at a place of a sentence.
type mention struct {
	subject subject
	at      int
}

// named lists the subjects a sentence names, in order; the longest name
// wins where names overlap ("ceph/pool/x/stored" over "ceph/stored").
func (fs Figures) named(sentence string) []mention {
	lower := strings.ToLower(sentence)
	taken := make([]bool, len(lower))
	var out []mention
	for _, n := range fs.names {
		for from := 0; ; {
			i := strings.Index(lower[from:], n.words)
			if i < 0 {
				break
			}
			i += from
			end := i + len(n.words)
			from = end
			// Whole words only, and not inside a longer name.
			if (i > 0 && isWord(lower[i-1])) || (end < len(lower) && isWord(lower[end])) || slices.Contains(taken[i:end], true) {
				continue
			}
			for k := i; k < end; k++ {
				taken[k] = true
			}
			out = append(out, mention{n.subject, i})
		}
	}
	slices.SortFunc(out, func(a, b mention) int { return a.at - b.at })
	return out
}

func isWord(b byte) bool {
	return b == '_' || b == '/' || b == '-' || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
}

// sentences splits a paragraph at a full stop, question or exclamation
// mark followed by a space or the end (a decimal point is followed by a
// digit), and at line breaks.
func sentences(para string) []string {
	var out []string
	start := 0
	for i := 0; i < len(para); i++ {
		switch para[i] {
		case '\n':
		case '.', '!', '?':
			if i+1 < len(para) && para[i+1] != ' ' && para[i+1] != '\n' {
				continue
			}
		default:
			continue
		}
		out = append(out, para[start:i+1])
		start = i + 1
	}
	if start < len(para) {
		out = append(out, para[start:])
	}
	return out
}

// NewFigures gathers the report's figures, each bound to its subject, in
// their base units, so that a number converted to another unit or rounded
// differently still matches where it is true. prompt is not read: every
// figure the prompt states comes from the report.
func NewFigures(r report.Report, _ string) Figures {
	fs := Figures{of: map[subject]*holdings{}, global: holdings{dates: map[string]bool{r.Date: true}}, nodesBought: map[float64]bool{}}
	at := func(s subject) *holdings {
		if fs.of[s] == nil {
			fs.of[s] = &holdings{dates: map[string]bool{}}
		}
		return fs.of[s]
	}
	add := func(h *holdings, k kind, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			h.values = append(h.values, figure{k, v})
		}
	}
	addDate := func(h *holdings, t *time.Time) {
		if t != nil {
			h.dates[t.Format(time.DateOnly)] = true
		}
	}
	addDays := func(h *holdings, d float64) {
		add(h, days, d)
		add(h, months, d/planner.DaysPerMonth)
	}
	// addClaims takes the numbers and dates a text of the report states
	// (a recommendation's message) for its subject.
	addClaims := func(h *holdings, text string) {
		for _, c := range claims(text) {
			if c.date != "" {
				h.dates[c.date] = true
				continue
			}
			for _, s := range c.scales {
				add(h, c.kind, c.value*s)
			}
		}
	}
	quantity := func(h *holdings, unit string, v float64) {
		switch unit {
		case units.Cores:
			add(h, cores, v)
		case units.Bytes, units.BytesPerSecond:
			add(h, bytesKind, v)
		default:
			add(h, plain, v)
		}
	}
	// level is a value of a resource, in its unit and as a share of its
	// capacity.
	level := func(h *holdings, res report.Resource, v float64) {
		quantity(h, res.Unit, v)
		if res.Capacity > 0 {
			add(h, percent, 100*v/res.Capacity)
		}
	}
	today, _ := time.Parse(time.DateOnly, r.Date)
	cluster := at("")
	for _, res := range r.Resources {
		h := at(subject(res.Name))
		addDays(&fs.global, float64(res.HorizonDays))
		addDays(&fs.global, float64(res.ViewDays))
		for _, v := range []float64{res.Capacity, res.Today, res.TodayPeak, res.AtHorizon, res.HorizonError} {
			level(h, res, v)
		}
		if res.Runway != nil {
			addDays(h, *res.Runway)
		}
		for _, c := range res.Crossings {
			level(h, res, c.Level)
			add(h, percent, 100*c.Fraction)
			add(h, percent, 100*c.Chance)
			addDate(h, c.Date)
			addDate(h, c.Earliest)
			for _, d := range []*time.Time{c.Date, c.Earliest} {
				if d != nil {
					addDays(h, d.Sub(today).Hours()/24)
				}
			}
		}
		// The forecast's steps that the prompt shows, with their bounds.
		for _, n := range []struct {
			pts  []report.Point
			step int
		}{{res.Daily, 30}, {res.Daily, 60}, {res.Daily, res.HorizonDays}, {res.Monthly, 12}} {
			if p, ok := step(n.pts, n.step); ok {
				for _, v := range []float64{p.Mean, p.Lo95, p.Hi95} {
					level(h, res, v)
				}
			}
		}
		fs.names = append(fs.names, names(res.Name)...)
	}
	for _, o := range r.Options {
		h := at(subject("option:" + o.Option))
		add(h, money, o.Cost)
		add(h, money, o.CostPerMonth)
		addDays(h, o.Runway)
		add(h, months, o.GainMonths)
		if o.Nodes > 0 {
			fs.nodesBought[float64(o.Nodes)] = true
		}
		fs.names = append(fs.names, naming{strings.ToLower(o.Option), subject("option:" + o.Option), true})
	}
	for _, e := range r.Timeline {
		d := e.Date
		addDate(cluster, &d)
	}
	s := r.Summary
	add(cluster, nodes, float64(s.Nodes))
	add(cluster, nodes, float64(s.Nodes-1))
	add(cluster, cores, s.Allocatable.CPUCores)
	add(cluster, cores, s.Requests.CPUCores)
	add(cluster, bytesKind, float64(s.Allocatable.MemoryBytes))
	add(cluster, bytesKind, float64(s.Requests.MemoryBytes))
	if s.Usage != nil {
		add(cluster, cores, s.Usage.CPUCores)
		add(cluster, bytesKind, float64(s.Usage.MemoryBytes))
	}
	if c := s.Ceph; c != nil {
		for _, v := range []int64{c.TotalBytes, c.UsedBytes, c.AvailBytes, c.UsableBytes} {
			add(cluster, bytesKind, float64(v))
		}
		add(cluster, percent, 100*c.NearfullRatio)
		add(cluster, percent, 100*c.FullRatio)
	}
	if n := r.NPlusOne; n != nil {
		for _, v := range []float64{n.CPU.Requests, n.CPU.Remaining, n.CPU.Headroom, -n.CPU.Headroom} {
			add(cluster, cores, v)
		}
		for _, v := range []float64{n.Memory.Requests, n.Memory.Remaining, n.Memory.Headroom, -n.Memory.Headroom} {
			add(cluster, bytesKind, v)
		}
		if u := n.CPUUse; u != nil {
			add(cluster, cores, u.Mean)
			add(cluster, cores, u.Peak)
		}
		if u := n.MemoryUse; u != nil {
			add(cluster, bytesKind, u.Mean)
			add(cluster, bytesKind, u.Peak)
		}
		if c := n.Ceph; c != nil {
			addClaims(cluster, c.Message)
		}
	}
	for _, rec := range r.Recommendations {
		h := cluster
		if slices.ContainsFunc(r.Resources, func(res report.Resource) bool { return res.Name == rec.Resource }) {
			h = at(subject(rec.Resource))
		}
		quantity(h, rec.Unit, rec.Level)
		quantity(h, rec.Unit, rec.Needed)
		addClaims(h, rec.Message)
	}
	// Words that speak of the cluster as a whole: its figures are the
	// summary's, N+1's and Ceph's totals.
	for _, w := range []string{"cluster", "losing", "n+1", "ceph"} {
		fs.names = append(fs.names, naming{words: w})
	}
	if n := r.NPlusOne; n != nil && n.LostNode != "" {
		fs.names = append(fs.names, naming{words: strings.ToLower(n.LostNode)})
	}
	slices.SortStableFunc(fs.names, func(a, b naming) int { return len(b.words) - len(a.words) })
	return fs
}

// names are the ways a text names a resource: its name ("ceph/raw_used"),
// its words ("ceph raw used"), and those without a last word of usage
// ("ceph raw") when two or more remain; a pool also by its own name.
func names(resource string) []naming {
	s := subject(resource)
	out := []naming{{words: strings.ToLower(resource), subject: s}}
	words := strings.Fields(strings.NewReplacer("/", " ", "_", " ").Replace(strings.ToLower(resource)))
	out = append(out, naming{words: strings.Join(words, " "), subject: s})
	if n := len(words); n > 2 {
		switch words[n-1] {
		case "usage", "used", "stored", "requested":
			out = append(out, naming{words: strings.Join(words[:n-1], " "), subject: s})
		}
	}
	if len(words) == 4 && words[0] == "ceph" && words[1] == "pool" {
		out = append(out, naming{words: "pool " + words[2], subject: s}, naming{words: words[2] + " pool", subject: s})
	}
	return out
}

// step is the forecast's step n (1-based), if it has one.
func step(pts []report.Point, n int) (report.Point, bool) {
	if n < 1 || n > len(pts) {
		return report.Point{}, false
	}
	return pts[n-1], true
}

// describe lists rejected claims for the model's second draft.
func describe(bad []report.Claim) string {
	var b strings.Builder
	for _, c := range bad {
		fmt.Fprintf(&b, "- %q: %s\n", c.Text, c.Problem)
	}
	return b.String()
}
