package job

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/capplan/capplan/test/servertest"
)

// TestDashboardQueries: every panel of the chart's Grafana dashboard
// returns data from a real Prometheus scraping a real Pushgateway that
// the weekly job pushed the demo's report to, all clusters selected.
func TestDashboardQueries(t *testing.T) {
	servertest.NeedGit(t)
	gateway := servertest.Pushgateway(t)
	promURL := servertest.PrometheusScraping(t, strings.TrimPrefix(gateway, "http://"))
	c := demoConfig(t, filepath.Join(t.TempDir(), "reports"))
	c.Pushgateway.URL = gateway
	if _, err := Run(context.Background(), c, time.Now(), false, "", nil); err != nil {
		t.Fatal(err)
	}

	plugins.RegisterDefaultPlugins()
	data, err := os.ReadFile(filepath.Join("..", "charts", "capplan", "dashboards", "capplan.json"))
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the chart ships the classic model, which the sidecar loads
	var d dashboard.Dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, p := range d.Panels {
		if p.Panel == nil {
			continue
		}
		for _, target := range p.Panel.Targets {
			q, ok := target.(*prometheus.Dataquery)
			if !ok {
				t.Fatalf("panel %q: a target that is not a Prometheus query: %T", deref(p.Panel.Title), target)
			}
			exprs = append(exprs, strings.ReplaceAll(q.Expr, "$cluster", ".*"))
		}
	}
	if len(exprs) < 5 {
		t.Fatalf("%d queries in the dashboard", len(exprs))
	}

	client, err := api.NewClient(api.Config{Address: promURL})
	if err != nil {
		t.Fatal(err)
	}
	prom := v1.NewAPI(client)
	query := func(expr string) (model.Vector, error) {
		val, _, _, err := prom.Query(context.Background(), expr, time.Now())
		if err != nil {
			return nil, err
		}
		vec, _ := val.(model.Vector)
		return vec, nil
	}
	// Wait for the first scrapes.
	deadline := time.Now().Add(60 * time.Second)
	for {
		vec, err := query("capplan_runway_days")
		if err == nil && len(vec) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus did not scrape the Pushgateway within a minute: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, expr := range exprs {
		vec, err := query(expr)
		if err != nil || len(vec) == 0 {
			t.Errorf("%s: %d samples (%v)", expr, len(vec), err)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
