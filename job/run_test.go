package job

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/job/publish/gittest"
	"github.com/capplan/capplan/templates"
)

// demoConfig runs the demo without Ollama into dir.
func demoConfig(t *testing.T, dir string) Config {
	t.Helper()
	c := DefaultConfig()
	c.Demo, c.Git.Dir, c.Ollama.Enabled = true, dir, false
	return c
}

func TestRunLocalRepository(t *testing.T) {
	gittest.Need(t)
	dir := filepath.Join(t.TempDir(), "reports")
	c := demoConfig(t, dir)
	ctx := context.Background()
	lastWeek := generated.AddDate(0, 0, -7)
	if _, err := Run(ctx, c, lastWeek, false, "", nil); err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, c, generated, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Published || !res.Changed || res.Dir != filepath.Join(dir, "reports", "2026", "2026-11-23") {
		t.Fatalf("%+v", res)
	}
	for _, f := range []string{"report.md", "report.json", "history.json", "chart-cpu-usage.svg"} {
		if _, err := os.Stat(filepath.Join(res.Dir, f)); err != nil {
			t.Error(err)
		}
	}
	if got := gittest.Run(t, dir, "rev-list", "--count", "HEAD"); got != "2" {
		t.Errorf("%s commits, want 2", got)
	}
	if status := gittest.Run(t, dir, "status", "--porcelain"); status != "" {
		t.Errorf("work tree not clean:\n%s", status)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Latest: [2026-11-23](reports/2026/2026-11-23/report.md)", "- [2026-11-16](reports/2026/2026-11-16/report.md)", "| cpu/usage |"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md lacks %q:\n%s", want, readme)
		}
	}
	// Last week's report was found and compared with.
	if res.Report.ComparedWith != "2026-11-16" {
		t.Errorf("compared with %q, want last week's report", res.Report.ComparedWith)
	}
	if n := res.Report.Narrative; n == nil || n.Source != "deterministic" || !strings.Contains(n.Reason, "disabled") {
		t.Errorf("narrative %+v", n)
	}

	// The same day again replaces the day's report: its history now names
	// two recorded reports, so one more commit, and no new directory.
	again, err := Run(ctx, c, generated, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Changed {
		t.Errorf("second run on the day: %+v", again)
	}
	days, err := reportDays(dir)
	if err != nil || !slices.Equal(days, []string{"reports/2026/2026-11-23", "reports/2026/2026-11-16"}) {
		t.Errorf("report days %v, %v", days, err)
	}
}

func TestRunRemote(t *testing.T) {
	gittest.Need(t)
	root := t.TempDir()
	bare := filepath.Join(root, "reports.git")
	gittest.Run(t, root, "init", "--quiet", "--bare", "--initial-branch=main", bare)
	c := demoConfig(t, filepath.Join(root, "work"))
	c.Git.URL = "file://" + bare
	ctx := context.Background()

	// The remote is away: the report is kept in the work directory.
	away := c
	away.Git.URL = "file://" + filepath.Join(root, "missing.git")
	res, err := Run(ctx, away, generated.AddDate(0, 0, -7), false, "", nil)
	if !errors.Is(err, ErrNotPublished) {
		t.Fatalf("unreachable remote: %v", err)
	}
	kept := filepath.Join(root, "work", "pending", "reports", "2026", "2026-11-16", "report.md")
	if res.Dir != filepath.Dir(kept) {
		t.Errorf("kept in %s, want %s", res.Dir, filepath.Dir(kept))
	}
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("report not kept: %v", err)
	}

	// The next run publishes its report and the one kept.
	res, err = Run(ctx, c, generated, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Published || res.Commit != gittest.Run(t, bare, "rev-parse", "main") {
		t.Fatalf("%+v", res)
	}
	tree := gittest.Run(t, bare, "ls-tree", "-r", "--name-only", "main")
	for _, want := range []string{"README.md", "reports/2026/2026-11-16/report.md", "reports/2026/2026-11-23/report.json", "reports/2026/2026-11-23/history.json"} {
		if !strings.Contains(tree, want) {
			t.Errorf("remote lacks %s:\n%s", want, tree)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "work", "pending", "reports", "2026", "2026-11-16")); !os.IsNotExist(err) {
		t.Errorf("published report still pending: %v", err)
	}

	// A week later the history comes back from the repository.
	next, err := Run(ctx, c, generated.AddDate(0, 0, 7), false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if next.Report.ComparedWith != "2026-11-23" {
		t.Errorf("compared with %q: the previous report was not read from the remote", next.Report.ComparedWith)
	}
	// The demo's 730 days to 2026-11-29, and before them the days the
	// reports of 2026-11-16 and 2026-11-23 recorded, from 2024-11-16.
	if h := next.Report.History[0]; len(h.Days) != 744 || !strings.Contains(h.Source, "demo, earlier days from git "+c.Git.URL) {
		t.Errorf("history: %d days from %q, want 744, the demo's and the repository's", len(h.Days), h.Source)
	}
}

func TestRunDryRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	c := DefaultConfig()
	c.Demo, c.Ollama.Enabled = true, false
	res, err := Run(context.Background(), c, generated, true, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Published || res.Commit != "" {
		t.Errorf("a dry run published: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(out, "report.md")); err != nil {
		t.Error(err)
	}
}

// TestRunDegrades fails sources and the narrative's model: the report is
// still published, and says what is missing.
func TestRunDegrades(t *testing.T) {
	gittest.Need(t)
	dir := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"model 'llama3' not found"}`, http.StatusNotFound)
	}))
	defer srv.Close()
	c := demoConfig(t, filepath.Join(dir, "reports"))
	c.HistoryCSV = filepath.Join(dir, "no-such.csv")
	c.Ollama.Enabled, c.Ollama.Host = true, srv.URL
	res, err := Run(context.Background(), c, generated, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if len(r.Gaps) != 1 || r.Gaps[0].Stage != "collect" || !strings.Contains(r.Gaps[0].Error, "no-such.csv") {
		t.Fatalf("gaps %+v", r.Gaps)
	}
	if r.Narrative.Source != "deterministic" || !strings.Contains(r.Narrative.Reason, "model llama3 is not on the Ollama server") {
		t.Errorf("narrative %+v", r.Narrative)
	}
	if !strings.Contains(r.Narrative.Text, "The collect stage failed") {
		t.Errorf("the narrative does not state the gap:\n%s", r.Narrative.Text)
	}
	md, err := os.ReadFile(filepath.Join(res.Dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "**This report is incomplete.** The collect stage failed: history from "+c.HistoryCSV) {
		t.Errorf("report.md does not flag the gap:\n%.600s", md)
	}
	var js templates.Report
	data, err := os.ReadFile(filepath.Join(res.Dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &js); err != nil || len(js.Gaps) != 1 || js.Narrative == nil {
		t.Errorf("report.json: gaps %+v, narrative %v, %v", js.Gaps, js.Narrative, err)
	}
}

func TestRunStageTimeout(t *testing.T) {
	c := DefaultConfig()
	c.Demo, c.Ollama.Enabled = true, false
	c.Timeouts.Plan.Duration = time.Nanosecond
	res, err := Run(context.Background(), c, generated, true, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Gaps) == 0 || res.Report.Gaps[0].Stage != "plan" || !strings.Contains(res.Report.Gaps[0].Error, "did not finish within 1ns") {
		t.Fatalf("gaps %+v", res.Report.Gaps)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "capplan.yaml")
	if err := os.WriteFile(file, []byte("demo: true\ngit:\n  url: https://git.example.org/reports.git\n  branch: from-file\nollama:\n  model: from-file\n  timeout: 2m\nplanner:\n  horizon_days: 60\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CAPPLAN_GIT_BRANCH": "from-env", "CAPPLAN_OLLAMA_MODEL": "from-env", "CAPPLAN_GIT_TOKEN": "s3cret"}
	c, err := Load(file, func(k string) string { return env[k] }, map[string]string{"ollama-model": "from-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.Git.Branch != "from-env" || c.Ollama.Model != "from-flag" || c.Ollama.Timeout.Duration != 2*time.Minute || c.Planner.HorizonDays != 60 || c.secrets.gitToken != "s3cret" {
		t.Errorf("precedence: %+v", c)
	}
	for _, tc := range []struct {
		yaml  string
		env   map[string]string
		flags map[string]string
		want  string
	}{
		{"gti:\n  url: x\n", nil, nil, `unknown field "gti"`},
		{"", map[string]string{"CAPPLAN_GIT_TRIES": "many"}, nil, "CAPPLAN_GIT_TRIES"},
		{"", nil, map[string]string{"ollama-timeout": "soon"}, "--ollama-timeout"},
		{"ollama:\n  num_predict: 0\n", nil, nil, "ollama.num_predict"},
		{"timeouts:\n  publish: 0s\n", nil, nil, "timeouts.publish"},
		{"git:\n  token_file: /no/such/token\n", nil, nil, "git.token_file"},
		{"planner:\n  thresholds:\n    cpu_average: 7\n", nil, nil, "thresholds.cpu_average"},
		{"demo: true\nkubeconfig: x\n", nil, nil, "demo takes no kubeconfig"},
	} {
		if err := os.WriteFile(file, []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(file, func(k string) string { return tc.env[k] }, tc.flags)
		var ce ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %v %v: %v, want a configuration error naming %s", tc.yaml, tc.env, tc.flags, err, tc.want)
		}
	}
}

// TestSecretsStayOut runs with a token and checks that it is nowhere in
// the report or the commit.
func TestSecretsStayOut(t *testing.T) {
	gittest.Need(t)
	dir := filepath.Join(t.TempDir(), "reports")
	const token = "tok-9f8e7d6c5b4a"
	c, err := Load("", func(k string) string {
		return map[string]string{"CAPPLAN_GIT_TOKEN": token, "CAPPLAN_PROMETHEUS_TOKEN": token, "CAPPLAN_DEMO": "true", "CAPPLAN_GIT_DIR": dir, "CAPPLAN_OLLAMA_ENABLED": "false"}[k]
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), c, generated, false, "", nil); err != nil {
		t.Fatal(err)
	}
	if out := gittest.Run(t, dir, "log", "-p", "--all"); strings.Contains(out, token) {
		t.Error("the token is in the repository")
	}
	if js, _ := json.Marshal(c); strings.Contains(string(js), token) {
		t.Error("the token is in the configuration's JSON form")
	}
}

// TestRunIntoEmptyRepository publishes into a repository without a commit:
// no history to read yet, and no gap for it.
func TestRunIntoEmptyRepository(t *testing.T) {
	gittest.Need(t)
	dir := t.TempDir()
	gittest.Run(t, dir, "init", "--quiet", "--initial-branch=main")
	res, err := Run(context.Background(), demoConfig(t, dir), generated, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Gaps) != 0 || !res.Published || gittest.Run(t, dir, "rev-parse", "HEAD") != res.Commit {
		t.Fatalf("gaps %+v, %+v", res.Report.Gaps, res)
	}
}
