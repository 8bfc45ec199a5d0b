package templates

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/units"
)

// named is a report in which every text that comes from the cluster, a
// source or an error is name.
func named(name string) report.Report {
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	one := 12.0
	r := report.Report{
		Schema: report.Schema, Date: "2026-11-23", Cluster: name,
		Resources: []report.Resource{
			{Name: "ceph/pool/" + name + "/stored", Unit: units.Bytes, Capacity: 100, Today: 50, Status: "ok", Source: "prometheus " + name,
				Method: "ETS(A,N,N)", Crossings: []planner.Crossing{{Threshold: planner.Threshold{Name: "storage " + name, Fraction: 0.7}, Level: 70, Date: &day}},
				Notes: []string{name}},
			{Name: name, Unit: units.Cores, Capacity: 10, Today: 5, Runway: &one, Status: "warning"},
		},
		NPlusOne:        &planner.NPlusOne{LostNode: name, Notes: []string{name}},
		Options:         []planner.Evaluation{{Option: "add " + name, Cost: 100, Runway: 30, Binding: name, GainMonths: 1, CostPerMonth: 100}},
		Recommendations: []planner.Recommendation{{Severity: planner.Warning, Resource: name, Message: name + " reaches 70%"}},
		Timeline:        []planner.Event{{Date: day, What: "replace " + name, Kind: "refresh"}},
		Changes:         []planner.Change{{Resource: name, What: "new namespace " + name, Why: name}},
		ComparedWith:    "2026-11-16",
		Sources:         map[string]string{"nodes": name},
		Notes:           []collectors.Note{{Source: name, Message: name}},
		Gaps:            []report.Gap{{Stage: "collect", Error: "history from " + name + ": no such file"}},
		Narrative:       &report.Narrative{Source: "deterministic", Text: "**Outlook:** fine.", Reason: name},
	}
	// Chart files are named by the report (report.chartFiles), never
	// from the name as given.
	r.Resources[0].Chart, r.Resources[1].Chart = "chart-1.svg", "chart-2.svg"
	return r
}

// unescaped counts the occurrences of c in line that no backslash escapes.
func unescaped(line string, c byte) int {
	n, slashes := 0, 0
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\':
			slashes++
			continue
		case line[i] == c && slashes%2 == 0:
			n++
		}
		slashes = 0
	}
	return n
}

var anchorLink = regexp.MustCompile(`\]\((#|chart-)[A-Za-z0-9_.-]*\)`)

// structure is what names must not change: the lines, and on each the
// cells, links, code spans and emphasis that markdown sees.
func structure(md string) []string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		// Link targets are the anchor function's and the chart files'.
		line = anchorLink.ReplaceAllString(line, "]()")
		var b strings.Builder
		for _, c := range []byte("|[]`*_~") {
			b.WriteString(strings.Repeat(string(c), unescaped(line, c)))
		}
		out = append(out, b.String())
	}
	return out
}

func checkNamed(t *testing.T, name string) {
	want, err := Markdown(named("x"), "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Markdown(named(name), "")
	if err != nil {
		t.Fatal(err)
	}
	ws, gs := structure(string(want)), structure(string(got))
	if len(ws) != len(gs) {
		t.Fatalf("name %q: %d lines, want %d:\n%s", name, len(gs), len(ws), got)
	}
	for i := range ws {
		if ws[i] != gs[i] {
			t.Fatalf("name %q changes line %d's markup (%q, want %q):\n%s", name, i+1, gs[i], ws[i], strings.Split(string(got), "\n")[i])
		}
	}
	// Ours: the narrative's footnote and the gaps' quote.
	rest := strings.NewReplacer("<sub>", "", "</sub>", "", "\n> ", "\n", `(">"`, "").Replace(string(got))
	if strings.ContainsAny(rest, "<>") {
		t.Fatalf("name %q: HTML in the report:\n%s", name, got)
	}
	p := escapeProse(name)
	for _, c := range []byte("[]`|") {
		if unescaped(p, c) > 0 {
			t.Fatalf("Prose(%q) = %q leaves %c", name, p, c)
		}
	}
	if strings.ContainsAny(p, "<>") {
		t.Fatalf("Prose(%q) = %q leaves HTML", name, p)
	}
}

func TestNamesAreData(t *testing.T) {
	for _, name := range []string{
		"a|b", "<img src=x onerror=alert(1)>", "[link](https://evil.example)", "`code`", "two\nlines", "two\r\nlines|x",
		"**bold** _it_ ~~gone~~", `back\slash\|`, "../x", "&amp;", "![img](x.png)",
	} {
		checkNamed(t, name)
	}
}

func FuzzNamesAreData(f *testing.F) {
	for _, s := range []string{"replicapool", "a|b", "<b>x</b>", "[x](y)", "`", "\n", "\\", "\\|"} {
		f.Add(s)
	}
	f.Fuzz(checkNamed)
}
