package job

import (
	"context"
	"math"
	"net/http"
	"path/filepath"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/capplan/capplan/test/servertest"
)

// scrape reads the gateway's /metrics as Prometheus would.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

func labelsOf(m *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, p := range m.GetLabel() {
		l[p.GetName()] = p.GetValue()
	}
	return l
}

// TestPushToPushgateway publishes the demo's report with a real
// Pushgateway configured, scrapes the gateway back and checks every
// metric against the report; a run that cannot publish pushes nothing,
// so the last success keeps its time.
func TestPushToPushgateway(t *testing.T) {
	servertest.NeedGit(t)
	url := servertest.Pushgateway(t)
	c := demoConfig(t, filepath.Join(t.TempDir(), "reports"))
	c.Pushgateway.URL = url
	res, err := Run(context.Background(), c, generated, false, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, url)
	group := func(m *dto.Metric) bool {
		l := labelsOf(m)
		return l["job"] == "capplan" && l["cluster"] == res.Report.Cluster
	}

	success := fams["capplan_last_success_timestamp_seconds"]
	if success == nil || len(success.GetMetric()) != 1 || !group(success.GetMetric()[0]) {
		t.Fatalf("capplan_last_success_timestamp_seconds: %v", success)
	}
	if got := success.GetMetric()[0].GetGauge().GetValue(); got != float64(generated.Unix()) {
		t.Errorf("last success %v, want %v (the run's time)", got, generated.Unix())
	}

	// Every crossing of the report is one runway sample, with its days.
	runway := map[[2]string]float64{}
	for _, m := range fams["capplan_runway_days"].GetMetric() {
		if !group(m) {
			t.Errorf("runway sample outside the group: %v", labelsOf(m))
		}
		l := labelsOf(m)
		runway[[2]string{l["resource"], l["threshold"]}] = m.GetGauge().GetValue()
	}
	crossings, finite := 0, 0
	for _, r := range res.Report.Resources {
		for _, c := range r.Crossings {
			crossings++
			got, ok := runway[[2]string{r.Name, c.Name}]
			// Reached: 0 days; never within the view: +Inf.
			want := math.Inf(1)
			if c.Already {
				want = 0
			} else if c.RunwayDays != nil {
				want, finite = float64(*c.RunwayDays), finite+1
			}
			if !ok || got != want {
				t.Errorf("capplan_runway_days{resource=%q,threshold=%q} = %v (present %v), want %v", r.Name, c.Name, got, ok, want)
			}
		}
	}
	if len(runway) != crossings || finite == 0 {
		t.Errorf("%d runway samples for %d crossings (%d dated): the demo has dated crossings", len(runway), crossings, finite)
	}

	errs := map[string]float64{}
	for _, m := range fams["capplan_forecast_error"].GetMetric() {
		errs[labelsOf(m)["resource"]] = m.GetGauge().GetValue()
	}
	measured := 0
	for _, r := range res.Report.Resources {
		got, ok := errs[r.Name]
		if r.BacktestOrigins == 0 {
			if ok {
				t.Errorf("capplan_forecast_error{resource=%q} = %v for a forecast never backtested", r.Name, got)
			}
			continue
		}
		measured++
		if !ok || got != r.HorizonError {
			t.Errorf("capplan_forecast_error{resource=%q} = %v (present %v), want %v", r.Name, got, ok, r.HorizonError)
		}
	}
	if measured == 0 || len(errs) != measured {
		t.Errorf("%d forecast errors for %d backtested resources", len(errs), measured)
	}

	// A week later the report cannot be pushed to its remote: nothing is
	// pushed to the gateway either.
	c.Git.URL, c.Git.Tries = "file://"+filepath.Join(t.TempDir(), "missing.git"), 1
	c.Git.Dir = t.TempDir()
	if _, err := Run(context.Background(), c, generated.AddDate(0, 0, 7), false, "", nil); err == nil {
		t.Fatal("a run without its remote succeeded")
	}
	if got := scrape(t, url)["capplan_last_success_timestamp_seconds"].GetMetric()[0].GetGauge().GetValue(); got != float64(generated.Unix()) {
		t.Errorf("after a failed run, last success %v, want still %v", got, generated.Unix())
	}
}
