package prom

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/test/servertest"
	"github.com/capplan/capplan/units"
)

const gib = 1 << 30

// memoryOn is the synthetic working set on a day: constant but for a
// doubling at noon, so that the day's mean and peak are known exactly.
func memoryOn(day time.Time) float64 { return float64(1+day.YearDay()%5) * gib }

// nanAt is the one sample of nan_metric that is NaN: noon ten days ago.
func nanAt(now time.Time) time.Time {
	return now.AddDate(0, 0, -10).Add(12 * time.Hour)
}

// history writes 120 days of 5-minute samples ending just before now, a
// midnight at least a few hours past (Prometheus' head block must not
// overlap the backfill).
func history(now time.Time) string {
	start := now.AddDate(0, 0, -120)
	end := now.Add(-5 * time.Minute)
	var b strings.Builder
	series := func(name string, value func(t time.Time) float64) {
		for t := start; !t.After(end); t = t.Add(5 * time.Minute) {
			v := value(t)
			if math.IsNaN(v) && name == "partial_metric" {
				continue
			}
			fmt.Fprintf(&b, "%s %g %d\n", name, v, t.Unix())
		}
	}
	secs := func(t time.Time) float64 { return t.Sub(start).Seconds() }
	// 1.5 cores used by an app container, and a pause container (no image)
	// that the default query must leave out.
	series(`container_cpu_usage_seconds_total{container="app",image="shop:1",namespace="a",node="n1",pod="p1"}`, func(t time.Time) float64 { return 1.5 * secs(t) })
	series(`container_cpu_usage_seconds_total{container="POD",image="",namespace="a",node="n1",pod="p1"}`, func(t time.Time) float64 { return 100 * secs(t) })
	series(`container_memory_working_set_bytes{container="app",image="shop:1",namespace="a",node="n1",pod="p1"}`, func(t time.Time) float64 {
		v := memoryOn(t.Truncate(24 * time.Hour))
		if t.Hour() == 12 && t.Minute() == 0 {
			v *= 2
		}
		return v
	})
	// p1 runs and requests half a core; p2 finished and must not count.
	series(`kube_pod_container_resource_requests{container="app",namespace="a",node="n1",pod="p1",resource="cpu",unit="core"}`, func(time.Time) float64 { return 0.5 })
	series(`kube_pod_container_resource_requests{container="job",namespace="a",node="n2",pod="p2",resource="cpu",unit="core"}`, func(time.Time) float64 { return 2 })
	series(`kube_pod_status_phase{namespace="a",phase="Running",pod="p1"}`, func(time.Time) float64 { return 1 })
	series(`kube_pod_status_phase{namespace="a",phase="Succeeded",pod="p2"}`, func(time.Time) float64 { return 1 })
	series(`kube_node_status_allocatable{node="n1",resource="cpu",unit="core"}`, func(time.Time) float64 { return 12 })
	series(`kube_node_status_allocatable{node="n2",resource="cpu",unit="core"}`, func(time.Time) float64 { return 12 })
	// Ceph pools carry only pool_id; their names are in ceph_pool_metadata.
	series(`ceph_pool_stored{instance="mgr-a",pool_id="1"}`, func(t time.Time) float64 { return float64(t.Truncate(24*time.Hour).Sub(start).Hours()/24) * gib })
	series(`ceph_pool_stored{instance="mgr-a",pool_id="2"}`, func(time.Time) float64 { return 7 * gib })
	series(`ceph_pool_stored_raw{instance="mgr-a",pool_id="2"}`, func(time.Time) float64 { return 21 * gib })
	series(`ceph_pool_max_avail{instance="mgr-a",pool_id="1"}`, func(time.Time) float64 { return 1.5e12 })
	series(`ceph_pool_max_avail{instance="mgr-a",pool_id="2"}`, func(time.Time) float64 { return 1.5e12 })
	series(`ceph_pool_percent_used{instance="mgr-a",pool_id="2"}`, func(time.Time) float64 { return 0.0138 })
	series(`ceph_cluster_total_bytes{instance="mgr-a"}`, func(time.Time) float64 { return 6e12 })
	series(`ceph_cluster_total_used_raw_bytes{instance="mgr-a"}`, func(time.Time) float64 { return 4e11 })
	series(`kubelet_volume_stats_used_bytes{namespace="shop",persistentvolumeclaim="data"}`, func(time.Time) float64 { return 5 * gib })
	series(`kubelet_volume_stats_used_bytes{namespace="shop",persistentvolumeclaim="logs"}`, func(time.Time) float64 { return 1 * gib })
	series(`kube_persistentvolumeclaim_info{namespace="shop",persistentvolumeclaim="data",storageclass="ceph-block"}`, func(time.Time) float64 { return 1 })
	series(`kube_persistentvolumeclaim_info{namespace="shop",persistentvolumeclaim="logs",storageclass="ceph-block"}`, func(time.Time) float64 { return 1 })
	// Quincy and later describe a pool's size or erasure code.
	series(`ceph_pool_metadata{compression_mode="none",description="ec:4+2",instance="mgr-a",name="rbd",pool_id="1",type="erasure"}`, func(time.Time) float64 { return 1 })
	series(`ceph_pool_metadata{instance="mgr-a",name="cephfs_data",pool_id="2"}`, func(time.Time) float64 { return 1 })
	// Bad data: a series that starts 30 days before the end, and one with
	// a NaN sample (a broken exporter) on one day.
	series(`partial_metric`, func(t time.Time) float64 {
		if t.Before(now.AddDate(0, 0, -30)) {
			return math.NaN() // written as a stale gap below
		}
		return 1
	})
	series(`nan_metric`, func(t time.Time) float64 {
		if t.Equal(nanAt(now)) {
			return math.NaN()
		}
		return 3
	})
	b.WriteString("# EOF\n")
	return b.String()
}

func TestHistoryFromPrometheus(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	url := servertest.Prometheus(t, history(now))
	c, err := New(Options{URL: url, Days: 100})
	if err != nil {
		t.Fatal(err)
	}
	hist, notes, err := c.History(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]collectors.Series{}
	for _, s := range hist.Series {
		got[s.Name] = s
	}
	yesterday := now.AddDate(0, 0, -1)
	for _, name := range []string{"cpu/usage", "memory/usage", "cpu/requests", "cpu/allocatable", "ceph/pool/rbd/stored", "ceph/pool/cephfs_data/stored"} {
		s, ok := got[name]
		if !ok {
			t.Fatalf("no %s in %v (notes %v)", name, hist.Series, notes)
		}
		if len(s.Days) != 100 || !s.Days[99].Date.Equal(yesterday) {
			t.Errorf("%s: %d days ending %s, want 100 ending %s", name, len(s.Days), s.Days[len(s.Days)-1].Date, yesterday)
		}
		if !strings.HasPrefix(s.Source, "prometheus http://127.0.0.1:") {
			t.Errorf("%s: source %q", name, s.Source)
		}
	}
	exact := func(name string, want func(d collectors.Day) (mean, peak float64)) {
		t.Helper()
		for _, d := range got[name].Days {
			m, p := want(d)
			if math.Abs(d.Mean-m) > 1e-9*math.Max(1, m) || math.Abs(d.Peak-p) > 1e-9*math.Max(1, p) {
				t.Fatalf("%s on %s: mean %v, peak %v; want %v, %v", name, d.Date.Format(time.DateOnly), d.Mean, d.Peak, m, p)
			}
		}
	}
	exact("cpu/usage", func(collectors.Day) (float64, float64) { return 1.5, 1.5 })
	exact("memory/usage", func(d collectors.Day) (float64, float64) {
		v := memoryOn(d.Date)
		return v * 289 / 288, 2 * v
	})
	exact("cpu/requests", func(collectors.Day) (float64, float64) { return 0.5, 0.5 })
	exact("cpu/allocatable", func(collectors.Day) (float64, float64) { return 24, 24 })
	exact("node/n1/cpu/usage", func(collectors.Day) (float64, float64) { return 1.5, 1.5 })
	exact("node/n1/cpu/requests", func(collectors.Day) (float64, float64) { return 0.5, 0.5 })
	exact("node/n2/cpu/allocatable", func(collectors.Day) (float64, float64) { return 12, 12 })
	// Namespace a: the node n1 pod's usage, and requests of the pod
	// still running (p2 finished).
	exact("namespace/a/cpu/usage", func(collectors.Day) (float64, float64) { return 1.5, 1.5 })
	exact("namespace/a/cpu/requests", func(collectors.Day) (float64, float64) { return 0.5, 0.5 })
	exact("namespace/a/memory/usage", func(d collectors.Day) (float64, float64) {
		v := memoryOn(d.Date)
		return v * 289 / 288, 2 * v
	})
	if _, ok := got["node/n2/cpu/requests"]; ok {
		t.Error("node n2's only pod finished, yet it has requests")
	}
	exact("ceph/pool/cephfs_data/stored", func(collectors.Day) (float64, float64) { return 7 * gib, 7 * gib })
	start := now.AddDate(0, 0, -120)
	exact("ceph/pool/rbd/stored", func(d collectors.Day) (float64, float64) {
		v := d.Date.Sub(start).Hours() / 24 * gib
		return v, v
	})
	var noData int
	for _, n := range notes {
		if strings.HasPrefix(n.Message, "no data for ") {
			noData++
		}
	}
	// With data: cpu and memory usage, cpu requests and allocatable, raw
	// total and used, pool stored and max available, volumes used; per
	// node cpu and memory usage, cpu requests and allocatable; per
	// namespace cpu and memory usage and cpu requests.
	if want := len(alternatives(DefaultQueries)) - 16; noData != want { // volumes/requested has no data here
		t.Errorf("%d notes of missing data, want %d: %v", noData, want, notes)
	}

	ceph, cephNotes, found, err := c.Ceph(context.Background(), now.Add(-5*time.Minute))
	if err != nil || !found {
		t.Fatalf("Ceph: found %v, error %v", found, err)
	}
	if ceph.TotalBytes != 6e12 || ceph.UsedBytes != 4e11 || ceph.AvailBytes != 56e11 || !ceph.RatiosAssumed || len(cephNotes) == 0 {
		t.Errorf("Ceph %+v, notes %v", ceph, cephNotes)
	}
	// cephfs_data's replication from its raw and stored bytes, rbd's from
	// its erasure code (4+2: 1.5 raw bytes a byte); ids from pool_id.
	if len(ceph.Pools) != 2 || ceph.Pools[0].Name != "cephfs_data" || ceph.Pools[0].StoredBytes != 7*gib || ceph.Pools[0].Replication != 3 ||
		ceph.Pools[0].PercentUsed != 0.0138 || ceph.Pools[0].ID != 2 || ceph.Pools[1].Name != "rbd" || ceph.Pools[1].MaxAvailBytes != 1.5e12 ||
		ceph.Pools[1].Replication != 1.5 || ceph.Pools[1].ID != 1 {
		t.Errorf("pools %+v", ceph.Pools)
	}

	volumes, err := c.VolumeUsage(context.Background(), now.Add(-5*time.Minute))
	if err != nil || len(volumes) != 1 || volumes[[2]string{"shop", "ceph-block"}] != 6*gib {
		t.Errorf("volume usage %v, error %v; want 6 GiB for shop/ceph-block", volumes, err)
	}

	bad, err := New(Options{URL: url, Days: 100, Queries: []Query{
		{Series: "x/partial", Unit: units.Cores, Expr: "partial_metric"},
		{Series: "x/nan", Unit: units.Cores, Expr: "nan_metric"},
		{Series: "x/{node}/unlabelled", Unit: units.Cores, Label: "node", Expr: "partial_metric"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	hist, notes, err = bad.History(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	nanDay := nanAt(now).Truncate(24 * time.Hour).Format(time.DateOnly)
	partialFrom := now.Truncate(24*time.Hour).AddDate(0, 0, -100).Format(time.DateOnly)
	for _, want := range []string{"x/partial has 30 of the last 100 days: none from " + partialFrom + " to ", "x/nan on " + nanDay + " is NaN: day left out",
		"x/nan has 99 of the last 100 days: none on " + nanDay,
		`x/{node}/unlabelled: series without a "node" label left out`} {
		found := false
		for _, n := range notes {
			found = found || strings.Contains(n.Message, want)
		}
		if !found {
			t.Errorf("no note %q in %v", want, notes)
		}
	}
	if len(hist.Series) != 2 || len(hist.Series[0].Days) != 30 || len(hist.Series[1].Days) != 99 {
		t.Errorf("partial and NaN series: %d series, want 30 and 99 days", len(hist.Series))
	}
	broken, err := New(Options{URL: url, Days: 10, Queries: []Query{{Series: "x/broken", Expr: "rate("}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := broken.History(context.Background(), now); err == nil || !strings.Contains(err.Error(), "x/broken") || !strings.Contains(err.Error(), url) {
		t.Errorf("bad query: error %v, want one naming the server and the series", err)
	}
}

func TestHistoryErrors(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("no URL accepted")
	}
	if _, err := New(Options{URL: "http://127.0.0.1:1", CAFile: "/no/such/ca.pem"}); err == nil || !strings.Contains(err.Error(), "/no/such/ca.pem") {
		t.Errorf("missing CA file: error %v, want one naming it", err)
	}
	c, err := New(Options{URL: "http://127.0.0.1:1", Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.History(context.Background(), time.Now()); err == nil || !strings.Contains(err.Error(), "cpu/usage") {
		t.Errorf("unreachable server: error %v, want one naming the server and the query", err)
	}
}

func TestReadQueries(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	qs, err := ReadQueries(write("ok.yaml", `
- series: cpu/usage
  expr: sum(rate(node_cpu_seconds_total{mode!="idle"}[15m]))
- series: gpu/usage
  unit: cores
  expr: sum(DCGM_FI_DEV_GPU_UTIL) / 100
`))
	if err != nil {
		t.Fatal(err)
	}
	// The override replaces both of cpu/usage's defaults (cAdvisor's and
	// node-exporter's); gpu/usage is added.
	if len(qs) != len(DefaultQueries) || qs[0].Series != "cpu/usage" || !strings.Contains(qs[0].Expr, "node_cpu_seconds_total") || qs[0].Unit != units.Cores ||
		qs[1].Series == "cpu/usage" || qs[len(qs)-1].Series != "gpu/usage" {
		t.Errorf("queries %+v", qs)
	}
	for name, body := range map[string]string{
		"typo.yaml":  "- series: cpu/usage\n  exp: up\n",
		"empty.yaml": "- series: cpu/usage\n",
		"label.yaml": "- series: ceph/pool/stored\n  label: name\n  expr: ceph_pool_stored\n",
	} {
		if _, err := ReadQueries(write(name, body)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
}

// Credentials reach the server as configured.
func TestAuthentication(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{BearerToken: "s3cret"}, "Bearer s3cret"},
		{Options{Username: "capplan", Password: "pw"}, "Basic Y2FwcGxhbjpwdw=="},
	} {
		got = nil
		tc.opts.URL, tc.opts.Days, tc.opts.Queries = srv.URL, 1, []Query{{Series: "x", Expr: "up"}}
		c, err := New(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.History(context.Background(), time.Now()); err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0] != tc.want {
			t.Errorf("Authorization %q, want %q", got, tc.want)
		}
	}
}

// TestCredentialsStayOutOfErrors: the client's errors echo the URL it was
// given, user name and query included; none of it may reach a message.
func TestCredentialsStayOutOfErrors(t *testing.T) {
	addr := servertest.FreeAddr(t)
	c, err := New(Options{URL: "http://alice-user:S3cretPW@" + addr + "/?token=Q-T0ken", BearerToken: "b34rer-tok", Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.History(context.Background(), time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	for _, secret := range []string{"S3cretPW", "Q-T0ken", "b34rer-tok"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows %s: %v", secret, err)
		}
	}
	if !strings.Contains(err.Error(), "prometheus http://xxxxx:xxxxx@"+addr) {
		t.Errorf("the error does not name the redacted URL: %v", err)
	}
}

// samples writes days of 5-minute samples of each series, ending 5
// minutes before now, as OpenMetrics text for promtool's backfill.
func samples(now time.Time, days int, series map[string]func(secs float64) float64) string {
	start := now.AddDate(0, 0, -days)
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(series)) {
		for t := start; !t.After(now.Add(-5 * time.Minute)); t = t.Add(5 * time.Minute) {
			fmt.Fprintf(&b, "%s %g %d\n", name, series[name](t.Sub(start).Seconds()), t.Unix())
		}
	}
	b.WriteString("# EOF\n")
	return b.String()
}

func constant(v float64) func(float64) float64 { return func(float64) float64 { return v } }

// TestExporterSets: the default queries read the exporter sets Prometheus
// installs have, each from a real Prometheus holding only that set, and
// say which they read.
func TestExporterSets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		series map[string]func(float64) float64
		want   map[string]float64 // series: each day's mean
		from   map[string]string  // series: the exporter in its source
		notes  []string
	}{
		{"node-exporter only", map[string]func(float64) float64{
			// 0.75 + 0.25 cores busy, idle and iowait not counted.
			`node_cpu_seconds_total{cpu="0",instance="n1:9100",mode="user"}`:    func(s float64) float64 { return 0.75 * s },
			`node_cpu_seconds_total{cpu="0",instance="n1:9100",mode="system"}`:  func(s float64) float64 { return 0.25 * s },
			`node_cpu_seconds_total{cpu="0",instance="n1:9100",mode="idle"}`:    func(s float64) float64 { return 10 * s },
			`node_cpu_seconds_total{cpu="0",instance="n1:9100",mode="iowait"}`:  func(s float64) float64 { return 2 * s },
			`node_memory_MemTotal_bytes{instance="n1:9100"}`:                    constant(64 * gib),
			`node_memory_MemAvailable_bytes{instance="n1:9100"}`:                constant(40 * gib),
			`node_uname_info{instance="n1:9100",nodename="n1",release="6.1.0"}`: constant(1),
		}, map[string]float64{"cpu/usage": 1, "memory/usage": 24 * gib, "node/n1/cpu/usage": 1, "node/n1/memory/usage": 24 * gib},
			map[string]string{"cpu/usage": "node-exporter", "memory/usage": "node-exporter", "node/n1/cpu/usage": "node-exporter", "node/n1/memory/usage": "node-exporter"},
			[]string{"cpu/usage from node-exporter", "no data from cAdvisor", "node/{node}/cpu/usage from node-exporter"}},
		{"cAdvisor and kube-state-metrics v1", map[string]func(float64) float64{
			`container_cpu_usage_seconds_total{container="app",image="shop:1",namespace="a",node="n1",pod="p1"}`: func(s float64) float64 { return 1.5 * s },
			`kube_pod_container_resource_requests_cpu_cores{container="app",namespace="a",node="n1",pod="p1"}`:   constant(0.5),
			`kube_pod_container_resource_requests_cpu_cores{container="job",namespace="a",node="n1",pod="p2"}`:   constant(2),
			`kube_pod_status_phase{namespace="a",phase="Running",pod="p1"}`:                                      constant(1),
			`kube_pod_status_phase{namespace="a",phase="Succeeded",pod="p2"}`:                                    constant(1),
			`kube_node_status_allocatable_cpu_cores{node="n1"}`:                                                  constant(12),
			`kube_node_status_allocatable_memory_bytes{node="n1"}`:                                               constant(62 * gib),
		}, map[string]float64{"cpu/usage": 1.5, "cpu/requests": 0.5, "cpu/allocatable": 12, "memory/allocatable": 62 * gib, "node/n1/cpu/requests": 0.5},
			map[string]string{"cpu/usage": "cAdvisor", "cpu/requests": "kube-state-metrics v1", "cpu/allocatable": "kube-state-metrics v1"},
			[]string{"cpu/requests from kube-state-metrics v1"}},
		{"Ceph mgr before Nautilus", map[string]func(float64) float64{
			`ceph_cluster_total_bytes{instance="mgr-a"}`:                  constant(6e12),
			`ceph_cluster_total_used_bytes{instance="mgr-a"}`:             constant(4e11),
			`ceph_pool_bytes_used{instance="mgr-a",pool_id="1"}`:          constant(100 * gib),
			`ceph_pool_max_avail{instance="mgr-a",pool_id="1"}`:           constant(1.5e12),
			`ceph_pool_metadata{instance="mgr-a",name="rbd",pool_id="1"}`: constant(1),
		}, map[string]float64{"ceph/raw_total": 6e12, "ceph/raw_used": 4e11, "ceph/pool/rbd/stored": 100 * gib, "ceph/pool/rbd/max_avail": 1.5e12},
			map[string]string{"ceph/raw_used": "Ceph mgr before Nautilus", "ceph/pool/rbd/stored": "Ceph mgr before Nautilus", "ceph/raw_total": "Ceph mgr"},
			[]string{"ceph/raw_used from Ceph mgr before Nautilus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
			c, err := New(Options{URL: servertest.Prometheus(t, samples(now, 20, tc.series)), Days: 14})
			if err != nil {
				t.Fatal(err)
			}
			hist, notes, err := c.History(t.Context(), now)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]collectors.Series{}
			for _, s := range hist.Series {
				got[s.Name] = s
			}
			for name, want := range tc.want {
				s, ok := got[name]
				if !ok || len(s.Days) != 14 {
					t.Errorf("%s: %d days, want 14 (series %v)", name, len(s.Days), slices.Sorted(maps.Keys(got)))
					continue
				}
				for _, d := range s.Days {
					if math.Abs(d.Mean-want) > 1e-9*want {
						t.Errorf("%s on %s: %v, want %v", name, d.Date.Format(time.DateOnly), d.Mean, want)
						break
					}
				}
			}
			for name, exporter := range tc.from {
				if src := got[name].Source; !strings.HasSuffix(src, "("+exporter+")") {
					t.Errorf("%s: source %q, want it to name %s", name, src, exporter)
				}
			}
			var said []string
			for _, n := range notes {
				said = append(said, n.Message)
			}
			for _, want := range tc.notes {
				if !slices.ContainsFunc(said, func(n string) bool { return strings.Contains(n, want) }) {
					t.Errorf("no note says %q: %v", want, said)
				}
			}
		})
	}
}

// TestCephStale: a Ceph mgr whose metrics stopped six hours ago (with the
// names it had before Nautilus) still gives the snapshot's capacity, with
// its age said; an instant query sees only the last 5 minutes.
func TestCephStale(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	c, err := New(Options{URL: servertest.Prometheus(t, samples(now, 3, map[string]func(float64) float64{
		`ceph_cluster_total_bytes{instance="mgr-a"}`:                  constant(6e12),
		`ceph_cluster_total_used_bytes{instance="mgr-a"}`:             constant(4e11),
		`ceph_pool_bytes_used{instance="mgr-a",pool_id="1"}`:          constant(100 * gib),
		`ceph_pool_max_avail{instance="mgr-a",pool_id="1"}`:           constant(1.5e12),
		`ceph_pool_metadata{instance="mgr-a",name="rbd",pool_id="1"}`: constant(1),
	}))})
	if err != nil {
		t.Fatal(err)
	}
	// The last sample is at now - 5 minutes; the snapshot is 6 hours on.
	ceph, notes, found, err := c.Ceph(t.Context(), now.Add(6*time.Hour))
	if err != nil || !found {
		t.Fatalf("found %v, error %v", found, err)
	}
	if ceph.TotalBytes != 6e12 || ceph.UsedBytes != 4e11 || len(ceph.Pools) != 1 || ceph.Pools[0].StoredBytes != 100*gib || ceph.Pools[0].MaxAvailBytes != 1.5e12 {
		t.Errorf("ceph %+v", ceph)
	}
	want := fmt.Sprintf("Ceph's capacity is as of %s UTC, 6h5m0s before the snapshot", now.Add(-5*time.Minute).Format("2006-01-02 15:04"))
	if !slices.ContainsFunc(notes, func(n collectors.Note) bool { return strings.Contains(n.Message, want) }) {
		t.Errorf("no note says %q: %v", want, notes)
	}
}

// TestQueriesFailOneByOne: against a real Prometheus, a query answered
// with 500 or a malformed body loses its series alone, named in the
// error; a server that stops answering ends the reading with what was
// read before kept. No note speaks of a series the history does not hold.
func TestQueriesFailOneByOne(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	real := servertest.Prometheus(t, history(now))
	read := func(url string) (map[string]bool, []collectors.Note, error) {
		c, err := New(Options{URL: url, Days: 30})
		if err != nil {
			t.Fatal(err)
		}
		hist, notes, err := c.History(context.Background(), now)
		got := map[string]bool{}
		for _, s := range hist.Series {
			got[s.Name] = true
		}
		for _, n := range notes {
			for _, name := range []string{"cpu/usage", "memory/usage", "cpu/requests"} {
				if strings.HasPrefix(n.Message, name+" has ") && !got[name] {
					t.Errorf("a note speaks of %s, which the history lacks: %s", name, n.Message)
				}
			}
		}
		return got, notes, err
	}
	all, _, err := read(real)
	if err != nil || !all["cpu/usage"] || !all["memory/usage"] || !all["cpu/requests"] {
		t.Fatalf("through no fault: %v, %v", all, err)
	}
	got, _, err := read(servertest.Faulty(t, real, map[string]string{"container_memory_working_set_bytes": "500", "kube_pod_container_resource_requests{resource=\"cpu\"}": "malformed"}, 0))
	if !got["cpu/usage"] || got["memory/usage"] || got["cpu/requests"] || err == nil {
		t.Fatalf("series %v, error %v: want cpu/usage kept, memory/usage and cpu/requests left out", got, err)
	}
	for _, want := range []string{"queries failed, their series left out", "memory/usage: server_error", "cpu/requests: bad_response"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Count(err.Error(), "prometheus http://") != 1 {
		t.Errorf("the error names its source more than once: %s", err)
	}
	// Dead after its fourth query: cpu/usage (two queries) and
	// memory/usage (two) were read.
	got, _, err = read(servertest.Faulty(t, real, nil, 4))
	if !errors.Is(err, ErrStopped) || !got["cpu/usage"] || !got["memory/usage"] || len(got) != 2 {
		t.Errorf("series %v, error %v: want the two series read before it died, and ErrStopped", got, err)
	}
}

func TestPoolReplication(t *testing.T) {
	for _, tc := range []struct {
		description string
		want        float64
		ok          bool
	}{
		{"replica:3", 3, true}, {"replica:2", 2, true}, {"ec:4+2", 1.5, true}, {"ec:2+1", 1.5, true},
		{"ec:unknown", 0, false}, {"replica:0", 0, false}, {"unknown", 0, false}, {"", 0, false}, {"ec:0+2", 0, false},
	} {
		if got, ok := replication(tc.description); got != tc.want || ok != tc.ok {
			t.Errorf("%q: %v, %v; want %v, %v", tc.description, got, ok, tc.want, tc.ok)
		}
	}
}

// TestHistoryWithinQueryLimits: a Prometheus started with a low
// --query.max-samples refuses the history's 100-day range queries; the
// collector asks again in halves and reads the same daily means and
// peaks as from a Prometheus without the limit, every series, with a
// note of the refusals.
func TestHistoryWithinQueryLimits(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	read := func(flags ...string) (collectors.History, []collectors.Note) {
		t.Helper()
		return historyOf(t, Options{URL: servertest.Prometheus(t, history(now), flags...), Days: 100}, now)
	}
	plain, _ := read()
	limited, notes := read("--query.max-samples=5000")
	if !slices.ContainsFunc(notes, func(n collectors.Note) bool {
		return strings.Contains(n.Message, "refused as too large were asked again")
	}) {
		t.Errorf("no refusal noted: the limit did not bite (%v)", notes)
	}
	agree(t, limited, plain, "under the limit")
}

// firstMean is the first day's mean of h's series name; t fails without
// it.
func firstMean(t *testing.T, h collectors.History, name string) float64 {
	t.Helper()
	i := slices.IndexFunc(h.Series, func(s collectors.Series) bool { return s.Name == name && len(s.Days) > 0 })
	if i < 0 {
		t.Fatalf("no %s in %d series", name, len(h.Series))
	}
	return h.Series[i].Days[0].Mean
}

// agree fails t unless got has want's series, days and, to four
// significant digits, daily means and peaks; how names got's source.
func agree(t *testing.T, got, want collectors.History, how string) {
	t.Helper()
	if len(got.Series) != len(want.Series) {
		t.Fatalf("%d series %s, %d from the plain Prometheus", len(got.Series), how, len(want.Series))
	}
	for i, s := range want.Series {
		g := got.Series[i]
		if g.Name != s.Name || len(g.Days) != len(s.Days) {
			t.Fatalf("%s: %d days %s (%s), %d from the plain Prometheus", s.Name, len(g.Days), how, g.Name, len(s.Days))
		}
		for j, d := range s.Days {
			if e := g.Days[j]; !e.Date.Equal(d.Date) || math.Abs(e.Mean-d.Mean) > 5e-5*math.Abs(d.Mean) || math.Abs(e.Peak-d.Peak) > 5e-5*math.Abs(d.Peak) {
				t.Fatalf("%s on %s: %v/%v %s, %v/%v from the plain Prometheus", s.Name, d.Date.Format(time.DateOnly), e.Mean, e.Peak, how, d.Mean, d.Peak)
			}
		}
	}
}

// TestTooLarge: the refusals of a query for its size, as each store words
// them, are told from other errors.
func TestTooLarge(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&v1.Error{Type: v1.ErrExec, Msg: "query processing would load too many samples into memory in query execution"}, true},
		{&v1.Error{Type: v1.ErrTimeout, Msg: "query timed out in expression evaluation"}, true},
		{&v1.Error{Type: v1.ErrExec, Msg: "expanding series: exceeded series limit: limit 1000 violated"}, true},
		{&v1.Error{Type: v1.ErrExec, Msg: "the query exceeded the maximum number of series (limit: 100000 series) (err-mimir-max-series-per-query)"}, true},
		{&v1.Error{Type: v1.ErrBadResponse, Msg: "cannot select more than -search.maxSamplesPerQuery=1000000 samples"}, true},
		{&v1.Error{Type: v1.ErrBadData, Msg: `parse error: unexpected identifier "x"`}, false},
		{errors.New("connection refused"), false},
	} {
		if got := tooLarge(tc.err); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestScoped: the matchers go into every selector, in subqueries, joins
// and function arguments; a selector that already names the label keeps
// its own matcher beside the added one.
func TestScoped(t *testing.T) {
	ms, err := ParseMatchers(`{cluster="a"}`)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		`sum(rate(x_total[5m]))`:          `sum(rate(x_total{cluster="a"}[5m]))`,
		`avg_over_time((sum(up))[1d:5m])`: `avg_over_time((sum(up{cluster="a"}))[1d:5m])`,
		`sum by (name) (a * on (pool_id) group_left (name) last_over_time(b[1h]))`: `sum by (name) (a{cluster="a"} * on (pool_id) group_left (name) last_over_time(b{cluster="a"}[1h]))`,
		`y{cluster="b"}`: `y{cluster="a",cluster="b"}`,
	} {
		got, err := scoped(in, ms)
		if err != nil || got != want {
			t.Errorf("%s: %q (%v), want %q", in, got, err, want)
		}
	}
	if _, err := scoped(`sum(`, ms); err == nil {
		t.Error("a broken expression scoped")
	}
	for _, bad := range []string{`cluster="a"`, `{}`, `{cluster=}`} {
		if _, err := ParseMatchers(bad); err == nil {
			t.Errorf("matchers %q accepted", bad)
		}
	}
}

// twoClusters writes each series of text twice, labelled cluster="a" with
// its values and cluster="b" with twice them, each series' samples
// together.
func twoClusters(text string) string {
	var b strings.Builder
	lines := strings.Split(strings.TrimSuffix(text, "# EOF\n"), "\n")
	key := func(l string) string { return l[:strings.LastIndex(l[:strings.LastIndex(l, " ")], " ")] }
	label := func(series, cluster string) string {
		if i := strings.Index(series, "{"); i >= 0 {
			return series[:i+1] + `cluster="` + cluster + `",` + series[i+1:]
		}
		return series + `{cluster="` + cluster + `"}`
	}
	for i := 0; i < len(lines); {
		if lines[i] == "" {
			i++
			continue
		}
		if strings.HasPrefix(lines[i], "#") {
			b.WriteString(lines[i] + "\n")
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j] != "" && !strings.HasPrefix(lines[j], "#") && key(lines[j]) == key(lines[i]) {
			j++
		}
		for _, c := range []string{"a", "b"} {
			for _, l := range lines[i:j] {
				f := strings.Fields(l[len(key(l)):])
				v, _ := strconv.ParseFloat(f[0], 64)
				if c == "b" {
					v *= 2
				}
				fmt.Fprintf(&b, "%s %g %s\n", label(key(l), c), v, f[1])
			}
		}
		i = j
	}
	b.WriteString("# EOF\n")
	return b.String()
}

// TestHistoryOfOneCluster: a store holding two clusters' series (b's
// twice a's) read with {cluster="a"} gives what a Prometheus holding a's
// alone gives, history and Ceph alike; without the matchers they are
// summed, or fail to join.
func TestHistoryOfOneCluster(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	read := func(url, matchers string) (collectors.History, *collectors.Ceph) {
		t.Helper()
		c, err := New(Options{URL: url, Days: 100, Matchers: matchers})
		if err != nil {
			t.Fatal(err)
		}
		hist, _, err := c.History(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		ceph, _, _, err := c.Ceph(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		return hist, ceph
	}
	alone, aloneCeph := read(servertest.Prometheus(t, history(now)), "")
	store := servertest.Prometheus(t, twoClusters(history(now)))
	a, aCeph := read(store, `{cluster="a"}`)
	// Read without the matchers, the clusters' series are summed, and
	// the joins on pool_id find two of each pool.
	c, err := New(Options{URL: store, Days: 100})
	if err != nil {
		t.Fatal(err)
	}
	both, _, err := c.History(context.Background(), now)
	if err == nil || !strings.Contains(err.Error(), "found duplicate series") {
		t.Errorf("both clusters' pools joined without an error: %v", err)
	}
	agree(t, a, alone, "of cluster a through Thanos")
	if aCeph == nil || aloneCeph == nil || aCeph.TotalBytes != aloneCeph.TotalBytes || !slices.Equal(aCeph.Pools, aloneCeph.Pools) {
		t.Errorf("cluster a's Ceph %+v, alone %+v", aCeph, aloneCeph)
	}
	if got := firstMean(t, both, "cpu/usage"); got != 4.5 {
		t.Errorf("both clusters' cpu/usage %v, want a's 1.5 and b's 3 summed", got)
	}
}

// scaled is an OpenMetrics text with every value times f.
func scaled(text string, f float64) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			b.WriteString(l + "\n")
			continue
		}
		end := strings.LastIndex(l, " ")
		at := strings.LastIndex(l[:end], " ")
		v, _ := strconv.ParseFloat(l[at+1:end], 64)
		fmt.Fprintf(&b, "%s %g%s\n", l[:at], v*f, l[end:])
	}
	return b.String()
}

// TestHistoryThroughThanos: Thanos Query in front of two Prometheus
// servers, each with a Thanos sidecar and an external label cluster="a" or
// "b" (b's values twice a's). Read with {cluster="a"} through Query, the
// history and Ceph are what a plain Prometheus holding a's alone gives, to
// four significant digits, with no request refused; b's CPU is twice a's.
func TestHistoryThroughThanos(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	text := history(now)
	store := servertest.ThanosQuery(t, map[string]string{"a": text, "b": scaled(text, 2)})
	read := func(url, matchers string) (collectors.History, []collectors.Note, *collectors.Ceph) {
		t.Helper()
		c, err := New(Options{URL: url, Days: 100, Matchers: matchers})
		if err != nil {
			t.Fatal(err)
		}
		hist, notes, err := c.History(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		ceph, _, _, err := c.Ceph(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		return hist, notes, ceph
	}
	alone, _, aloneCeph := read(servertest.Prometheus(t, text), "")
	a, notes, aCeph := read(store, `{cluster="a"}`)
	b, _, _ := read(store, `{cluster="b"}`)
	if slices.ContainsFunc(notes, func(n collectors.Note) bool { return strings.Contains(n.Message, "refused") }) {
		t.Errorf("requests refused: %v", notes)
	}
	if len(a.Series) != len(alone.Series) {
		t.Fatalf("%d series of cluster a through Thanos, %d alone", len(a.Series), len(alone.Series))
	}
	for i, s := range alone.Series {
		got := a.Series[i]
		if got.Name != s.Name || len(got.Days) != len(s.Days) {
			t.Fatalf("%s: %d days through Thanos (%s), %d alone", s.Name, len(got.Days), got.Name, len(s.Days))
		}
		for j, d := range s.Days {
			if e := got.Days[j]; !e.Date.Equal(d.Date) || math.Abs(e.Mean-d.Mean) > 5e-5*math.Abs(d.Mean) || math.Abs(e.Peak-d.Peak) > 5e-5*math.Abs(d.Peak) {
				t.Fatalf("%s on %s: %v/%v through Thanos, %v/%v alone", s.Name, d.Date.Format(time.DateOnly), e.Mean, e.Peak, d.Mean, d.Peak)
			}
		}
	}
	if aCeph == nil || aloneCeph == nil || aCeph.TotalBytes != aloneCeph.TotalBytes || len(aCeph.Pools) != len(aloneCeph.Pools) {
		t.Errorf("cluster a's Ceph through Thanos %+v, alone %+v", aCeph, aloneCeph)
	}
	if got := firstMean(t, b, "cpu/usage"); math.Abs(got-3) > 1e-9 {
		t.Errorf("cluster b's cpu/usage %v, want 3", got)
	}
}

// twoYears writes two years of hourly samples ending before now: a
// working set that grows and swings daily, CPU requests that grow, the
// pod running throughout.
func twoYears(now time.Time) string {
	start := now.AddDate(-2, 0, 0)
	var b strings.Builder
	series := func(name string, value func(t time.Time) float64) {
		for t := start; t.Before(now.Add(-time.Hour)); t = t.Add(time.Hour) {
			fmt.Fprintf(&b, "%s %g %d\n", name, value(t), t.Unix())
		}
	}
	days := func(t time.Time) float64 { return t.Sub(start).Hours() / 24 }
	series(`container_memory_working_set_bytes{container="app",image="shop:1",namespace="a",node="n1",pod="p1"}`, func(t time.Time) float64 {
		return (1 + days(t)/365 + 0.3*math.Sin(2*math.Pi*float64(t.Hour())/24)) * gib
	})
	series(`kube_pod_container_resource_requests{container="app",namespace="a",node="n1",pod="p1",resource="cpu",unit="core"}`, func(t time.Time) float64 { return 0.5 + days(t)/730 })
	series(`kube_pod_status_phase{namespace="a",phase="Running",pod="p1"}`, func(time.Time) float64 { return 1 })
	b.WriteString("# EOF\n")
	return b.String()
}

// TestTwoYearsThroughThanos: two years of hourly history read through
// Thanos Query (two clusters, each a Prometheus with a sidecar) and
// through a plain Prometheus give the same daily means and peaks, to four
// significant digits, every day, with no request refused.
func TestTwoYearsThroughThanos(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	text := twoYears(now)
	store := servertest.ThanosQuery(t, map[string]string{"a": text, "b": scaled(text, 3)})
	read := func(url, matchers string) (collectors.History, []collectors.Note) {
		t.Helper()
		return historyOf(t, Options{URL: url, Days: 729, Matchers: matchers}, now)
	}
	plain, _ := read(servertest.Prometheus(t, text), "")
	thanos, notes := read(store, `{cluster="a"}`)
	if slices.ContainsFunc(notes, func(n collectors.Note) bool { return strings.Contains(n.Message, "refused") }) {
		t.Errorf("requests refused: %v", notes)
	}
	agree(t, thanos, plain, "of cluster a through Thanos")
	full := 0
	for _, s := range plain.Series {
		if len(s.Days) == 729 {
			full++
		}
	}
	if full < 3 {
		t.Errorf("%d series of two years, want memory usage, CPU requests and the namespace's", full)
	}
}

// fourMonths writes 120 days before now of one container, a sample every
// 5 minutes (17 s off the grid, as scrapes are): a working set and a CPU
// counter whose rate both grow and swing over the day.
func fourMonths(now time.Time) string {
	start := now.AddDate(0, 0, -120)
	var b strings.Builder
	labels := `container="app",image="shop:1",namespace="a",node="n1",pod="p1"`
	level := func(t time.Time) float64 {
		d := t.Sub(start).Hours() / 24
		return (1 + d/365) * (1 + 0.3*math.Sin(2*math.Pi*float64(t.Hour()*60+t.Minute())/1440))
	}
	b.WriteString("# TYPE container_cpu_usage_seconds counter\n")
	seconds := 0.0
	for t := start.Add(17 * time.Second); t.Before(now.Add(-time.Hour)); t = t.Add(5 * time.Minute) {
		seconds += 300 * level(t)
		fmt.Fprintf(&b, "container_cpu_usage_seconds_total{%s} %.3f %d\n", labels, seconds, t.Unix())
	}
	for t := start.Add(17 * time.Second); t.Before(now.Add(-time.Hour)); t = t.Add(5 * time.Minute) {
		fmt.Fprintf(&b, "container_memory_working_set_bytes{%s} %.0f %d\n", labels, level(t)*gib, t.Unix())
	}
	b.WriteString("# EOF\n")
	return b.String()
}

// TestDownsampledHistoryThroughThanos: 120 days kept as a Thanos bucket
// keeps them (raw samples 10 days, 5-minute aggregates 60, hourly ones for
// ever, made by Thanos' own compactor, block by block) give through Query
// the days a plain Prometheus holding every raw sample gives, but those
// of the first block, too short to be downsampled to hours. The days of
// raw samples have the same daily means and peaks to four significant
// digits; those of 5-minute aggregates the same working set, and CPU
// means within 1% (Thanos' rates over aggregated counters lose the point
// where a chunk of aggregates begins: one of the day's 288, 0.45% at the
// top of the daily swing); those of hourly aggregates means within 6%
// (one of 24, 5.4%) and peaks within 2% below (they are of hourly means),
// each tier named in a note. Without asking for aggregates, the raw
// samples alone came back: 17 days.
func TestDownsampledHistoryThroughThanos(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	text := fourMonths(now)
	store := servertest.ThanosBucket(t, text, "a", 10, 60)
	read := func(url, matchers string) (collectors.History, []collectors.Note) {
		t.Helper()
		return historyOf(t, Options{URL: url, Days: 119, Matchers: matchers}, now)
	}
	plain, _ := read(servertest.Prometheus(t, text), "")
	thanos, notes := read(store, `{cluster="a"}`)
	for _, name := range []string{"cpu/usage", "memory/usage"} {
		have := map[time.Time]collectors.Day{}
		for _, d := range series(t, thanos, name).Days {
			have[d.Date] = d
		}
		for _, d := range series(t, plain, name).Days {
			age := int(now.Sub(d.Date).Hours() / 24)
			g, ok := have[d.Date]
			switch {
			case age > 100:
				// The first block's, lost to the retention of raw and
				// 5-minute data but for the first day, a part of a day.
				continue
			case !ok:
				t.Errorf("%s: %s missing through Thanos' bucket", name, d.Date.Format(time.DateOnly))
				continue
			}
			mean, peak := g.Mean/d.Mean-1, g.Peak/d.Peak-1
			var within bool
			switch {
			case age <= 10:
				within = math.Abs(mean) < 5e-5 && math.Abs(peak) < 5e-5
			case age < 55 && name == "memory/usage":
				within = math.Abs(mean) < 5e-5 && math.Abs(peak) < 5e-5
			case age < 55:
				within = math.Abs(mean) < 0.01 && math.Abs(peak) < 5e-4
			case age > 65:
				within = math.Abs(mean) < 0.06 && peak < 1e-9 && peak > -0.02
			default:
				// Around the end of the 5-minute aggregates, either.
				within = math.Abs(mean) < 0.06 && math.Abs(peak) < 0.02
			}
			if !within {
				t.Errorf("%s on %s (%d days ago): mean %v and peak %v through Thanos' bucket, %v and %v raw", name, d.Date.Format(time.DateOnly), age, g.Mean, g.Peak, d.Mean, d.Peak)
			}
		}
	}
	for _, what := range []string{"5-minute", "hourly"} {
		if !slices.ContainsFunc(notes, func(n collectors.Note) bool {
			return strings.Contains(n.Message, "from the store's "+what+" downsampled data")
		}) {
			t.Errorf("no note of the %s aggregates: %v", what, notes)
		}
	}
}

// series is h's series of name; the test fails without it.
func series(t *testing.T, h collectors.History, name string) collectors.Series {
	t.Helper()
	for _, s := range h.Series {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no %s in %d series", name, len(h.Series))
	return collectors.Series{}
}

// TestCoarse: hourly aggregates are read with windows of two of them and
// steps of one; wider windows stay as they are.
func TestCoarse(t *testing.T) {
	for in, want := range map[string]string{
		`avg_over_time((sum(rate(x{a="b"}[15m])))[1d:5m])`: `avg_over_time((sum(rate(x{a="b"}[2h])))[1d:1h])`,
		`max_over_time((sum(y))[1d:5m])`:                   `max_over_time((sum(y))[1d:1h])`,
		`max_over_time((sum(rate(z[6h])))[1d:2h])`:         `max_over_time((sum(rate(z[6h])))[1d:2h])`,
	} {
		got, err := coarse(in)
		if err != nil || got != want {
			t.Errorf("coarse(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}

// manyNodes writes 10 days before now of one container on each of 40
// nodes, a sample every 5 minutes: a CPU counter and a working set, each
// node's its own size.
func manyNodes(now time.Time) string {
	start := now.AddDate(0, 0, -10)
	var b strings.Builder
	b.WriteString("# TYPE container_cpu_usage_seconds counter\n")
	for n := range 40 {
		seconds := 0.0
		for t := start.Add(17 * time.Second); t.Before(now.Add(-time.Hour)); t = t.Add(5 * time.Minute) {
			seconds += 300 * (1 + float64(n)/10)
			fmt.Fprintf(&b, "container_cpu_usage_seconds_total{container=\"app\",image=\"a:1\",namespace=\"a\",node=\"n%02d\",pod=\"p%02d\"} %.3f %d\n", n, n, seconds, t.Unix())
		}
	}
	for n := range 40 {
		for t := start.Add(17 * time.Second); t.Before(now.Add(-time.Hour)); t = t.Add(5 * time.Minute) {
			fmt.Fprintf(&b, "container_memory_working_set_bytes{container=\"app\",image=\"a:1\",namespace=\"a\",node=\"n%02d\",pod=\"p%02d\"} %d %d\n", n, n, (n+1)<<28, t.Unix())
		}
	}
	b.WriteString("# EOF\n")
	return b.String()
}

// TestHistoryWithinDayQueryLimits: a Prometheus started with
// --query.max-samples=5000 refuses one day of 40 nodes' CPU rates (40
// series of 288 subquery points, cluster-wide or by node alike); each
// such day is asked in parts of the day, its mean and peak taken from
// the parts' points, and the history is what a Prometheus without the
// limit gives, every node's series there, with a note. With a limit of
// 100 samples even one step of the 40 nodes' 15-minute rates summed by
// node (3 samples each) is refused, and the step is asked in parts of
// the nodes.
func TestHistoryWithinDayQueryLimits(t *testing.T) {
	now := time.Now().UTC().Add(-4 * time.Hour).Truncate(24 * time.Hour)
	text := manyNodes(now)
	read := func(url string, days int, queries []Query) (collectors.History, []collectors.Note) {
		t.Helper()
		return historyOf(t, Options{URL: url, Days: days, Queries: queries}, now)
	}
	noted := func(notes []collectors.Note, what string) bool {
		return slices.ContainsFunc(notes, func(n collectors.Note) bool { return strings.Contains(n.Message, what) })
	}
	unlimited := servertest.Prometheus(t, text)
	plain, _ := read(unlimited, 9, nil)
	limited, notes := read(servertest.Prometheus(t, text, "--query.max-samples=5000"), 9, nil)
	agree(t, limited, plain, "within 5,000 samples a query")
	nodes := 0
	for _, s := range limited.Series {
		if strings.HasPrefix(s.Name, "node/") && strings.HasSuffix(s.Name, "/cpu/usage") {
			nodes++
		}
	}
	if nodes != 40 || !noted(notes, "parts of the day, their mean and peak taken here") {
		t.Errorf("%d nodes' CPU usage, want 40; notes %v", nodes, notes)
	}

	cpu := []Query{DefaultQueries[0], DefaultQueries[14]}
	if cpu[0].Series != "cpu/usage" || cpu[1].Series != "node/{node}/cpu/usage" {
		t.Fatalf("queries %v", cpu)
	}
	plain, _ = read(unlimited, 1, cpu)
	tiny, notes := read(servertest.Prometheus(t, text, "--query.max-samples=100"), 1, cpu)
	agree(t, tiny, plain, "within 100 samples a query")
	if !noted(notes, "asked in parts of the series, by node") {
		t.Errorf("no note of the parts of the series: %v", notes)
	}
}

// historyOf reads the history before now's day with o (its URL given).
func historyOf(t *testing.T, o Options, now time.Time) (collectors.History, []collectors.Note) {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hist, notes, err := c.History(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return hist, notes
}
