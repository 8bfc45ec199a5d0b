package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/test/servertest"
)

// snapshotJSON is what snapshot --format json prints.
type snapshotJSON struct {
	Snapshot collectors.Snapshot `json:"snapshot"`
	History  []struct {
		Name, Source string
		Days         int
	} `json:"history"`
}

func TestSnapshotDemoJSON(t *testing.T) {
	code, stdout, stderr := capplan(t, "snapshot", "--demo", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out snapshotJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	s := out.Snapshot
	if len(s.Nodes) != 3 || s.Ceph == nil || len(s.Ceph.Pools) == 0 || len(out.History) == 0 {
		t.Fatalf("demo snapshot has %d nodes, ceph %v, %d history series", len(s.Nodes), s.Ceph, len(out.History))
	}
	for _, h := range out.History {
		if h.Days != 730 || h.Source != "demo" {
			t.Errorf("%s: %d days from %q, want 730 from demo", h.Name, h.Days, h.Source)
		}
	}
}

func TestSnapshotTable(t *testing.T) {
	code, stdout, stderr := capplan(t, "snapshot", "--demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"NODE", "mini-1", "ai-inference", "replicapool", "5.46 TiB total", "(CPU in cores, memory in GiB"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, stderr = capplan(t, "snapshot", "--demo", "--ceph-df", "../../collectors/ceph/testdata/jewel-10.2.2-df-detail.datadog.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"scbench", "Ceph's defaults, assumed", "ceph: ceph df file"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSnapshotErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"snapshot", "--demo", "--context", "prod"}, 2, "demo takes no kubeconfig or context"},
		{[]string{"snapshot", "--demo", "--format", "yaml"}, 2, "--format must be table or json"},
		{[]string{"snapshot", "--kubeconfig", "no-such-kubeconfig"}, 1, "no-such-kubeconfig"},
		{[]string{"snapshot", "--demo", "--ceph-df", "no-such.json"}, 1, "no-such.json"},
		{[]string{"snapshot", "--demo", "--history-days", "0"}, 2, "prometheus.history_days must be at least 1"},
		{[]string{"snapshot", "--demo", "--history-csv", "no-such.csv"}, 1, "no-such.csv"},
		{[]string{"snapshot", "--demo", "--history-git", "no-such-repo"}, 1, "report repository no-such-repo"},
		{[]string{"snapshot", "--demo", "--prometheus-url", "http://127.0.0.1:1", "--prometheus-basic-auth-file", "../../README.md"}, 2, "want one line, user:password"},
		{[]string{"snapshot", "--demo", "--prometheus-url", "http://127.0.0.1:1", "--prometheus-queries", "../../README.md"}, 1, "prometheus queries ../../README.md"},
		{[]string{"snapshot", "--demo", "--prometheus-url", "http://127.0.0.1:1"}, 1, "prometheus http://127.0.0.1:1: stopped answering at cpu/usage, 0 series read before: "},
		{[]string{"snapshot", "--demo", "--prometheus-url", "http://127.0.0.1:1", "--prometheus-token-file", "no-such-token"}, 2, "no-such-token"},
		{[]string{"snapshot", "--demo", "--ceph-df", "../../docs/examples/resource_metrics.csv"}, 1, "resource_metrics.csv: not ceph df JSON"},
	} {
		code, _, stderr := capplan(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// A cluster API server with one node and one pod and no metrics API.
func TestSnapshotFromKubernetes(t *testing.T) {
	lists := map[string]string{
		"/api/v1/nodes": `{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"worker-1"},` +
			`"status":{"allocatable":{"cpu":"4","memory":"16Gi"},"conditions":[{"type":"Ready","status":"True"}]}}]}`,
		"/api/v1/pods": `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"web","namespace":"shop"},` +
			`"spec":{"nodeName":"worker-1","containers":[{"name":"web","resources":{"requests":{"cpu":"1","memory":"2Gi"}}}]},"status":{"phase":"Running"}}]}`,
		"/api/v1/persistentvolumeclaims": `{"kind":"PersistentVolumeClaimList","apiVersion":"v1","metadata":{},"items":[]}`,
		"/api/v1/events":                 `{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[]}`,
	}
	config, _ := fakeAPIServer(t, lists)
	code, stdout, stderr := capplan(t, "snapshot", "--kubeconfig", config)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"worker-1", "1.00 (25%)", "shop", "is metrics-server installed?", "nodes: kubernetes API"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

// fakeAPIServer serves lists by path and writes a kubeconfig for it; seen
// returns the paths requested so far.
func fakeAPIServer(t *testing.T, lists map[string]string) (kubeconfig string, seen func() []string) {
	t.Helper()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		body, ok := lists[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	config := filepath.Join(t.TempDir(), "kubeconfig")
	kc := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: %q}\nusers:\n- name: u\n  user: {token: t}\n"+
		"contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n", srv.URL)
	if err := os.WriteFile(config, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return config, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(paths)
	}
}

// TestRookToolboxSwitch: rook_toolbox false (the chart's default, which
// grants no pods/exec) leaves Rook's toolbox alone, so a cluster without
// that permission gets no "forbidden" note every week.
func TestRookToolboxSwitch(t *testing.T) {
	const toolbox = "/api/v1/namespaces/rook-ceph/pods"
	for _, tc := range []struct {
		flags []string
		asks  bool
	}{{nil, true}, {[]string{"--rook-toolbox=false"}, false}} {
		config, seen := fakeAPIServer(t, map[string]string{
			"/api/v1/nodes": `{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"worker-1"},` +
				`"status":{"allocatable":{"cpu":"4","memory":"16Gi"}}}]}`,
			"/api/v1/pods": `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}`,
		})
		code, _, stderr := capplan(t, append([]string{"snapshot", "--kubeconfig", config}, tc.flags...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.flags, code, stderr)
		}
		if asked := slices.Contains(seen(), toolbox); asked != tc.asks {
			t.Errorf("%v: asked for the toolbox pods: %v, want %v", tc.flags, asked, tc.asks)
		}
	}
}

func TestSnapshotMergesHistories(t *testing.T) {
	code, stdout, stderr := capplan(t, "snapshot", "--demo", "--history-csv", "../../docs/examples/resource_metrics.csv", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out snapshotJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for _, h := range out.History {
		sources[h.Name] = h.Source
	}
	csv := "csv file ../../docs/examples/resource_metrics.csv"
	for name, want := range map[string]string{"disk/used": csv, "cpu/usage": csv, "ceph/stored": "demo", "cpu/requests": "demo"} {
		if sources[name] != want {
			t.Errorf("%s from %q, want %q", name, sources[name], want)
		}
	}
	found := false
	for _, n := range out.Snapshot.Notes {
		found = found || strings.Contains(n.Message, "cpu/usage: 730 days from "+csv+" used; demo has 730")
	}
	if !found {
		t.Errorf("no note on which cpu/usage history was used: %v", out.Snapshot.Notes)
	}
}

// TestSnapshotHistoryWithoutDays: a recorded series with no days is
// listed as such; it used to panic.
func TestSnapshotHistoryWithoutDays(t *testing.T) {
	servertest.NeedGit(t)
	dir := t.TempDir()
	servertest.Git(t, dir, "init", "--quiet", "--initial-branch=main")
	history := `{"schema":"capplan.history/v2","through":"2026-11-22","series":[
{"name":"network/receive","unit":"bytes/s","source":"prometheus","days":[]}
]}
`
	if err := os.WriteFile(filepath.Join(dir, "history.json"), []byte(history), 0o644); err != nil {
		t.Fatal(err)
	}
	servertest.Git(t, dir, "add", ".")
	servertest.Git(t, dir, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "history")
	code, stdout, stderr := capplan(t, "snapshot", "--demo", "--history-git", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !regexp.MustCompile(`network/receive +bytes/s +git \S+ +0 +— +—`).MatchString(stdout) {
		t.Errorf("the empty series is not listed:\n%s", stdout)
	}
}
