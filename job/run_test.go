package job

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/test/servertest"
)

// demoConfig runs the demo without Ollama into dir.
func demoConfig(t *testing.T, dir string) config.Config {
	t.Helper()
	c := config.Default()
	c.Demo, c.Git.Dir, c.Ollama.Enabled = true, dir, false
	return c
}

// recordedHistory is history.json read as plain JSON: each series' name
// and days.
type recordedHistory struct {
	Series []struct {
		Name string
		Days []struct{ Date string }
	}
}

func historyJSON(data string) (recordedHistory, error) {
	var h recordedHistory
	err := json.Unmarshal([]byte(data), &h)
	return h, err
}

func TestRunLocalRepository(t *testing.T) {
	servertest.NeedGit(t)
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
	for _, f := range []string{"report.md", "report.json", "chart-cpu-usage.svg", "../../../history.json"} {
		if _, err := os.Stat(filepath.Join(res.Dir, f)); err != nil {
			t.Error(err)
		}
	}
	if got := servertest.Git(t, dir, "rev-list", "--count", "HEAD"); got != "2" {
		t.Errorf("%s commits, want 2", got)
	}
	if status := servertest.Git(t, dir, "status", "--porcelain"); status != "" {
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

	// The same day again, later, on the same data: nothing to commit.
	again, err := Run(ctx, c, generated.Add(3*time.Hour), false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed || again.Commit != res.Commit || servertest.Git(t, dir, "rev-list", "--count", "HEAD") != "2" {
		t.Errorf("a rerun on the same data committed: changed %v, commit %s (was %s)", again.Changed, again.Commit, res.Commit)
	}
	// With new data (another seed), the day's report is replaced in one
	// commit, and no new directory.
	c.Seed = 2
	third, err := Run(ctx, c, generated.Add(4*time.Hour), false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !third.Changed || servertest.Git(t, dir, "rev-list", "--count", "HEAD") != "3" {
		t.Errorf("a rerun on new data: changed %v", third.Changed)
	}
	days, err := filepath.Glob(filepath.Join(dir, "reports", "*", "*"))
	if err != nil || !slices.Equal(days, []string{filepath.Join(dir, "reports/2026/2026-11-16"), filepath.Join(dir, "reports/2026/2026-11-23")}) {
		t.Errorf("report days %v, %v", days, err)
	}
}

func TestRunRemote(t *testing.T) {
	servertest.NeedGit(t)
	root := t.TempDir()
	bare := filepath.Join(root, "reports.git")
	servertest.Git(t, root, "init", "--quiet", "--bare", "--initial-branch=main", bare)
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
	if !res.Published || res.Commit != servertest.Git(t, bare, "rev-parse", "main") {
		t.Fatalf("%+v", res)
	}
	tree := servertest.Git(t, bare, "ls-tree", "-r", "--name-only", "main")
	for _, want := range []string{"README.md", "history.json", "reports/2026/2026-11-16/report.md", "reports/2026/2026-11-23/report.json"} {
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
	// reports of 2026-11-16 and 2026-11-23 recorded, from 2024-11-16: the
	// repository's one history file holds them all.
	if src := next.Report.Resources[0].Source; !strings.Contains(src, "demo, earlier days from git "+c.Git.URL) {
		t.Errorf("history from %q, want the demo's and the repository's", src)
	}
	h, err := historyJSON(servertest.Git(t, bare, "show", "main:history.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s := h.Series[0]; s.Name != "cpu/usage" || len(s.Days) != 744 || s.Days[0].Date != "2024-11-16" {
		t.Errorf("history.json: %s, %d days from %s; want cpu/usage, 744 from 2024-11-16", s.Name, len(s.Days), s.Days[0].Date)
	}
	tree = servertest.Git(t, bare, "ls-tree", "-r", "--name-only", "main")
	if strings.Count(tree, "history.json") != 1 {
		t.Errorf("the history is kept more than once:\n%s", tree)
	}
}

func TestRunDryRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	c := config.Default()
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
// still published, says what is missing, and the run ends ErrIncomplete.
func TestRunDegrades(t *testing.T) {
	servertest.NeedGit(t)
	dir := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"model 'llama3' not found"}`, http.StatusNotFound)
	}))
	defer srv.Close()
	c := demoConfig(t, filepath.Join(dir, "reports"))
	c.HistoryCSV = filepath.Join(dir, "no-such.csv")
	c.Ollama.Enabled, c.Ollama.Host = true, srv.URL
	res, err := Run(context.Background(), c, generated, false, "", nil)
	if !errors.Is(err, ErrIncomplete) || !res.Published {
		t.Fatalf("published %v, %v; want a published report and ErrIncomplete", res.Published, err)
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
	if !strings.Contains(string(md), "**This report is incomplete.** The collect stage failed: history: open "+c.HistoryCSV+": no such file") {
		t.Errorf("report.md does not flag the gap:\n%.600s", md)
	}
	var js report.Report
	data, err := os.ReadFile(filepath.Join(res.Dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &js); err != nil || len(js.Gaps) != 1 || js.Narrative == nil {
		t.Errorf("report.json: gaps %+v, narrative %v, %v", js.Gaps, js.Narrative, err)
	}
}

func TestRunStageTimeout(t *testing.T) {
	c := config.Default()
	c.Demo, c.Ollama.Enabled = true, false
	c.Timeouts.Plan = time.Nanosecond
	res, err := Run(context.Background(), c, generated, true, t.TempDir(), nil)
	// A plan given up on plans nothing: the run says so and fails.
	if !errors.Is(err, ErrNothingPlanned) {
		t.Fatalf("error %v, want ErrNothingPlanned", err)
	}
	if len(res.Report.Gaps) != 2 || res.Report.Gaps[0].Stage != "plan" || !strings.Contains(res.Report.Gaps[0].Error, "did not finish within 1ns") ||
		!strings.Contains(res.Report.Gaps[1].Error, "no resource could be planned") {
		t.Fatalf("gaps %+v", res.Report.Gaps)
	}
}

// TestRunWithoutHistory: a cluster with no history source plans nothing;
// the report says so at its top (a gap), report.json is still valid, and
// the run fails with ErrNothingPlanned (exit 3) after writing it.
func TestRunWithoutHistory(t *testing.T) {
	c := config.Default()
	c.Ollama.Enabled = false
	c.Capacities = map[string]float64{"cpu/usage": 12}
	c.HistoryCSV = filepath.Join(t.TempDir(), "history.csv")
	if err := os.WriteFile(c.HistoryCSV, []byte("series,timestamp,value\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Run(context.Background(), c, generated, true, out, nil)
	if !errors.Is(err, ErrNothingPlanned) {
		t.Fatalf("error %v, want ErrNothingPlanned", err)
	}
	md, rerr := os.ReadFile(filepath.Join(out, "report.md"))
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.Contains(string(md), "This report is incomplete") || !strings.Contains(string(md), "no resource could be planned") {
		t.Errorf("report.md does not say at its top that nothing was planned:\n%s", md)
	}
	js, rerr := os.ReadFile(filepath.Join(out, "report.json"))
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.Contains(string(js), `"resources": []`) || len(res.Report.Gaps) == 0 {
		t.Errorf("report.json: resources not an empty list, or no gap")
	}
}

// TestSecretsStayOut runs with every secret-bearing setting at once
// (Prometheus credentials in its URL and from a file, a Git token in the
// URL and in a file, an SSH key) and looks for each secret in every file
// the runs wrote, the logs, the errors and the remote's whole history.
func TestSecretsStayOut(t *testing.T) {
	servertest.NeedGit(t)
	root := t.TempDir()
	bare := servertest.BareRepo(t)
	const gitToken = "git-f1le-t0ken"
	srv := servertest.GitHTTP(t, filepath.Dir(bare), "capplan", gitToken)
	closed := servertest.FreeAddr(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	key := pem.EncodeToMemory(block)
	write := func(name, data string) string {
		path := filepath.Join(root, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	secrets := []string{"S3cretPW", "Q-T0ken", "pr0m-b34rer", "b4sic-pw", gitToken, "ghp_URLT0KEN", "ghp_SECRET", "PushG4te"}
	keyLines := strings.Split(strings.TrimSpace(string(key)), "\n")
	secrets = append(secrets, keyLines[1:len(keyLines)-1]...)
	env := map[string]string{
		"CAPPLAN_DEMO": "true", "CAPPLAN_OLLAMA_ENABLED": "false",
		"CAPPLAN_PROMETHEUS_URL": "http://alice:S3cretPW@" + closed + "/?token=Q-T0ken",
		// A gateway that is not there: the push fails and says so in the log.
		"CAPPLAN_PUSHGATEWAY_URL":      "http://pusher:PushG4te@" + closed,
		"CAPPLAN_GIT_TOKEN_FILE":       write("git-token", gitToken+"\n"),
		"CAPPLAN_GIT_SSH_KEY_FILE":     write("id_ed25519", string(key)),
		"CAPPLAN_GIT_KNOWN_HOSTS_FILE": write("known_hosts", ""),
	}
	var logs bytes.Buffer
	var errs []string
	run := func(extra map[string]string, now time.Time) (Result, error) {
		t.Helper()
		c, err := config.Load("", func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return env[k]
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), c, now, false, "", Logger(&logs, c))
		if err != nil {
			errs = append(errs, err.Error())
		}
		return res, err
	}
	// Prometheus' token and basic auth cannot go together: one run each,
	// published over HTTP with the token in the URL and in a file.
	work := filepath.Join(root, "work")
	remote := srv.URL[:len("http://")] + "ghp_URLT0KEN@" + srv.URL[len("http://"):] + "/reports.git"
	for i, prom := range []map[string]string{
		{"CAPPLAN_PROMETHEUS_TOKEN_FILE": write("prom-token", "pr0m-b34rer")},
		{"CAPPLAN_PROMETHEUS_BASIC_AUTH_FILE": write("prom-basic", "bob:b4sic-pw")},
	} {
		prom["CAPPLAN_GIT_URL"], prom["CAPPLAN_GIT_DIR"] = remote, work
		// Prometheus cannot be reached: published, incomplete.
		res, err := run(prom, generated.AddDate(0, 0, 7*i))
		if !errors.Is(err, ErrIncomplete) || !res.Published {
			t.Fatalf("run %d: published %v, %v", i, res.Published, err)
		}
		if len(res.Report.Gaps) == 0 || !strings.Contains(res.Report.Gaps[0].Error, "prometheus http://xxxxx:xxxxx@"+closed) {
			t.Errorf("run %d: the Prometheus gap does not name the redacted URL: %+v", i, res.Report.Gaps)
		}
	}
	// A remote that cannot be reached, the token only in its URL: the
	// report waits in pending/.
	res, err := run(map[string]string{"CAPPLAN_GIT_URL": "https://ghp_SECRET@" + closed + "/r.git", "CAPPLAN_GIT_DIR": work,
		"CAPPLAN_GIT_TOKEN_FILE": "", "CAPPLAN_PROMETHEUS_TOKEN_FILE": write("prom-token", "pr0m-b34rer")}, generated.AddDate(0, 0, 14))
	if !errors.Is(err, ErrNotPublished) {
		t.Fatalf("unreachable remote: %+v, %v", res, err)
	}

	texts := map[string]string{
		"git log -p --all": servertest.Git(t, bare, "log", "-p", "--all"),
		"logs":             logs.String(),
		"errors":           strings.Join(errs, "\n"),
	}
	err = filepath.WalkDir(work, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		texts[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(texts["git log -p --all"], "reports/2026/2026-11-30/report.md") {
		t.Fatal("the second report is not in the remote")
	}
	pending := 0
	for name, text := range texts {
		if strings.Contains(name, "pending") {
			pending++
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the secret %q", name, s)
			}
		}
	}
	if pending == 0 {
		t.Error("nothing in pending/ was checked")
	}
}

// TestRunIntoEmptyRepository publishes into a repository without a commit:
// no history to read yet, and no gap for it.
func TestRunIntoEmptyRepository(t *testing.T) {
	servertest.NeedGit(t)
	dir := t.TempDir()
	servertest.Git(t, dir, "init", "--quiet", "--initial-branch=main")
	res, err := Run(context.Background(), demoConfig(t, dir), generated, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Gaps) != 0 || !res.Published || servertest.Git(t, dir, "rev-parse", "HEAD") != res.Commit {
		t.Fatalf("gaps %+v, %+v", res.Report.Gaps, res)
	}
}

// TestRunMigratesHistory publishes into a repository of the earlier
// layout, where each report's directory held the whole history: the run
// reads it once, keeps it in the one history.json and removes the copies.
func TestRunMigratesHistory(t *testing.T) {
	servertest.NeedGit(t)
	dir := t.TempDir()
	servertest.Git(t, dir, "init", "--quiet", "--initial-branch=main")
	lastWeek := generated.AddDate(0, 0, -7)
	snap, hist := demo.Cluster(1, lastWeek)
	old := filepath.Join(dir, "reports", "2026", "2026-11-16")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	v1, err := json.Marshal(map[string]any{"schema": "capplan.history/v1", "generated": lastWeek, "series": hist.Series})
	if err != nil {
		t.Fatal(err)
	}
	files, r, err := renderPlan(snap, hist, config.Default().Planner, lastWeek, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	// report.json of the earlier layout: schema v1, with the history.
	var doc map[string]any
	if err := json.Unmarshal(files[0].Data, &doc); err != nil || files[0].Name != "report.json" {
		t.Fatalf("%s: %v", files[0].Name, err)
	}
	doc["schema"], doc["history"] = "capplan.report/v1", hist.Series
	reportV1, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"history.json": v1, "report.json": reportV1, "report.md": files[1].Data} {
		if err := os.WriteFile(filepath.Join(old, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	servertest.Git(t, dir, "add", ".")
	servertest.Git(t, dir, "-c", "user.name=capplan", "-c", "user.email=capplan@example.org", "commit", "--quiet", "-m", "report "+r.Date)

	res, err := Run(context.Background(), demoConfig(t, dir), generated, false, "", nil)
	if err != nil || len(res.Report.Gaps) != 0 {
		t.Fatalf("%v, gaps %+v", err, res.Report.Gaps)
	}
	if res.Report.ComparedWith != "2026-11-16" {
		t.Errorf("compared with %q: last week's report of schema v1 was not read", res.Report.ComparedWith)
	}
	tree := servertest.Git(t, dir, "ls-tree", "-r", "--name-only", "HEAD")
	if strings.Contains(tree, "reports/2026/2026-11-16/history.json") || !strings.Contains(tree, "\nhistory.json\n") {
		t.Errorf("tree after the migration:\n%s", tree)
	}
	h, err := historyJSON(servertest.Git(t, dir, "show", "HEAD:history.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Last week's 730 days from 2024-11-16 and this week's to 2026-11-22.
	if s := h.Series[0]; len(s.Days) != 737 || s.Days[0].Date != "2024-11-16" {
		t.Errorf("history.json: %d days from %s, want 737 from 2024-11-16", len(s.Days), s.Days[0].Date)
	}
}

// TestInterruptedRunKeepsItsReport: a run whose context ends (SIGTERM)
// publishes nothing; its report, which says so, is kept in pending/.
func TestInterruptedRunKeepsItsReport(t *testing.T) {
	servertest.NeedGit(t)
	dir := t.TempDir()
	servertest.Git(t, dir, "init", "--quiet", "--initial-branch=main")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("terminated"))
	res, err := Run(ctx, demoConfig(t, dir), generated, false, "", nil)
	if !errors.Is(err, ErrNotPublished) || !strings.Contains(err.Error(), "interrupted (terminated)") {
		t.Fatalf("error %v, want the report not published as interrupted", err)
	}
	if out := servertest.Git(t, dir, "log", "--oneline", "--all"); out != "" {
		t.Fatalf("an interrupted run committed:\n%s", out)
	}
	kept := filepath.Join(dir, "pending", "reports", "2026", "2026-11-23")
	if res.Dir != kept {
		t.Errorf("kept in %q, want %q", res.Dir, kept)
	}
	md, err := os.ReadFile(filepath.Join(kept, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "The run stage failed: interrupted (terminated): this report was kept, not published") {
		t.Errorf("report.md does not say it was interrupted:\n%.600s", md)
	}
	if _, err := os.Stat(filepath.Join(kept, "history.json")); err != nil {
		t.Errorf("the history was not kept: %v", err)
	}
}

// TestUnreachablePrometheusRaisesNoAlarm: a Prometheus that cannot be
// reached is a gap and an incomplete run, never an alarm: every resource
// is as critical as in the same run without it, and no more.
func TestUnreachablePrometheusRaisesNoAlarm(t *testing.T) {
	statuses := func(c config.Config) (map[string]string, error) {
		res, err := Run(context.Background(), c, generated, true, t.TempDir(), nil)
		out := map[string]string{}
		for _, r := range res.Report.Resources {
			out[r.Name] = r.Status
		}
		return out, err
	}
	c := demoConfig(t, "")
	want, err := statuses(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Prometheus.URL = "http://" + servertest.FreeAddr(t)
	got, err := statuses(c)
	if !errors.Is(err, ErrIncomplete) {
		t.Errorf("run with an unreachable Prometheus: %v, want ErrIncomplete", err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("statuses %v; without Prometheus %v", got, want)
	}
}
