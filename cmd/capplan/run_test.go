package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/test/servertest"
)

// noOllama points OLLAMA_HOST at a closed port, so that a local server
// does not change what the tests see.
func noOllama(t *testing.T) {
	t.Setenv("OLLAMA_HOST", servertest.FreeAddr(t))
}

func TestDemoCommand(t *testing.T) {
	servertest.NeedGit(t)
	noOllama(t)
	dir := filepath.Join(t.TempDir(), "capplan-demo")
	code, stdout, stderr := capplan(t, "demo", "--git-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	day := time.Now().UTC().Format(time.DateOnly)
	want := "Report: " + filepath.Join(dir, "reports", day[:4], day, "report.md")
	if !strings.Contains(stdout, want) || !strings.Contains(stdout, "Narrative: written by rules (no Ollama answered at "+os.Getenv("OLLAMA_HOST")+" (") {
		t.Errorf("stdout %q, want %q and the narrative's source", stdout, want)
	}
	if out := servertest.Git(t, dir, "log", "--oneline"); !strings.Contains(out, "Capacity report "+day) {
		t.Errorf("git log: %s", out)
	}
	// The summary line is JSON when stderr is not a terminal.
	last := strings.TrimSpace(stderr[strings.LastIndex(strings.TrimSpace(stderr), "\n")+1:])
	for _, want := range []string{`"msg":"capplan run"`, `"published":true`, `"runway_days":{`, `"cpu/usage":`, `"commit":"`} {
		if !strings.Contains(last, want) {
			t.Errorf("summary line lacks %s: %s", want, last)
		}
	}
}

func TestRunCommand(t *testing.T) {
	servertest.NeedGit(t)
	noOllama(t)
	work := t.TempDir()
	code, stdout, stderr := capplan(t, "run", "--demo", "--ollama=false", "--dry-run")
	if code != 0 || !strings.HasPrefix(stdout, "# Capacity report: homelab (demo)") {
		t.Fatalf("dry run: exit %d, stdout %.80q, stderr %s", code, stdout, stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", "--demo"}, 2, "git.url or git.dir is needed"},
		{[]string{"run", "--demo", "--git-tries", "0", "--dry-run"}, 2, "git.tries is 0"},
		{[]string{"run", "--config", "no-such.yaml"}, 2, "no-such.yaml"},
		{[]string{"run", "--demo", "--ollama=false", "--git-url", "file://" + filepath.Join(work, "missing.git"), "--git-dir", work}, 1, "report not published; kept in the work directory"},
	} {
		code, _, stderr := capplan(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

func TestScheduleFlags(t *testing.T) {
	if code, _, stderr := capplan(t, "schedule", "--cron", "every monday", "--demo"); code != 2 || !strings.Contains(stderr, "--cron") {
		t.Errorf("bad cron: exit %d, %s", code, stderr)
	}
	if code, _, stderr := capplan(t, "schedule", "--time-zone", "Mars/Olympus", "--demo"); code != 2 || !strings.Contains(stderr, "Mars/Olympus") {
		t.Errorf("bad zone: exit %d, %s", code, stderr)
	}
}

// TestDryRunKeepsCredentialsOut is the leak as a user met it: a password
// and a token written into --prometheus-url reached report.md,
// report.json and the log.
func TestDryRunKeepsCredentialsOut(t *testing.T) {
	noOllama(t)
	out := filepath.Join(t.TempDir(), "leak")
	code, _, stderr := capplan(t, "run", "--demo", "--dry-run", "--out", out, "--prometheus-url", "http://alice:S3cretPW@127.0.0.1:1/?token=T0kenQ")
	// Prometheus cannot be reached: the report is written, incomplete.
	if code != 4 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	texts := map[string]string{"stderr": stderr}
	for _, f := range []string{"report.md", "report.json", "history.json"} {
		data, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		texts[f] = string(data)
	}
	for name, text := range texts {
		for _, secret := range []string{"S3cretPW", "T0kenQ"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds %s", name, secret)
			}
		}
	}
	if !strings.Contains(texts["report.md"], "prometheus http://xxxxx:xxxxx@127.0.0.1:1/?token=xxxxx") {
		t.Errorf("report.md does not name the redacted URL:\n%.1200s", texts["report.md"])
	}
}
