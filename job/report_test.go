package job

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/reportrepo"
	"github.com/capplan/capplan/templates"
	"github.com/capplan/capplan/test/servertest"
	"github.com/capplan/capplan/units"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var generated = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)

func demoReport(t testing.TB) ([]reportrepo.File, report.Report) {
	t.Helper()
	snap, hist := demo.Cluster(1, generated)
	files, r, err := renderPlan(snap, hist, config.Default().Planner, generated, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return files, r
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenAt(t, filepath.Join("testdata", name), got)
}

// goldenAt compares got with the file at path, or rewrites it with -update.
func goldenAt(t *testing.T, path string, got []byte) {
	t.Helper()
	name := filepath.Base(path)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./job -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(go test ./job -update rewrites it after a deliberate change)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, golden has %d", name, len(gl), len(wl))
	}
}

func TestDemoReportGolden(t *testing.T) {
	files, r := demoReport(t)
	byName := map[string][]byte{}
	for _, f := range files {
		byName[f.Name] = f.Data
	}
	// report.md is checked in full by TestDocsDemoReport.
	// report.json carries every forecast step; the golden copy keeps each
	// forecast's first three, which checks the format without a line of
	// ninety numbers per series.
	ends := func(p report.Steps) report.Steps { return p[:min(3, len(p))] }
	for i, res := range r.Resources {
		r.Resources[i].Daily, r.Resources[i].Monthly = ends(res.Daily), ends(res.Monthly)
		r.Resources[i].MonthlyPeak = ends(res.MonthlyPeak)
	}
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "demo-report.json", js)
	// A chart for every resource but the quiet ones, which three Ceph
	// ones of the demo are (raw use and stored under a fifth of their
	// thresholds, ceph-filesystem's claims under half).
	quiet := 0
	for _, res := range r.Resources {
		switch {
		case res.Quiet != nil && res.Chart != "":
			t.Errorf("%s is quiet and has a chart %s", res.Name, res.Chart)
		case res.Quiet != nil:
			quiet++
		case len(byName[res.Chart]) == 0:
			t.Errorf("no chart %s for %s", res.Chart, res.Name)
		}
	}
	if quiet != 3 {
		t.Errorf("%d quiet resources, want the demo's 3 Ceph ones", quiet)
	}
}

// TestDocsDemoReport keeps docs/demo/ the demo's report of 2026-11-23 as
// capplan renders it (deterministic narrative), charts included.
func TestDocsDemoReport(t *testing.T) {
	files, _ := demoReport(t)
	for _, f := range files {
		if f.Name == "report.json" {
			continue
		}
		goldenAt(t, filepath.Join("..", "docs", "demo", f.Name), f.Data)
	}
}

func TestTemplateDirOverrides(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, templates.TemplateFile), []byte("{{.Cluster}}: {{len .Resources}} resources\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, hist := demo.Cluster(1, generated)
	files, _, err := renderPlan(snap, hist, config.Default().Planner, generated, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(files[1].Data); got != "homelab (demo): 10 resources\n" {
		t.Errorf("report.md %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, templates.TemplateFile), []byte("{{.NoSuchField}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A broken template degrades the report: the built-in one renders it
	// and the gap names the file.
	files, r, err := renderPlan(snap, hist, config.Default().Planner, generated, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Gaps) != 1 || r.Gaps[0].Stage != "render" || !strings.Contains(r.Gaps[0].Error, dir) {
		t.Errorf("bad template: gaps %+v, want one naming the file", r.Gaps)
	}
	if md := string(files[1].Data); !strings.HasPrefix(md, "# Capacity report") || !strings.Contains(md, "The render stage failed: report template "+dir) {
		t.Errorf("bad template: report.md starts %.200q", md)
	}
}

// BenchmarkDemoReport plans the demo cluster and renders its report:
// forecasts, options, markdown and charts.
func BenchmarkDemoReport(b *testing.B) {
	snap, hist := demo.Cluster(1, generated)
	for b.Loop() {
		if _, _, err := renderPlan(snap, hist, config.Default().Planner, generated, "", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// Last week's report read back: the same plan compares to nothing changed;
// a week earlier, the demo's growth moves dates and the report says so.
func TestWeekOverWeek(t *testing.T) {
	files, _ := demoReport(t)
	prev, err := report.ReadPrevious(files[0].Data, "report.json")
	if err != nil {
		t.Fatal(err)
	}
	curSnap, curHist := demo.Cluster(1, generated)
	_, r, err := renderPlan(curSnap, curHist, config.Default().Planner, generated, "", &prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 0 {
		t.Errorf("the same report compared with itself: %+v", r.Changes)
	}
	weekAgo := generated.AddDate(0, 0, -7)
	oldSnap, oldHist := demo.Cluster(1, weekAgo)
	oldFiles, _, err := renderPlan(oldSnap, oldHist, config.Default().Planner, weekAgo, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	prev, err = report.ReadPrevious(oldFiles[0].Data, "old/report.json")
	if err != nil {
		t.Fatal(err)
	}
	_, r, err = renderPlan(curSnap, curHist, config.Default().Planner, generated, "", &prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) == 0 {
		t.Error("a week of growth changed nothing in the report")
	}
	if _, err := report.ReadPrevious([]byte(`{"schema": "capplan.report/v0"}`), "old.json"); err == nil {
		t.Error("another schema accepted")
	}
}

// TestDroppedHistoryIsAGap: a source's history the plan could not use (a
// pool Ceph's current source did not report) is a gap at the report's
// top, not only a note.
func TestDroppedHistoryIsAGap(t *testing.T) {
	var days []collectors.Day
	for i := range 60 {
		days = append(days, collectors.Day{Date: generated.AddDate(0, 0, i-60).Truncate(24 * time.Hour), Mean: float64(100 + i), Peak: float64(110 + i)})
	}
	snap := collectors.Snapshot{Ceph: &collectors.Ceph{TotalBytes: 3e12, UsedBytes: 1e12, NearfullRatio: 0.85, FullRatio: 0.95}}
	hist := collectors.History{Series: []collectors.Series{{Name: "ceph/pool/replicapool/stored", Unit: units.Bytes, Source: "prometheus", Days: days}}}
	p := makePlan(snap, hist, config.Default().Planner, generated, nil, nil)
	if !slices.ContainsFunc(p.gaps, func(g report.Gap) bool {
		return g.Stage == "plan" && strings.Contains(g.Error, "the history of ceph/pool/replicapool/stored was not planned")
	}) {
		t.Errorf("gaps %+v", p.gaps)
	}
}

// TestIncompleteRunHoldsStatuses: a run with a failed source raises no
// resource's status above the last complete report's on a history that
// stopped before yesterday: the resource is unknown, with why, and gets
// no recommendation. With yesterday's data the status stands: what the
// run got supports it.
func TestIncompleteRunHoldsStatuses(t *testing.T) {
	snap, hist := demo.Cluster(1, generated)
	failed := []report.Gap{{Stage: "collect", Error: "prometheus: connection refused"}}
	cfg := config.Default().Planner
	plain := makePlan(snap, hist, cfg, generated, nil, nil)
	recs := planner.Recommend(plain.plan, cfg.TargetMonths)
	if s := planner.Status("cpu/usage", recs); !planner.Worse(s, "ok") {
		t.Fatalf("the demo's cpu/usage is %s on %s, the test wants it above ok", s, generated)
	}
	last := report.Previous{Complete: true, Plan: planner.Plan{Today: generated.AddDate(0, 0, -7)},
		Resources: []report.Resource{{Name: "cpu/usage", Status: "ok"}, {Name: "memory/usage", Status: "ok"}}}

	// Fresh data: the status stands.
	p := makePlan(snap, hist, cfg, generated, []report.Previous{last}, failed)
	if slices.ContainsFunc(p.plan.Unknown, func(u planner.Unknown) bool { return u.Resource == "cpu/usage" }) {
		t.Errorf("cpu/usage made unknown on yesterday's data: %+v", p.plan.Unknown)
	}
	// A history that ends eight days ago: unknown, not critical.
	stale := collectors.History{}
	for _, s := range hist.Series {
		s.Days = s.Days[:len(s.Days)-7]
		stale.Series = append(stale.Series, s)
	}
	p = makePlan(snap, stale, cfg, generated, []report.Previous{last}, failed)
	i := slices.IndexFunc(p.plan.Unknown, func(u planner.Unknown) bool { return u.Resource == "cpu/usage" })
	if i < 0 || !strings.Contains(p.plan.Unknown[i].Reason, "would be raised above ok, the last complete report's (2026-11-16)") {
		t.Fatalf("unknown %+v: want cpu/usage, held at the last complete report's ok", p.plan.Unknown)
	}
	for _, r := range p.recommendations {
		if r.Resource == "cpu/usage" {
			t.Errorf("a recommendation on an unknown resource: %+v", r)
		}
	}
	// A last report that was itself incomplete is no reference, and a
	// complete run holds nothing.
	last.Complete = false
	if p := makePlan(snap, stale, cfg, generated, []report.Previous{last}, failed); len(p.plan.Unknown) != 0 {
		t.Errorf("held against an incomplete report: %+v", p.plan.Unknown)
	}
	last.Complete = true
	if p := makePlan(snap, stale, cfg, generated, []report.Previous{last}, nil); len(p.plan.Unknown) != 0 {
		t.Errorf("a complete run held statuses: %+v", p.plan.Unknown)
	}
}

// TestDocsTrackRecord keeps docs/demo/track-record.md: the track record
// of the last of a year of the demo's weekly reports, as of 2026-11-30
// 09:00 UTC (capplan demo --weeks 52 on that day). Its figures are
// recomputed from the repository's files by bench/track-record.py, which
// reads only what a reader has: the earlier reports' report.json and
// history.json.
func TestDocsTrackRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a year of weekly runs; not with -short")
	}
	servertest.NeedGit(t)
	dir := filepath.Join(t.TempDir(), "demo")
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	weeks, err := demoWeeks(context.Background(), demoConfig(t, dir), now, MaxDemoWeeks, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := weeks[len(weeks)-1]
	if tr := last.Report.Track; tr == nil || tr.Reports != 51 || tr.Days == 0 {
		t.Fatalf("the last week's track record: %+v", tr)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(last.File("report.json")))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("report.json with a track record does not match the schema: %v", err)
	}
	md := string(last.File("report.md"))
	_, section, _ := strings.Cut(md, "## Track record\n")
	section, _, _ = strings.Cut(section, "\n## ")
	doc := "# Track record of the demo's weekly reports\n\n" +
		"The section of the last of a year of the demo's weekly reports, 2026-11-30: `capplan demo --weeks 52` run on that day at 09:00 UTC\n" +
		"(`go test ./job -run TestDocsTrackRecord -update` writes it). Its figures are recomputed from the repository's report.json files\n" +
		"and history.json by [bench/track-record.py](../../bench/track-record.py).\n\n" + strings.TrimSpace(section) + "\n"
	goldenAt(t, filepath.Join("..", "docs", "demo", "track-record.md"), []byte(doc))
	python := servertest.Need(t, "python3", "apt-get install python3")
	if out, err := exec.Command(python, "../bench/track-record.py", dir).CombinedOutput(); err != nil {
		t.Errorf("bench/track-record.py disagrees with the report:\n%s", out)
	}
	weekOverWeek(t, weeks)
}

// weekOverWeek checks a year of reports' changes against the reports
// themselves: every status that differs from last week's is listed, every
// moved date and changed status says why, and no figure is compared with
// one that prints the same.
func weekOverWeek(t *testing.T, weeks []Result) {
	same := []*regexp.Regexp{
		regexp.MustCompile(`([-+]?[0-9.]+%?(?: [A-Za-z]+)?(?: a month)?) \((?:last week|the week before's|last week's forecast of them) ([^)]*)\)`),
		regexp.MustCompile(`([0-9]+%) of them within [0-9]+ months, last week ([0-9]+%)`),
		regexp.MustCompile(`([-+]?[0-9.]+ [A-Za-z]+(?: a day)?) to ([-+]?[0-9.]+ [A-Za-z]+(?: a day)?)`),
	}
	moves, statuses := 0, 0
	for i := 1; i < len(weeks); i++ {
		prev, cur := weeks[i-1].Report, weeks[i].Report
		day := cur.Date
		was := map[string]string{}
		for _, r := range prev.Resources {
			was[r.Name] = r.Status
		}
		for _, r := range cur.Resources {
			if w, ok := was[r.Name]; ok && w != r.Status {
				statuses++
				want := fmt.Sprintf("now %s, last week %s", r.Status, w)
				if !slices.ContainsFunc(cur.Changes, func(c planner.Change) bool { return c.Resource == r.Name && c.What == want && c.Why != "" }) {
					t.Errorf("%s: %s went from %s to %s and the changes do not say so with why: %+v", day, r.Name, w, r.Status, cur.Changes)
				}
			}
		}
		for _, c := range cur.Changes {
			if strings.Contains(c.What, "threshold") {
				moves++
				if c.Why == "" {
					t.Errorf("%s: %s: %s, and no why", day, c.Resource, c.What)
				}
			}
			for _, re := range same {
				for _, m := range re.FindAllStringSubmatch(c.What+"; "+c.Why, -1) {
					if m[1] == m[2] {
						t.Errorf("%s: %s: %q compares %s with itself", day, c.Resource, m[0], m[1])
					}
				}
			}
		}
	}
	if moves == 0 || statuses == 0 {
		t.Errorf("a year of reports moved %d dates and changed %d statuses: nothing was checked", moves, statuses)
	}
}

// TestPlannedReportMatchesTheSchema: a report with planned workloads, one
// from a what-if file, keeps the dates without them and says it answers a
// question; report.json matches the schema.
func TestPlannedReportMatchesTheSchema(t *testing.T) {
	snap, hist := demo.Cluster(1, generated)
	cfg := config.Default().Planner
	cfg.Planned = []config.Workload{
		{Name: "lake", Group: "data platform", Start: "2027-01-04", StorageBytes: 200 << 30},
		{Name: "ml-training", Namespace: "ai-inference", Start: "2027-03-01", CPUCores: 8, MemoryBytes: 32 << 30, WhatIf: "what-if.yaml"},
	}
	files, r, err := renderPlan(snap, hist, cfg, generated, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ml-training (what-if.yaml)"}; !slices.Equal(r.WhatIf, want) {
		t.Errorf("what_if %q, want %q", r.WhatIf, want)
	}
	for _, res := range r.Resources {
		planned := res.Name == "cpu/requests" || res.Name == "memory/requests" || res.Name == "ceph/stored" || res.Name == "ceph/raw_used"
		for _, c := range res.Crossings {
			if (c.Without != nil) != planned {
				t.Errorf("%s %s: without_planned %+v", res.Name, c.Name, c.Without)
			}
		}
	}
	var data []byte
	for _, f := range files {
		if f.Name == "report.json" {
			data = f.Data
		}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := jsonschema.NewCompiler().Compile("../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("report.json with planned workloads does not match the schema: %v", err)
	}
}
