package job

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/test/servertest"
)

// openMetrics is days of node-exporter's busy CPU seconds, one core's
// worth, ending end, as promtool backfills them.
func openMetrics(end time.Time, days int) string {
	var b strings.Builder
	start := end.AddDate(0, 0, -days)
	for at := start; at.Before(end); at = at.Add(5 * time.Minute) {
		fmt.Fprintf(&b, "node_cpu_seconds_total{cpu=\"0\",instance=\"n1:9100\",mode=\"user\"} %g %d\n", at.Sub(start).Seconds(), at.Unix())
	}
	b.WriteString("# EOF\n")
	return b.String()
}

// TestFaultMatrix is docs/job.md's fault matrix: the demo's weekly run
// with one thing broken at a time, against real servers where they exist
// here (Prometheus behind a proxy that breaks it). For each: the report's
// first line, that no status rises above the run without the fault, the
// run's error (its exit code), and where the report went.
func TestFaultMatrix(t *testing.T) {
	servertest.NeedGit(t)
	at := time.Now().UTC().Truncate(24 * time.Hour).Add(9 * time.Hour)
	run := func(c config.Config) (Result, map[string]string, string, error) {
		res, err := Run(context.Background(), c, at, false, "", nil)
		statuses := map[string]string{}
		for _, r := range res.Report.Resources {
			statuses[r.Name] = r.Status
		}
		md, _, _ := strings.Cut(string(res.File("report.md")), "\n")
		return res, statuses, md, err
	}
	base, want, _, err := run(demoConfig(t, filepath.Join(t.TempDir(), "r")))
	if err != nil || !base.Published {
		t.Fatalf("without a fault: %v", err)
	}
	prom := servertest.Prometheus(t, openMetrics(at.Add(-4*time.Hour), 20))
	stale := servertest.Prometheus(t, openMetrics(at.AddDate(0, 0, -5), 20))
	for _, tc := range []struct {
		name   string
		set    func(c *config.Config)
		err    error  // nil: complete
		where  string // published, pending
		detail string // in report.md
	}{
		{"Prometheus down", func(c *config.Config) { c.Prometheus.URL = "http://" + servertest.FreeAddr(t) }, ErrIncomplete, "published", "stopped answering at cpu/usage"},
		{"Prometheus answering 500", func(c *config.Config) { c.Prometheus.URL = servertest.Faulty(t, prom, map[string]string{"": "500"}, 0) }, ErrIncomplete, "published", "queries failed, their series left out"},
		{"Prometheus answering malformed JSON", func(c *config.Config) {
			c.Prometheus.URL = servertest.Faulty(t, prom, map[string]string{"": "malformed"}, 0)
		}, ErrIncomplete, "published", "bad\\_response"},
		{"Prometheus slower than the collect stage", func(c *config.Config) {
			c.Prometheus.URL, c.Timeouts.Collect = servertest.Faulty(t, prom, map[string]string{"": "slow"}, 0), 2*time.Second
		}, ErrIncomplete, "published", "context deadline exceeded"},
		{"Prometheus dying half way", func(c *config.Config) { c.Prometheus.URL = servertest.Faulty(t, prom, nil, 3) }, ErrIncomplete, "published", "series read before"},
		{"Prometheus empty for some queries", func(c *config.Config) { c.Prometheus.URL = prom }, nil, "published", "no data for memory/usage"},
		{"Prometheus holding only stale samples", func(c *config.Config) { c.Prometheus.URL = stale }, nil, "published", "cpu/usage: 730 days from demo used"},
		{"Git unreachable", func(c *config.Config) {
			c.Git.URL, c.Git.Dir = "http://"+servertest.FreeAddr(t)+"/r.git", filepath.Join(t.TempDir(), "work")
		}, ErrNotPublished, "pending", "history from the report repository: clone"},
		{"Ollama down", func(c *config.Config) { c.Ollama.Enabled, c.Ollama.Host = true, servertest.FreeAddr(t) }, nil, "published", "no Ollama answered at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := demoConfig(t, filepath.Join(t.TempDir(), "r"))
			tc.set(&c)
			res, got, first, err := run(c)
			switch {
			case tc.err == nil && err != nil, tc.err != nil && !errors.Is(err, tc.err):
				t.Errorf("error %v, want %v", err, tc.err)
			}
			// Git unreachable: the repository's history could not be read
			// either, so the report kept is incomplete too.
			if incomplete := strings.HasSuffix(first, " (incomplete)"); incomplete != (errors.Is(tc.err, ErrIncomplete) || tc.where == "pending") {
				t.Errorf("first line %q", first)
			}
			if !maps.Equal(got, want) {
				t.Errorf("statuses %v; without the fault %v", got, want)
			}
			md := string(res.File("report.md"))
			if tc.detail != "" && !strings.Contains(md, tc.detail) {
				t.Errorf("report.md does not say %q:\n%.1500s", tc.detail, md)
			}
			switch tc.where {
			case "published":
				if !res.Published {
					t.Errorf("not published: %v", err)
				}
			case "pending":
				day := at.Format("2006/2006-01-02")
				if _, err := os.Stat(filepath.Join(c.Git.Dir, "pending", "reports", day, "report.md")); res.Published || err != nil {
					t.Errorf("published %v; the report is not kept in pending/: %v", res.Published, err)
				}
			}
		})
	}
}
