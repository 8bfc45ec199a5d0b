package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/test/servertest"
)

// history is a CSV of cpu/usage, four samples a day for days days ending
// the day before end, rising from 10 cores; edit changes a row's value.
func history(days int, end time.Time, edit func(row int, v float64) string) string {
	var b strings.Builder
	b.WriteString("series,timestamp,value\n")
	start := end.UTC().Truncate(24*time.Hour).AddDate(0, 0, -days)
	row := 0
	for d := range days {
		for h := 0; h < 24; h += 6 {
			v := 10 + 0.05*float64(d) + float64(h)/12
			text := fmt.Sprint(v)
			if edit != nil {
				text = edit(row, v)
			}
			fmt.Fprintf(&b, "cpu/usage,%s,%s\n", start.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour).Format(time.RFC3339), text)
			row++
		}
	}
	return b.String()
}

// TestBadInput: input no cluster could report, or that leaves nothing to
// plan, is refused with a message that names where it is, and never ends
// as a success.
func TestBadInput(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := write("cfg.yaml", "capacities: {\"cpu/usage\": 36}\n")
	now := time.Now().UTC()
	// Row 10 is line 12: the header is line 1.
	at := func(bad string) func(int, float64) string {
		return func(row int, v float64) string {
			if row == 10 {
				return bad
			}
			return fmt.Sprint(v)
		}
	}
	for _, tc := range []struct {
		name, csv string
		noConfig  bool
		code      int
		want      string
	}{
		{"header only", "series,timestamp,value\n", false, 1, "no observation under the header"},
		{"no configuration", history(60, now, nil), true, 2, "needs a capacity for each series"},
		{"one negative value", history(60, now, at("-5")), false, 1, ":12: cpu/usage at"},
		{"negative, said why", history(60, now, at("-5")), false, 1, "value -5: a quantity in cores cannot be negative"},
		{"all negative", history(60, now, func(int, float64) string { return "-3" }), false, 1, ":2: cpu/usage at"},
		{"one huge value", history(60, now, at("1e308")), false, 1, ":12: cpu/usage at"},
		{"huge, said why", history(60, now, at("1e308")), false, 1, "value 1e+308: more cores than any cluster has"},
		{"all huge", history(60, now, func(int, float64) string { return "1e308" }), false, 1, ":2: cpu/usage at"},
		{"one day", history(1, now, nil), false, 3, "1 day(s) of history, need at least 3"},
		{"the future", history(60, now.AddDate(1, 0, 0), nil), false, 1, "the timestamp is after now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"plan", "--history-csv", write(tc.name+".csv", tc.csv), "--out", filepath.Join(dir, tc.name)}
			if !tc.noConfig {
				args = append(args, "--config", cfg)
			}
			code, _, stderr := capplan(t, args...)
			md, _ := os.ReadFile(filepath.Join(dir, tc.name, "report.md"))
			if code != tc.code || !strings.Contains(stderr+string(md), tc.want) {
				t.Errorf("exit %d, %q; want %d and %q\n%.400s", code, stderr, tc.code, tc.want, md)
			}
		})
	}
	t.Run("a history nine days old", func(t *testing.T) {
		out := filepath.Join(dir, "old")
		code, _, stderr := capplan(t, "plan", "--history-csv", write("old.csv", history(60, now.AddDate(0, 0, -8), nil)), "--config", cfg, "--out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		md, err := os.ReadFile(filepath.Join(out, "report.md"))
		through := now.AddDate(0, 0, -9).Format(time.DateOnly)
		if err != nil || !strings.Contains(string(md), "> **The history ends on "+through+", 9 days before this report.**") {
			t.Errorf("report.md does not say at its top how old its history is:\n%.600s", md)
		}
	})
}

// TestNoClusterNoReport: a kubeconfig that does not exist gives no
// snapshot and no history: the run fails at the top of a report named
// after what it was to read, and commits nothing.
func TestNoClusterNoReport(t *testing.T) {
	servertest.NeedGit(t)
	noOllama(t)
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	dir := filepath.Join(t.TempDir(), "reports")
	code, _, stderr := capplan(t, "run", "--kubeconfig", "/nonexistent", "--git-dir", dir, "--ollama=false")
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		if log := servertest.Git(t, dir, "log", "--oneline"); log != "" {
			t.Errorf("committed: %s", log)
		}
	}
	day := time.Now().UTC().Format("2006/2006-01-02")
	md, err := os.ReadFile(filepath.Join(dir, "unpublished", "reports", day, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Capacity report: kubeconfig /nonexistent, ", "> **This report is incomplete.** The collect stage failed: kubernetes:", "the cluster's snapshot could not be taken"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%.800s", want, md)
		}
	}
}

// TestDemoFlags: --weeks 0 is refused as 53 is; a second demo the same
// day says it committed nothing; --help names each flag's argument and
// shows its default.
func TestDemoFlags(t *testing.T) {
	servertest.NeedGit(t)
	noOllama(t)
	for _, weeks := range []string{"0", "53", "-1"} {
		if code, _, stderr := capplan(t, "demo", "--weeks", weeks, "--git-dir", t.TempDir()); code != 2 || !strings.Contains(stderr, "want 1 to 52") {
			t.Errorf("--weeks %s: exit %d, %s", weeks, code, stderr)
		}
	}
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, stderr := capplan(t, "demo", "--git-dir", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, stdout, stderr := capplan(t, "demo", "--git-dir", dir)
	if code != 0 || !strings.Contains(stdout, "Commit: none new: ") {
		t.Errorf("demo again: exit %d, %q, %s", code, stdout, stderr)
	}
	_, _, help := capplan(t, "plan", "--help")
	for _, want := range []string{"-history-csv FILE\n", "-rook-namespace NAMESPACE\n", "(default rook-ceph)", "-history-days DAYS\n", "(default 90)", "-prometheus-url URL\n"} {
		if !strings.Contains(help, want) {
			t.Errorf("plan --help lacks %q:\n%s", want, help)
		}
	}
}

// TestNow: --now makes a plan as of that moment whatever day it is run:
// history after it left out (and said), the report dated by it, the same
// report byte for byte twice.
func TestNow(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	dir := t.TempDir()
	now := time.Now().UTC()
	csv := filepath.Join(dir, "h.csv")
	if err := os.WriteFile(csv, []byte(history(90, now, nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "cfg.yaml")
	if err := os.WriteFile(cfg, []byte("capacities: {\"cpu/usage\": 36}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	as := now.AddDate(0, 0, -30).Truncate(24 * time.Hour).Add(9 * time.Hour)
	var reports []string
	for i := range 2 {
		out := filepath.Join(dir, fmt.Sprint(i))
		code, _, stderr := capplan(t, "plan", "--history-csv", csv, "--config", cfg, "--out", out, "--now", as.Format(time.RFC3339))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		js, err := os.ReadFile(filepath.Join(out, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, string(js))
	}
	if reports[0] != reports[1] {
		t.Error("two plans as of one moment differ")
	}
	for _, want := range []string{`"date": "` + as.Format(time.DateOnly) + `"`, `"generated": "` + as.Format(time.RFC3339) + `"`,
		"day(s) of history from " + as.Format(time.DateOnly) + " on left out: the report is as of " + as.Format(time.RFC3339)} {
		if !strings.Contains(reports[0], want) {
			t.Errorf("report.json lacks %s", want)
		}
	}
	for arg, want := range map[string]string{"2026-13-01": "want RFC 3339", now.AddDate(0, 0, 2).Format(time.RFC3339): "is in the future"} {
		if code, _, stderr := capplan(t, "plan", "--demo", "--out", filepath.Join(dir, "x"), "--now", arg); code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("--now %s: exit %d, %s", arg, code, stderr)
		}
	}
}
