package charts

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

var update = flag.Bool("update", false, "rewrite capplan/dashboards/capplan.json from the builder")

// DashboardFile is the dashboard the chart ships, built by dashboardJSON.
var DashboardFile = filepath.Join("capplan", "dashboards", "capplan.json")

// dashboardJSON builds capplan's Grafana dashboard with the Grafana
// Foundation SDK: what capplan pushes to a Pushgateway (job/push.go), per
// cluster (the push's grouping label), soonest runway first.
func dashboardJSON() ([]byte, error) {
	str := func(s string) *string { return &s }
	ds := common.DataSourceRef{Type: str("prometheus"), Uid: str("${datasource}")}
	query := func(expr, legend string) *prometheus.DataqueryBuilder {
		return prometheus.NewDataqueryBuilder().Datasource(ds).Expr(expr).LegendFormat(legend)
	}
	clusters := `{cluster=~"$cluster"}`
	// The classic dashboard model: kube-prometheus-stack's sidecar loads
	// it into any Grafana, where the v2 model needs Grafana's new
	// dashboards API.
	//lint:ignore SA1019 the classic model is what the sidecar loads
	d, err := dashboard.NewDashboardBuilder("capplan: capacity runway").
		Uid("capplan-runway").
		Tags([]string{"capplan", "capacity"}).
		Refresh("1h").
		Time("now-90d", "now").
		Timezone(common.TimeZoneUtc).
		Link(dashboard.NewDashboardLinkBuilder("Capacity reports").Type(dashboard.DashboardLinkTypeLink).Url("").TargetBlank(true).Icon("doc")).
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").Label("Prometheus").Type("prometheus")).
		WithVariable(dashboard.NewQueryVariableBuilder("cluster").Label("Cluster").Datasource(ds).
			Query(dashboard.StringOrMap{String: str("label_values(capplan_runway_days, cluster)")}).
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged).Multi(true).IncludeAll(true).AllValue(".*")).
		WithPanel(table.NewPanelBuilder().Title("Runway, soonest first").
			Description("Days until each resource's forecast reaches its first threshold, from the last report of each cluster (0: already reached; no row: beyond the forecasts' 12 months).").
			Unit("d").Span(24).Height(10).
			WithTarget(query(`sort(min by (cluster, resource) (capplan_runway_days`+clusters+` < +Inf))`, "{{cluster}} {{resource}}").Instant().Format(prometheus.PromQueryFormatTable))).
		WithPanel(stat.NewPanelBuilder().Title("Days since the last report").
			Description("A weekly job that has not published for 8 days has failed.").
			Unit("d").Decimals(1).Span(8).Height(5).
			WithTarget(query(`(time() - max by (cluster) (capplan_last_success_timestamp_seconds`+clusters+`)) / 86400`, "{{cluster}}").Instant())).
		WithPanel(stat.NewPanelBuilder().Title("Gaps in the last report").
			Description("Stages and sources that failed in the last report's run (0: complete).").
			Span(8).Height(5).
			WithTarget(query(`max by (cluster) (capplan_report_gaps`+clusters+`)`, "{{cluster}}").Instant())).
		WithPanel(stat.NewPanelBuilder().Title("Resources the last report could not establish").
			Span(8).Height(5).
			WithTarget(query(`max by (cluster) (capplan_unknown_resources`+clusters+`)`, "{{cluster}}").Instant())).
		WithPanel(timeseries.NewPanelBuilder().Title("Forecast error at the horizon").
			Description("Each resource's mean absolute error 90 days ahead on earlier cuts of its history, in its unit, report by report.").
			Span(24).Height(9).
			WithTarget(query(`capplan_forecast_error`+clusters, "{{cluster}} {{resource}}"))).
		Build()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	// The SDK's marshalling escapes "<", "&": PromQL reads as written.
	return []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b)) + "\n"), nil
}

// TestDashboard: the chart's dashboard is what the builder builds (-update
// rewrites it).
func TestDashboard(t *testing.T) {
	want, err := dashboardJSON()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(DashboardFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(DashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the builder builds (go test ./charts -run TestDashboard -update)", DashboardFile)
	}
}

// TestDashboardConfigMap: the dashboard is rendered only when enabled, as
// a ConfigMap with the sidecar's label holding the built dashboard, its
// link set to the reports' address or left out without one.
func TestDashboardConfigMap(t *testing.T) {
	dashboards := func(dashboard map[string]any) []map[string]any {
		t.Helper()
		// The least an install needs (testdata/values/minimal.yaml).
		vals := map[string]any{
			"config":      map[string]any{"git": map[string]any{"url": "https://git.example.org/infra/capacity-reports.git"}},
			"credentials": map[string]any{"git": map[string]any{"existingSecret": "capplan-git"}},
		}
		if dashboard != nil {
			vals["grafanaDashboard"] = dashboard
		}
		manifests, err := render(t, "", vals)
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for _, cm := range decode(t, manifests).dashboards {
			text := cm.Data["capplan.json"]
			if cm.Name != "capplan-dashboard" || cm.Labels["grafana_dashboard"] != "1" {
				t.Errorf("dashboard ConfigMap %s, labels %v", cm.Name, cm.Labels)
			}
			var d map[string]any
			if err := json.Unmarshal([]byte(text), &d); err != nil {
				t.Fatalf("capplan.json: %v", err)
			}
			out = append(out, d)
		}
		return out
	}
	if got := dashboards(nil); len(got) != 0 {
		t.Errorf("a dashboard rendered by default")
	}
	file, err := os.ReadFile(DashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(file, &want); err != nil {
		t.Fatal(err)
	}
	for url, links := range map[string]int{"https://git.example.com/capacity": 1, "": 0} {
		got := dashboards(map[string]any{"enabled": true, "reportURL": url})
		if len(got) != 1 {
			t.Fatalf("%d dashboards rendered, want 1", len(got))
		}
		d := got[0]
		ls, _ := d["links"].([]any)
		if len(ls) != links || (links == 1 && ls[0].(map[string]any)["url"] != url) {
			t.Errorf("reportURL %q: links %v", url, d["links"])
		}
		delete(d, "links")
		w := maps.Clone(want)
		delete(w, "links")
		if !reflect.DeepEqual(d, w) {
			t.Errorf("the rendered dashboard differs from %s", DashboardFile)
		}
	}
}
