package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPlanDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, stdout, stderr := capplan(t, "plan", "--demo", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// report.json, report.md and the charts of the seven resources that
	// come near a threshold (data-platform's requests against its quota
	// among them); three Ceph ones stay quiet.
	if !strings.Contains(stdout, "9 files, 10 resources") {
		t.Errorf("stdout %q", stdout)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(md), "# Capacity report: homelab (demo), ") || !strings.Contains(string(md), "](chart-cpu-usage.svg)") {
		t.Errorf("report.md starts %.80q", md)
	}
	if _, err := os.Stat(filepath.Join(dir, "chart-cpu-usage.svg")); err != nil {
		t.Error(err)
	}
	// Next week's run reads this one.
	code, _, stderr = capplan(t, "plan", "--demo", "--out", filepath.Join(t.TempDir(), "next"), "--previous", filepath.Join(dir, "report.json"))
	if code != 0 {
		t.Fatalf("with --previous: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan", "--demo"}, 2, "--out DIR is required"},
		// A configuration file that cannot be read is a configuration error,
		// for plan as for run.
		{[]string{"plan", "--demo", "--out", dir, "--config", "no-such.yaml"}, 2, "no-such.yaml"},
		{[]string{"plan", "--demo", "--out", dir, "--previous", "../../README.md"}, 1, "previous report ../../README.md"},
	} {
		code, _, stderr := capplan(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// A history file alone is planned against the configured capacities, with
// no cluster: the sections that need one say so.
func TestPlanHistoryWithoutACluster(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("series,timestamp,value\n")
	for d := range 60 {
		for h := 0; h < 24; h += 6 {
			fmt.Fprintf(&csv, "cpu/usage,%s,%g\n", time.Date(2026, 9, 1, h, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.RFC3339), 10+0.1*float64(d)+float64(h)/6)
		}
	}
	history, config := filepath.Join(dir, "history.csv"), filepath.Join(dir, "planner.yaml")
	if err := os.WriteFile(history, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("capacities: {\"cpu/usage\": 36}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A kubeconfig in the environment is not read for a history file.
	t.Setenv("KUBECONFIG", filepath.Join(dir, "no-such-kubeconfig"))
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	out := filepath.Join(dir, "report")
	code, stdout, stderr := capplan(t, "plan", "--history-csv", history, "--config", config, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "1 resources") {
		t.Errorf("stdout %q", stdout)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# Capacity report: history.csv, ",
		"| [cpu/usage](#cpuusage) | ",
		"36.00 cores",
		"No cluster snapshot",
		"The loss of a node was not evaluated: there is no cluster snapshot, only a history.",
		"kubernetes: none: a history file without a kubeconfig or context",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
}

// TestOneConfigurationFile: plan and run read the same file; a misspelt
// key and a value of the wrong type fail both with the file, the line and
// the key.
func TestOneConfigurationFile(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("series,timestamp,value\n")
	for d := range 60 {
		fmt.Fprintf(&csv, "cpu/usage,%s,%g\n", time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.RFC3339), 10+0.1*float64(d))
	}
	history := filepath.Join(dir, "history.csv")
	if err := os.WriteFile(history, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("capplan.yaml", "history_csv: "+history+"\ncapacities: {\"cpu/usage\": 36}\nthresholds:\n  cpu_average: 0.6\n"+
		"git:\n  dir: "+filepath.Join(dir, "reports")+"\nollama:\n  enabled: false\n")
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	if code, _, stderr := capplan(t, "plan", "--config", good, "--out", filepath.Join(dir, "plan")); code != 0 {
		t.Fatalf("plan: exit %d: %s", code, stderr)
	}
	if code, _, stderr := capplan(t, "run", "--config", good, "--dry-run", "--out", filepath.Join(dir, "run")); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"plan", "run"} {
		js, err := os.ReadFile(filepath.Join(dir, f, "report.json"))
		if err != nil || !strings.Contains(string(js), `"fraction": 0.6`) {
			t.Errorf("%s: the file's cpu_average did not reach the report (%v)", f, err)
		}
	}
	typo := write("typo.yaml", "history_csv: "+history+"\nthresholds:\n  cpu_avrage: 0.6\n")
	wrong := write("wrong.yaml", "history_csv: "+history+"\ngit:\n  tries: many\n")
	for _, cmd := range [][]string{{"plan", "--out", filepath.Join(dir, "x")}, {"run", "--dry-run", "--out", filepath.Join(dir, "y")}} {
		for file, want := range map[string]string{
			typo:  typo + `:3: unknown key "cpu_avrage" in thresholds: did you mean cpu_average?`,
			wrong: wrong + `:3: git.tries: want a whole number, not "many"`,
		} {
			code, _, stderr := capplan(t, append(cmd, "--config", file)...)
			if code != 2 || !strings.Contains(stderr, want) {
				t.Errorf("%s --config %s: exit %d, %q; want 2 and %q", cmd[0], filepath.Base(file), code, stderr, want)
			}
		}
	}
}

// TestPlanWhatIf: --what-if adds planned workloads to this report only,
// says so at its top, and leaves the report repository it reads as it
// was; a bad entry is refused with its file, line and key.
func TestPlanWhatIf(t *testing.T) {
	repo := t.TempDir()
	if code, _, stderr := capplan(t, "demo", "--git-dir", repo, "--ollama=false"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	state := func() string {
		head, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		status, err := exec.Command("git", "-C", repo, "status", "--porcelain").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(head) + string(status)
	}
	before := state()
	dir := t.TempDir()
	whatIf := filepath.Join(dir, "what-if.yaml")
	if err := os.WriteFile(whatIf, []byte("planned:\n  - {name: ml-training, namespace: ai-inference, start: \"2027-03-01\", cpu_cores: 8, memory_bytes: 34359738368}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	code, _, stderr := capplan(t, "plan", "--demo", "--history-git", repo, "--what-if", whatIf, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"> **What if:** this report adds planned workloads that are not in the configuration: ml-training (" + whatIf + ").",
		"Planned: ml-training (ai-inference) adds 8.00 cores from 2027-03-01.",
		"Planned: ml-training (ai-inference) adds 32.0 GiB from 2027-03-01.",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if after := state(); after != before {
		t.Errorf("the report repository changed:\n%s\nthen\n%s", before, after)
	}
	if err := os.WriteFile(whatIf, []byte("planned:\n  - name: ml-training\n    start: next March\n    cpu_cores: 8\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = capplan(t, "plan", "--demo", "--what-if", whatIf, "--out", out)
	if want := whatIf + ":3: planned \"ml-training\": start \"next March\" is not YYYY-MM-DD"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("a bad what-if: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

// TestPlanGrowthFromCSV: a history file's namespace series break the
// cluster's growth down by the configured groups.
func TestPlanGrowthFromCSV(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("series,timestamp,value\n")
	for d := range 120 {
		ts := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.RFC3339)
		lake := 2 + 0.02*float64(d)
		fmt.Fprintf(&csv, "cpu/requests,%s,%g\nnamespace/lake/cpu/requests,%s,%g\nnamespace/web/cpu/requests,%s,1\n", ts, lake+1, ts, lake, ts)
	}
	history, config := filepath.Join(dir, "history.csv"), filepath.Join(dir, "planner.yaml")
	if err := os.WriteFile(history, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("capacities: {\"cpu/requests\": 24}\ngroups: {data: [lake]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	if code, _, stderr := capplan(t, "plan", "--history-csv", history, "--config", config, "--out", out, "--now", "2026-11-29T09:00:00Z"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	// 0.02 cores a day for 90 days: 1.80, all of the cluster's.
	for _, want := range []string{"**cpu/requests**: +1.80 cores over the last 90 days", "| data | lake | +1.80 cores | 100% |", "| web | web | 0.00 cores | 0% |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}

// TestPlanRefusesAFleet: plan and snapshot take one cluster; given a
// fleet's configuration they say so and exit 2, rather than sum the
// store's clusters into one.
func TestPlanRefusesAFleet(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(config, []byte("prometheus: {url: \"http://127.0.0.1:1\"}\ncluster_label: cluster\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"plan", "--config", config, "--out", filepath.Join(dir, "out")}, {"snapshot", "--config", config}} {
		code, _, stderr := capplan(t, args...)
		if code != 2 || !strings.Contains(stderr, "the configuration gives a fleet (clusters, cluster_label): capplan run plans it") {
			t.Errorf("%s: exit %d, %s", args[0], code, stderr)
		}
	}
}
