package reportrepo

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// weekly builds the history a run would have committed: cpu/usage from
// first to last, each value tagged with the run (run + day/1000).
func weekly(run float64, first, last time.Time) collectors.History {
	s := collectors.Series{Name: "cpu/usage", Unit: units.Cores, Source: "prometheus"}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		v := run + float64(d.YearDay())/1000 + 1.0/3 // a value that JSON must carry exactly
		s.Days = append(s.Days, collectors.Day{Date: d, Mean: v, Peak: 2 * v})
	}
	return collectors.History{Series: []collectors.Series{s}}
}

func commitFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "capplan", Email: "capplan@example.invalid", When: day(11, 16)}
	if _, err := wt.Commit("reports", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryStitchesReports reads a repository of the earlier layout: a
// history.json in each report's directory.
func TestHistoryStitchesReports(t *testing.T) {
	dir := t.TempDir()
	v1 := func(h collectors.History, generated time.Time) []byte {
		data, err := json.Marshal(legacyFile{Schema: legacySchema, Generated: generated, Series: h.Series})
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	commitFiles(t, dir, map[string][]byte{
		layout{}.day(day(11, 2)) + "/history.json": v1(weekly(1, day(10, 1), day(11, 1)), day(11, 2)),
		layout{}.day(day(11, 9)) + "/history.json": v1(weekly(2, day(10, 9), day(11, 8)), day(11, 9)),
		"reports/2026-11-16/history.json":          []byte("{not json"),
		"reports/2026-11-23/history.json":          []byte(`{"schema": "capplan.history/v9", "series": []}`),
		"reports/2026-11-09/report.md":             []byte("# Capacity report"),
		"README.md":                                []byte("reports"),
	})
	h, notes, err := readHistory(dir, dir, layout{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Series) != 1 {
		t.Fatalf("%d series, want 1", len(h.Series))
	}
	s := h.Series[0]
	if len(s.Days) != 39 || !s.Days[0].Date.Equal(day(10, 1)) || !s.Days[38].Date.Equal(day(11, 8)) {
		t.Fatalf("%d days from %s to %s, want 39 from 2026-10-01 to 2026-11-08", len(s.Days), s.Days[0].Date, s.Days[len(s.Days)-1].Date)
	}
	for _, d := range s.Days {
		run := 1.0
		if !d.Date.Before(day(10, 9)) {
			run = 2 // the newer report wins where they overlap
		}
		want := run + float64(d.Date.YearDay())/1000 + 1.0/3
		if d.Mean != want || d.Peak != 2*want {
			t.Fatalf("%s: mean %v, peak %v; want %v, %v exactly", d.Date.Format(time.DateOnly), d.Mean, d.Peak, want, 2*want)
		}
	}
	if s.Unit != units.Cores || s.Source != "git "+dir {
		t.Errorf("unit %q, source %q", s.Unit, s.Source)
	}
	joined := ""
	for _, n := range notes {
		joined += n.Message + "\n"
	}
	for _, w := range []string{"2 history files of the earlier layout", "reports/2026-11-16/history.json left out: not a history file", `reports/2026-11-23/history.json left out: schema "capplan.history/v9"`} {
		if !strings.Contains(joined, w) {
			t.Errorf("notes lack %q:\n%s", w, joined)
		}
	}
}

func TestHistoryNotARepository(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := readHistory(dir, dir, layout{}); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("error %v, want one naming %s", err, dir)
	}
}

// TestHistoryFile writes and reads the one history file: values exact,
// one day to a line, the newer run winning, old days dropped.
func TestHistoryFile(t *testing.T) {
	older := weekly(1, day(1, 1), day(11, 1))
	older.Series = append(older.Series, collectors.Series{Name: "ceph/raw_used", Unit: units.Bytes, Source: "prometheus",
		Days: []collectors.Day{{Date: day(3, 1), Mean: 1, Peak: 2}, {Date: day(10, 1), Mean: 1 << 40, Peak: 1 << 41}}})
	newer := weekly(2, day(10, 20), day(11, 8))
	newer.Series[0].Source = "demo"
	h := update(older, newer, day(11, 9), 200)
	// 2026-11-09 less 200 days is 2026-04-23: cpu/usage from then, the
	// newer run's from 2026-10-20; ceph/raw_used keeps 2026-10-01 only.
	if len(h.Series) != 2 || h.Series[0].Source != "demo" || len(h.Series[1].Days) != 1 {
		t.Fatalf("updated: %+v", h.Series)
	}
	s := h.Series[0]
	if !s.Days[0].Date.Equal(day(4, 23)) || !s.Days[len(s.Days)-1].Date.Equal(day(11, 8)) {
		t.Fatalf("cpu/usage from %s to %s", s.Days[0].Date, s.Days[len(s.Days)-1].Date)
	}
	data, err := marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(data), "\n")
	if want := len(s.Days) + 1 + 2 + 2; lines != want {
		t.Errorf("%d lines, want %d (a day a line):\n%.400s", lines, want, data)
	}
	back, err := unmarshal(data, "history.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range h.Series {
		b := back.Series[i]
		if b.Name != s.Name || b.Unit != s.Unit || b.Source != s.Source || len(b.Days) != len(s.Days) {
			t.Fatalf("read back %+v", b)
		}
		for j, d := range s.Days {
			if bd := b.Days[j]; !bd.Date.Equal(d.Date) || bd.Mean != d.Mean || bd.Peak != d.Peak {
				t.Fatalf("%s day %d: %+v, want %+v exactly", s.Name, j, bd, d)
			}
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil || doc["schema"] != historySchema || doc["through"] != "2026-11-08" {
		t.Errorf("document %v, %v", doc["schema"], err)
	}
	if _, err := unmarshal([]byte(`{"schema":"capplan.history/v9","series":[]}`), "x/history.json"); err == nil || !strings.Contains(err.Error(), "x/history.json") {
		t.Errorf("wrong schema: %v", err)
	}
	// A file of the earlier layout, as a run of an earlier version left it
	// waiting to be published.
	v1, err := json.Marshal(legacyFile{Schema: legacySchema, Generated: day(11, 9), Series: h.Series})
	if err != nil {
		t.Fatal(err)
	}
	if old, err := unmarshal(v1, "pending/history.json"); err != nil || len(old.Series) != 2 || len(old.Series[0].Days) != len(s.Days) {
		t.Errorf("earlier layout: %v", err)
	}

	// In a repository, only the root file is read, even beside files of
	// the earlier layout.
	dir := t.TempDir()
	commitFiles(t, dir, map[string][]byte{
		HistoryFile: data,
		layout{}.day(day(1, 2)) + "/history.json": []byte("{not json"),
		layout{}.day(day(11, 9)) + "/report.md":   []byte("# Capacity report"),
	})
	got, notes, err := readHistory(dir, "origin", layout{})
	if err != nil || len(notes) != 0 || len(got.Series) != 2 || len(got.Series[0].Days) != len(s.Days) || got.Series[0].Source != "git origin" {
		t.Fatalf("history %d series, notes %v, %v", len(got.Series), notes, err)
	}
	bad := t.TempDir()
	commitFiles(t, bad, map[string][]byte{HistoryFile: []byte("{")})
	if _, _, err := readHistory(bad, "origin", layout{}); err == nil || !strings.Contains(err.Error(), "history.json") {
		t.Errorf("unreadable history.json: %v", err)
	}
}

// TestReadLinesAgreesWithJSON: the line reader and encoding/json read the
// same file alike, and the line reader declines what it does not know.
func TestReadLinesAgreesWithJSON(t *testing.T) {
	h := weekly(1, day(1, 1), day(3, 1))
	h.Series = append(h.Series, collectors.Series{Name: "empty", Unit: units.Bytes, Source: "x"},
		collectors.Series{Name: `odd "name"`, Unit: units.Bytes, Source: "y", Days: []collectors.Day{{Date: day(2, 1), Mean: -1e-300, Peak: 1e300}, {Date: day(2, 2), Mean: 5.5, Peak: 5.5}}})
	data, err := marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	got, err := unmarshal(data, "h")
	if err != nil || len(got.Series) != 3 {
		t.Fatalf("%d series, %v", len(got.Series), err)
	}
	for i, s := range f.Series {
		g := got.Series[i]
		if g.Name != s.Name || g.Source != s.Source || len(g.Days) != len(s.Days) {
			t.Fatalf("series %d: %+v", i, g)
		}
		for j, d := range s.Days {
			peak := d.Mean
			if d.Peak != nil {
				peak = *d.Peak
			}
			if g.Days[j].Date.Format(time.DateOnly) != d.Date || g.Days[j].Mean != d.Mean || g.Days[j].Peak != peak {
				t.Fatalf("%s day %d: %+v, want %+v", s.Name, j, g.Days[j], d)
			}
		}
	}
	if _, ok := readLines(data); ok {
		t.Error("the line reader took a series without days, which it leaves to encoding/json")
	}
	if !strings.Contains(string(data), `{"date":"2026-02-02","mean":5.5}`) {
		t.Errorf("a peak equal to the mean is written:\n%s", data)
	}
	h.Series = append(h.Series[:1], h.Series[2])
	data, _ = marshal(h)
	if got, ok := readLines(data); !ok || got.Series[1].Days[1].Peak != 5.5 {
		t.Errorf("the line reader declined Marshal's layout, or read the left-out peak wrong: %v", ok)
	}
	for _, bad := range []string{strings.Replace(string(data), `"mean":`, `"mean": `, 1), strings.Replace(string(data), "]}\n]}", "]}", 1)} {
		if _, ok := readLines([]byte(bad)); ok {
			t.Errorf("the line reader took %.80q", bad)
		}
	}
}

// TestMarshalWritesAsEncodingJSON: each day's line is what encoding/json
// writes for it, so that the file reads the same everywhere.
func TestMarshalWritesAsEncodingJSON(t *testing.T) {
	s := collectors.Series{Name: "x", Unit: units.Bytes}
	for i, v := range []float64{0, math.Copysign(0, -1), 1e-7, 1.5e-6, 123.456, 1e20, 1e21, 1.2345678901234567e22, -3.25e-9, 1.0 / 3} {
		s.Days = append(s.Days, collectors.Day{Date: day(1, 1).AddDate(0, 0, i), Mean: v, Peak: -v})
	}
	data, err := marshal(collectors.History{Series: []collectors.Series{s}})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")[2:]
	for i, d := range s.Days {
		var peak *float64 // left out where it is the mean
		if d.Peak != d.Mean {
			peak = &d.Peak
		}
		want, err := json.Marshal(fileDay{d.Date.Format(time.DateOnly), d.Mean, peak})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimRight(strings.TrimSuffix(lines[i], "]}"), ","); got != string(want) {
			t.Errorf("day %d: %s, want %s", i, got, want)
		}
	}
	s.Days[0].Mean = math.NaN()
	if _, err := marshal(collectors.History{Series: []collectors.Series{s}}); err == nil || !strings.Contains(err.Error(), "x on 2026-01-01") {
		t.Errorf("NaN: %v", err)
	}
}

// TestNoZeroDate: a history without a day is written without a last day,
// never as 0001-01-01, and reads back.
func TestNoZeroDate(t *testing.T) {
	for _, h := range []collectors.History{{}, {Series: []collectors.Series{{Name: "cpu/usage", Unit: "cores", Source: "x"}}}} {
		data, err := marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "0001-01-01") || strings.Contains(string(data), "through") {
			t.Errorf("written %s", data)
		}
		if back, err := unmarshal(data, "history.json"); err != nil || len(back.Series) != len(h.Series) {
			t.Errorf("read back %+v, %v", back, err)
		}
	}
}
