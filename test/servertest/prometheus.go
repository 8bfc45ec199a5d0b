package servertest

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Prometheus backfills the OpenMetrics text into a fresh data directory
// with promtool and serves it with Debian's Prometheus, returning its URL;
// flags are added to its command line (--query.max-samples=N).
func Prometheus(t testing.TB, openMetrics string, flags ...string) string {
	t.Helper()
	url, _, _ := backfilled(t, openMetrics, "global: {}\n", flags...)
	return url
}

// backfilled is Prometheus serving the OpenMetrics text, with its
// configuration file's text: its URL, its data directory and its process.
func backfilled(t testing.TB, openMetrics, config string, flags ...string) (url, data string, cmd *exec.Cmd) {
	t.Helper()
	bin := Need(t, "prometheus", "apt-get install prometheus")
	promtool := Need(t, "promtool", "apt-get install prometheus")
	dir := t.TempDir()
	input := filepath.Join(dir, "history.om")
	if err := os.WriteFile(input, []byte(openMetrics), 0o644); err != nil {
		t.Fatal(err)
	}
	data = filepath.Join(dir, "data")
	// Without --max-block-duration, 120 days become hundreds of two-hour
	// blocks that take Prometheus minutes to open.
	if out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=2400h", input, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := FreeAddr(t)
	url = "http://" + addr
	// The default retention (15 days) would delete most of the backfill.
	cmd = Start(t, Process{Path: bin, Args: append([]string{"--config.file=" + cfg, "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=2y",
		"--web.listen-address=" + addr, "--log.level=warn"}, flags...), Ready: HTTPReady(http.DefaultClient, url+"/-/ready", "", ""), Within: 60 * time.Second})
	return url, data, cmd
}

// ThanosQuery serves histories (OpenMetrics texts, one a cluster) through
// Thanos Query in front of one Prometheus a cluster, each with the
// history backfilled, the external label cluster=<name> and a Thanos
// sidecar, as a fleet's clusters are read from one place; it returns
// Query's URL. The thanos binary is $CAPPLAN_THANOS_BIN (.ci/thanos.sh
// builds it).
func ThanosQuery(t testing.TB, histories map[string]string) string {
	t.Helper()
	return ThanosStore(t, histories).URL
}

// Store is a fleet's store that ThanosStore started: Query's URL and
// each cluster's Prometheus.
type Store struct {
	URL        string
	prometheus map[string]stoppable
}

type stoppable struct {
	cmd *exec.Cmd
	url string
}

// Stop ends cluster's Prometheus as an outage would (its sidecar goes on
// running), and waits until it has.
func (s Store) Stop(t testing.TB, cluster string) {
	t.Helper()
	p := s.prometheus[cluster]
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for HTTPReady(http.DefaultClient, p.url+"/-/ready", "", "")() == nil {
		time.Sleep(20 * time.Millisecond)
	}
}

// ThanosStore is ThanosQuery's store, whose clusters' servers can be
// stopped.
func ThanosStore(t testing.TB, histories map[string]string) Store {
	t.Helper()
	s := Store{prometheus: map[string]stoppable{}}
	thanos := NeedEnv(t, "CAPPLAN_THANOS_BIN", "CAPPLAN_THANOS_BIN=$(.ci/thanos.sh) go test ./...")
	query := []string{"query", "--log.level=warn"}
	for _, name := range slices.Sorted(maps.Keys(histories)) {
		prom, data, cmd := backfilled(t, histories[name], fmt.Sprintf("global:\n  external_labels:\n    cluster: %q\n", name))
		s.prometheus[name] = stoppable{cmd, prom}
		grpc, status := FreeAddr(t), FreeAddr(t)
		Start(t, Process{Path: thanos, Args: []string{"sidecar", "--tsdb.path=" + data, "--prometheus.url=" + prom,
			"--grpc-address=" + grpc, "--http-address=" + status, "--log.level=warn"},
			Ready: HTTPReady(http.DefaultClient, "http://"+status+"/-/ready", "", ""), Within: 60 * time.Second})
		query = append(query, "--endpoint="+grpc)
	}
	addr := FreeAddr(t)
	url := "http://" + addr
	Start(t, Process{Path: thanos, Args: append(query, "--http-address="+addr, "--grpc-address="+FreeAddr(t)),
		Ready: HTTPReady(http.DefaultClient, url+"/-/ready", "", ""), Within: 60 * time.Second})
	s.URL = url
	return s
}

// PrometheusScraping runs Debian's Prometheus scraping target (host:port,
// a Pushgateway: its labels honoured) every second, and returns its URL.
func PrometheusScraping(t testing.TB, target string) string {
	t.Helper()
	bin := Need(t, "prometheus", "apt-get install prometheus")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	conf := "global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n" +
		"  - job_name: pushgateway\n    honor_labels: true\n    static_configs: [{targets: [\"" + target + "\"]}]\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := FreeAddr(t)
	url := "http://" + addr
	Start(t, Process{Path: bin, Args: []string{"--config.file=" + cfg, "--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr, "--log.level=warn"}, Ready: HTTPReady(http.DefaultClient, url+"/-/ready", "", ""), Within: 60 * time.Second})
	return url
}

// Pushgateway runs Debian's prometheus-pushgateway and returns its URL.
func Pushgateway(t testing.TB) string {
	t.Helper()
	bin := Need(t, "prometheus-pushgateway", "apt-get install prometheus-pushgateway")
	addr := FreeAddr(t)
	url := "http://" + addr
	Start(t, Process{Path: bin, Args: []string{"--web.listen-address=" + addr, "--log.level=warn"},
		Ready: HTTPReady(http.DefaultClient, url+"/-/ready", "", "")})
	return url
}

// ThanosBucket serves an OpenMetrics history through Thanos Query in
// front of a store gateway, as a long history is kept in object storage:
// the history backfilled into blocks of 486 hours, uploaded to a bucket
// on disk with the external label cluster=<cluster>, downsampled by
// Thanos' compactor, which then keeps raw samples for rawDays and
// 5-minute aggregates for fiveMinuteDays (hourly ones for ever), as its
// retention flags say, block by block. It returns Query's URL.
func ThanosBucket(t testing.TB, openMetrics, cluster string, rawDays, fiveMinuteDays int) string {
	t.Helper()
	thanos := NeedEnv(t, "CAPPLAN_THANOS_BIN", "CAPPLAN_THANOS_BIN=$(.ci/thanos.sh) go test ./...")
	promtool := Need(t, "promtool", "apt-get install prometheus")
	dir := t.TempDir()
	input := filepath.Join(dir, "history.om")
	if err := os.WriteFile(input, []byte(openMetrics), 0o644); err != nil {
		t.Fatal(err)
	}
	blocks := filepath.Join(dir, "blocks")
	// promtool's blocks last 2 hours times a power of 3, aligned to
	// their length; the compactor's ranges (2 hours, 8, 2 days, 14) are
	// 2 hours times a power of 4, and a block across one of theirs is
	// never compacted. A block longer than the longest, 486 hours, is
	// left as it is and downsampled as sidecars' compacted blocks are:
	// to 5 minutes past 40 hours, to hours past 10 days. Only the first,
	// partial one is too short for hours.
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(name), args[0], err, tail(string(out), ""))
		}
	}
	run(promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=486h", input, blocks)
	bucket := WriteFile(t, dir, "bucket.yml", []byte("type: FILESYSTEM\nconfig:\n  directory: "+filepath.Join(dir, "bucket")+"\n"))
	objstore := "--objstore.config-file=" + bucket
	run(thanos, "tools", "bucket", "upload-blocks", "--path="+blocks, fmt.Sprintf("--label=cluster=%q", cluster), objstore, "--log.level=warn")
	compact := []string{"compact", "--data-dir=" + filepath.Join(dir, "compact"), objstore, "--consistency-delay=0s", "--delete-delay=0s", "--log.level=warn"}
	// The aggregates first, then the retention on what they left.
	run(thanos, compact...)
	run(thanos, append(compact, fmt.Sprintf("--retention.resolution-raw=%dd", rawDays), fmt.Sprintf("--retention.resolution-5m=%dd", fiveMinuteDays))...)
	run(thanos, "tools", "bucket", "cleanup", objstore, "--delete-delay=0s", "--consistency-delay=0s", "--log.level=warn")
	grpc, status := FreeAddr(t), FreeAddr(t)
	Start(t, Process{Path: thanos, Args: []string{"store", "--data-dir=" + filepath.Join(dir, "store"), objstore, "--consistency-delay=0s",
		"--grpc-address=" + grpc, "--http-address=" + status, "--log.level=warn"},
		Ready: HTTPReady(http.DefaultClient, "http://"+status+"/-/ready", "", ""), Within: 60 * time.Second})
	addr := FreeAddr(t)
	url := "http://" + addr
	Start(t, Process{Path: thanos, Args: []string{"query", "--endpoint=" + grpc, "--http-address=" + addr, "--grpc-address=" + FreeAddr(t), "--log.level=warn"},
		Ready: HTTPReady(http.DefaultClient, url+"/api/v1/label/cluster/values", "", cluster), Within: 60 * time.Second})
	return url
}
