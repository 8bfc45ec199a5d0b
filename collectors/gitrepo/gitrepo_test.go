package gitrepo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/capplan/capplan/collectors"
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// weekly builds the history a run would have committed: cpu/usage from
// first to last, each value tagged with the run (run + day/1000).
func weekly(run float64, first, last time.Time) collectors.History {
	s := collectors.Series{Name: "cpu/usage", Unit: collectors.Cores, Source: "prometheus"}
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

func TestHistoryStitchesReports(t *testing.T) {
	dir := t.TempDir()
	first, err := Marshal(weekly(1, day(10, 1), day(11, 1)), day(11, 2))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Marshal(weekly(2, day(10, 9), day(11, 8)), day(11, 9))
	if err != nil {
		t.Fatal(err)
	}
	commitFiles(t, dir, map[string][]byte{
		Path(day(11, 2)):                  first,
		Path(day(11, 9)):                  second,
		"reports/2026-11-16/history.json": []byte("{not json"),
		"reports/2026-11-23/history.json": []byte(`{"schema": "capplan.history/v9", "series": []}`),
		"reports/2026-11-09/report.md":    []byte("# Capacity report"),
		"README.md":                       []byte("reports"),
	})
	h, notes, err := History(dir, dir)
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
	if s.Unit != collectors.Cores || !strings.Contains(s.Source, "(2 reports)") {
		t.Errorf("unit %q, source %q", s.Unit, s.Source)
	}
	joined := ""
	for _, n := range notes {
		joined += n.Message + "\n"
	}
	for _, w := range []string{"reports/2026-11-16/history.json left out: not a history file", `reports/2026-11-23/history.json left out: schema "capplan.history/v9"`} {
		if !strings.Contains(joined, w) {
			t.Errorf("notes lack %q:\n%s", w, joined)
		}
	}
}

func TestHistoryNotARepository(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := History(dir, dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("error %v, want one naming %s", err, dir)
	}
}
