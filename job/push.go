package job

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/report"
)

// metrics are what a published report says, as Prometheus metrics:
//
//   - capplan_last_success_timestamp_seconds: when the report was
//     published;
//   - capplan_runway_days{resource,threshold}: days until the resource's
//     forecast reaches the threshold, the report's dates; 0 when it
//     already has, +Inf when it does not within the forecasts' view;
//   - capplan_forecast_error{resource}: the forecast's mean absolute error
//     at the horizon, measured by backtest, in the resource's unit
//     (absent when the history was too short to measure it);
//   - capplan_report_gaps: the stages and sources that failed (0: the
//     report is complete);
//   - capplan_unknown_resources: the resources the report could not
//     establish, which have no runway above.
func metrics(r report.Report, published time.Time) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	success := prometheus.NewGauge(prometheus.GaugeOpts{Name: "capplan_last_success_timestamp_seconds",
		Help: "When capplan last published a report, in seconds since the epoch."})
	success.Set(float64(published.UnixNano()) / 1e9)
	runway := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "capplan_runway_days",
		Help: "Days until the resource's forecast reaches the threshold (0: already, +Inf: not within the forecasts)."},
		[]string{"resource", "threshold"})
	errs := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "capplan_forecast_error",
		Help: "Mean absolute error of the resource's forecast at its horizon, by backtest, in the resource's unit."},
		[]string{"resource"})
	for _, res := range r.Resources {
		for _, c := range res.Crossings {
			days := math.Inf(1)
			switch {
			case c.Already:
				days = 0
			case c.RunwayDays != nil:
				days = float64(*c.RunwayDays)
			}
			runway.WithLabelValues(res.Name, c.Name).Set(days)
		}
		if res.BacktestOrigins > 0 {
			errs.WithLabelValues(res.Name).Set(res.HorizonError)
		}
	}
	gaps := prometheus.NewGauge(prometheus.GaugeOpts{Name: "capplan_report_gaps",
		Help: "Stages and sources that failed in the published report's run (0: complete)."})
	gaps.Set(float64(len(r.Gaps)))
	unknown := prometheus.NewGauge(prometheus.GaugeOpts{Name: "capplan_unknown_resources",
		Help: "Resources the published report could not establish (no capacity, history or forecast)."})
	unknown.Set(float64(len(r.Unknown)))
	reg.MustRegister(success, runway, errs, gaps, unknown)
	return reg
}

// push replaces the metrics of this cluster's group on the Pushgateway
// with the published report's: a PUT, so that a resource or threshold gone
// from the report leaves the gateway too, rather than alerting on last
// week's runway.
//
// client_golang's push package would send a grouping value without a '/'
// through url.QueryEscape, whose '+' for a space the Pushgateway keeps
// (the demo's "homelab (demo)" arrived as "homelab+(demo)"); every value
// goes base64-encoded instead, which the Pushgateway decodes exactly
// (since 0.9).
func push(ctx context.Context, p config.Pushgateway, r report.Report, published time.Time) error {
	fams, err := metrics(r, published).Gather()
	if err != nil {
		return fmt.Errorf("pushgateway: %w", err)
	}
	format := expfmt.NewFormat(expfmt.TypeTextPlain)
	var body bytes.Buffer
	enc := expfmt.NewEncoder(&body, format)
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("pushgateway: %w", err)
		}
	}
	target := strings.TrimSuffix(p.URL, "/") + "/metrics/job@base64/" + groupValue(p.Job) + "/cluster@base64/" + groupValue(r.Cluster)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, target, &body)
	if err != nil {
		return fmt.Errorf("pushgateway: %w", err)
	}
	req.Header.Set("Content-Type", string(format))
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return fmt.Errorf("pushgateway: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("pushgateway %s: %s: %s", redact.URL(p.URL), resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

// groupValue is a grouping label's value as the Pushgateway's URL takes
// it after name@base64: URL-safe base64, and "=" for an empty value.
func groupValue(v string) string {
	if v == "" {
		return "="
	}
	return base64.RawURLEncoding.EncodeToString([]byte(v))
}
