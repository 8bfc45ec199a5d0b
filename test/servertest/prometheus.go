package servertest

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Prometheus backfills the OpenMetrics text into a fresh data directory
// with promtool and serves it with Debian's Prometheus, returning its URL;
// flags are added to its command line (--query.max-samples=N).
func Prometheus(t testing.TB, openMetrics string, flags ...string) string {
	t.Helper()
	bin := Need(t, "prometheus", "apt-get install prometheus")
	promtool := Need(t, "promtool", "apt-get install prometheus")
	dir := t.TempDir()
	input := filepath.Join(dir, "history.om")
	if err := os.WriteFile(input, []byte(openMetrics), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	// Without --max-block-duration, 120 days become hundreds of two-hour
	// blocks that take Prometheus minutes to open.
	if out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=2400h", input, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := FreeAddr(t)
	url := "http://" + addr
	// The default retention (15 days) would delete most of the backfill.
	Start(t, Process{Path: bin, Args: append([]string{"--config.file=" + cfg, "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=2y",
		"--web.listen-address=" + addr, "--log.level=warn"}, flags...), Ready: HTTPReady(http.DefaultClient, url+"/-/ready", "", ""), Within: 60 * time.Second})
	return url
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
