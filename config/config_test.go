package config

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// TestGoodFiles: every testdata/*.good.yml loads and validates.
func TestGoodFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.good.yml")
	if len(files) < 4 {
		t.Fatalf("%d good files", len(files))
	}
	for _, f := range files {
		if _, err := Load(f, noEnv, nil); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestBadFiles: every testdata/*.bad.yml fails with the error its first
// line gives ("# error: …"), which names the file, the line and the key.
func TestBadFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bad.yml")
	if len(files) < 15 {
		t.Fatalf("%d bad files", len(files))
	}
	for _, f := range files {
		want := firstLine(t, f)
		want, ok := strings.CutPrefix(want, "# error: ")
		if !ok {
			t.Fatalf("%s: the first line is not # error: …", f)
		}
		_, err := Load(f, noEnv, nil)
		var ce Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v, want a configuration error", f, err)
			continue
		}
		if got := strings.TrimPrefix(err.Error(), "configuration: testdata/"); !strings.Contains(got, want) {
			t.Errorf("%s:\n got: %s\nwant: %s", f, got, want)
		}
	}
}

func firstLine(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Scan()
	return s.Text()
}

// TestRunFile: what the full example says is what Load returns; what it
// leaves out keeps its default.
func TestRunFile(t *testing.T) {
	c, err := Load("testdata/run.good.yml", noEnv, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.ClusterName, want.Prometheus.URL, want.Prometheus.HistoryDays = "homelab", "http://prometheus.monitoring:9090", 365
	want.Kube = Kube{QPS: 20, Burst: 40}
	want.Thresholds.CPUAverage, want.Thresholds.StorageExpand = 0.6, 0.65
	want.HorizonDays, want.Months, want.NetworkBytesPerSecond = 120, 18, 1.25e9
	want.Catalogue = []Option{{Name: "add a node", Cost: 1500, Node: true}, {Name: "NVMe drive (+2 TB a node)", Cost: 700, PerNode: true, RawBytes: 2e12}}
	other := false
	want.Groups = map[string][]string{"data platform": {"data-platform"}, "AI inference": {"ai-inference"}}
	want.Planned = []Workload{{Name: "ml-training", Namespace: "ai-inference", Start: "2027-03-01", CPUCores: 8, MemoryBytes: 32 << 30, GrowthPerMonth: 0.05}}
	want.Inventory = []Item{{Name: "mini-1", Purchased: "2023-01-15", LifeYears: 5}, {Name: "NVMe set", Purchased: "2024-11-01", LifeYears: 4, Node: &other}}
	want.Capacities = map[string]float64{"network/receive": 1.25e9}
	want.Git.URL, want.Git.Branch, want.Git.KeepDays = "https://git.example.org/infra/capacity-reports.git", "reports", 730
	want.Ollama.Enabled, want.Ollama.Model, want.Ollama.Timeout = false, "llama3.1:8b", 10*time.Minute
	want.Timeouts.Plan = 20 * time.Minute
	want.Pushgateway = Pushgateway{URL: "http://pushgateway.monitoring:9091", Job: "capacity"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("loaded\n%+v\nwant\n%+v", c, want)
	}
	// A plan's file is a run's: the runway benchmark's capacities.
	p, err := Load("testdata/plan.good.yml", noEnv, nil)
	if err != nil || p.Capacities["cpu/usage"] != 48 || p.Capacities["ceph/stored"] != 2e12 || !reflect.DeepEqual(p.Catalogue, defaultCatalogue()) {
		t.Errorf("plan file: %+v, %v", p.Planner, err)
	}
}

// TestPrecedence: the file, then the environment, then flags; secrets
// from the environment.
func TestPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "capplan.yaml")
	if err := os.WriteFile(file, []byte("demo: true\ngit:\n  url: https://git.example.org/reports.git\n  branch: from-file\nollama:\n  model: from-file\n  timeout: 2m\nhorizon_days: 60\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CAPPLAN_GIT_BRANCH": "from-env", "CAPPLAN_OLLAMA_MODEL": "from-env", "CAPPLAN_GIT_TOKEN": "s3cret", "OLLAMA_HOST": "ollama:11434"}
	c, err := Load(file, func(k string) string { return env[k] }, map[string]string{"ollama-model": "from-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.Git.Branch != "from-env" || c.Ollama.Model != "from-flag" || c.Ollama.Timeout != 2*time.Minute || c.HorizonDays != 60 ||
		c.Secrets().GitToken != "s3cret" || c.Ollama.Host != "ollama:11434" {
		t.Errorf("precedence: %+v", c)
	}
	for _, tc := range []struct {
		yaml  string
		env   map[string]string
		flags map[string]string
		want  string
	}{
		{"", map[string]string{"CAPPLAN_GIT_TRIES": "many"}, nil, `CAPPLAN_GIT_TRIES="many"`},
		{"", nil, map[string]string{"ollama-timeout": "soon"}, `--ollama-timeout "soon"`},
		{"", map[string]string{"CAPPLAN_OLLAMA_NUM_PREDICT": "0"}, nil, "CAPPLAN_OLLAMA_NUM_PREDICT: ollama.num_predict is 0"},
		{"git:\n  tries: 0\n", nil, map[string]string{"git-tries": "-1"}, "--git-tries: git.tries is -1"},
		{"git:\n  token_file: /no/such/token\n", nil, nil, "git.token_file"},
		{"", map[string]string{"CAPPLAN_PROMETHEUS_TOKEN": "t0ken", "CAPPLAN_PROMETHEUS_BASIC_AUTH": "u:pw"}, nil, "cannot both be used"},
	} {
		if err := os.WriteFile(file, []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(file, func(k string) string { return tc.env[k] }, tc.flags)
		var ce Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %v %v: %v, want a configuration error naming %s", tc.yaml, tc.env, tc.flags, err, tc.want)
		}
	}
}

// TestDefaultsValidate: the defaults are a configuration that runs.
func TestDefaultsValidate(t *testing.T) {
	if p := Default().problems(); len(p) > 0 {
		t.Fatal(p)
	}
}

// leafKeys are the YAML paths of the settings of struct type t.
func leafKeys(t reflect.Type, prefix string, into map[string]bool) {
	for k, idx := range fieldsOf(t) {
		f := t.FieldByIndex(idx)
		if f.Type.Kind() == reflect.Struct && f.Type != durationType {
			leafKeys(f.Type, prefix+k+".", into)
			continue
		}
		into[prefix+k] = true
	}
}

// TestEveryFieldIsAKey: each flag and variable sets a key the file has,
// and every setting but the planner's and the fleet's list (lists and
// maps, or what a file states once) has all three forms.
func TestEveryFieldIsAKey(t *testing.T) {
	keys, planner := map[string]bool{}, map[string]bool{}
	leafKeys(reflect.TypeFor[Config](), "", keys)
	leafKeys(reflect.TypeFor[Planner](), "", planner)
	planner["clusters"] = true
	flags := map[string]bool{}
	fields := Fields()
	for _, f := range fields {
		if !keys[f.Key] {
			t.Errorf("flag --%s sets %s, which the file does not have", f.Flag, f.Key)
		}
		if flags[f.Flag] || f.Usage == "" {
			t.Errorf("flag --%s: given twice, or without a usage", f.Flag)
		}
		flags[f.Flag] = true
		delete(keys, f.Key)
	}
	for k := range keys {
		if !planner[k] {
			t.Errorf("%s has no flag or variable", k)
		}
	}
	if len(fields) < 40 {
		t.Errorf("%d fields", len(fields))
	}
}

// TestVariablesAndFlagsSetEveryKind: a variable or flag of each kind of
// setting is read, and a bad one is named with what it wants.
func TestVariablesAndFlagsSetEveryKind(t *testing.T) {
	env := map[string]string{"CAPPLAN_SEED": "7", "CAPPLAN_KUBE_QPS": "12.5", "CAPPLAN_GIT_TRIES": "0x3", "CAPPLAN_TIMEOUTS_PLAN": "90s", "CAPPLAN_DEMO": "true"}
	c, err := Load("", func(k string) string { return env[k] }, map[string]string{"rook-toolbox": "false", "cluster-name": "lab"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Seed != 7 || c.Kube.QPS != 12.5 || c.Git.Tries != 3 || c.Timeouts.Plan != 90*time.Second || !c.Demo || c.RookToolbox || c.ClusterName != "lab" {
		t.Errorf("loaded %+v", c)
	}
	for v, want := range map[string]string{"CAPPLAN_SEED": "want a whole number from 0 up", "CAPPLAN_DEMO": "want true or false", "CAPPLAN_KUBE_QPS": "want a number"} {
		_, err := Load("", func(k string) string {
			if k == v {
				return "lots"
			}
			return ""
		}, nil)
		if err == nil || !strings.Contains(err.Error(), v+`="lots": `+want) {
			t.Errorf("%s=lots: %v", v, err)
		}
	}
}

// TestForCluster: a fleet's cluster is planned with its own matchers
// (the label's, when it gives none), snapshot source, capacities over
// the configuration's, and report directory; a cluster without a
// kubeconfig or context reads no API server.
func TestForCluster(t *testing.T) {
	c, err := Load("testdata/fleet.good.yml", noEnv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsFleet() || len(c.Clusters) != 2 {
		t.Fatalf("fleet %+v", c.Fleet)
	}
	eu, us := c.ForCluster(c.Clusters[0]), c.ForCluster(c.Clusters[1])
	for _, tc := range []struct {
		name, got, want string
	}{
		{"eu matchers", eu.Prometheus.Matchers, `{k8s_cluster="prod-eu"}`},
		{"us matchers", us.Prometheus.Matchers, `{k8s_cluster="prod-us", env="prod"}`},
		{"eu name", eu.ClusterName, "prod-eu"},
		{"us directory", us.Git.Cluster, "prod-us"},
		{"us context", us.Context, "prod-us"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if !eu.NoCluster || us.NoCluster {
		t.Errorf("NoCluster: eu %v (want true), us %v (want false)", eu.NoCluster, us.NoCluster)
	}
	if eu.IsFleet() || us.Capacities["cpu/usage"] != 96 || eu.Capacities["cpu/usage"] != 0 {
		t.Errorf("eu fleet %v, capacities eu %v us %v", eu.IsFleet(), eu.Capacities, us.Capacities)
	}
	if Default().ForCluster(Cluster{Name: "a"}).Prometheus.Matchers != `{cluster="a"}` {
		t.Error("the default label is not cluster")
	}
}
