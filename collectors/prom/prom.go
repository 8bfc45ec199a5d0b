// Package prom reads a cluster's daily history from Prometheus (or any
// server with its HTTP API: Thanos, Mimir, VictoriaMetrics): for every
// quantity the daily mean and the daily peak, computed by the server with
// subqueries so that a year of history is one point a day.
package prom

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/config"
	"github.com/prometheus/prometheus/model/labels"
	"sigs.k8s.io/yaml"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/units"
)

// Query is one quantity's PromQL. Expr is an instant vector: one series
// for a cluster-wide quantity, or one per value of Label, which then names
// the series ("ceph/pool/{name}/stored" with Label "name"). Exporter names
// the metrics it reads, for the report's sources; several queries of one
// series are alternatives, tried in order until one has data.
type Query struct {
	Series   string `json:"series"`
	Unit     string `json:"unit"`
	Label    string `json:"label,omitempty"`
	Expr     string `json:"expr"`
	Exporter string `json:"exporter,omitempty"`
}

// poolName joins the Ceph mgr's per-pool series, which carry only
// pool_id, with the pool names in ceph_pool_metadata.
const poolName = ` * on(pool_id) group_left(name) ceph_pool_metadata`

// byNode labels a node-exporter expression, whose series carry only the
// scrape's instance, with the machine's name from node_uname_info, which
// is the Kubernetes node's on every usual install.
func byNode(expr string) string {
	return `label_replace((` + expr + `) * on(instance) group_left(nodename) node_uname_info, "node", "$1", "nodename", "(.*)")`
}

// activePods keeps kube-state-metrics' per-container series of pods that
// hold resources: it also exports finished pods' requests.
const activePods = ` and on(namespace, pod) (kube_pod_status_phase{phase=~"Pending|Running"} == 1)`

// The exporters the default queries read, as the report names them.
const (
	cadvisor      = "cAdvisor"
	nodeExporter  = "node-exporter"
	ksm2          = "kube-state-metrics v2"
	ksm1          = "kube-state-metrics v1"
	cephMgr       = "Ceph mgr"
	cephMgrLegacy = "Ceph mgr before Nautilus"
	kubelet       = "kubelet"
)

// DefaultQueries read what Prometheus installs commonly have, preferring
// kube-prometheus-stack's: container usage from cAdvisor through the
// kubelet (whose series carry the node's name in "node"), else the
// machines' from node-exporter (which counts the system's own use too);
// requests, limits and allocatable from kube-state-metrics v2, else v1's
// names; Ceph from the mgr's prometheus module, with the names it had
// before Nautilus as the alternative. Rates use 15-minute windows, which
// hold several samples at any scrape interval up to five minutes.
var DefaultQueries = []Query{
	{Series: "cpu/usage", Unit: units.Cores, Exporter: cadvisor, Expr: `sum(rate(container_cpu_usage_seconds_total{container!="", image!=""}[15m]))`},
	{Series: "cpu/usage", Unit: units.Cores, Exporter: nodeExporter, Expr: `sum(rate(node_cpu_seconds_total{mode!~"idle|iowait|steal"}[15m]))`},
	{Series: "memory/usage", Unit: units.Bytes, Exporter: cadvisor, Expr: `sum(container_memory_working_set_bytes{container!="", image!=""})`},
	{Series: "memory/usage", Unit: units.Bytes, Exporter: nodeExporter, Expr: `sum(node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes)`},
	{Series: "cpu/requests", Unit: units.Cores, Exporter: ksm2, Expr: `sum(kube_pod_container_resource_requests{resource="cpu"}` + activePods + `)`},
	{Series: "cpu/requests", Unit: units.Cores, Exporter: ksm1, Expr: `sum(kube_pod_container_resource_requests_cpu_cores` + activePods + `)`},
	{Series: "memory/requests", Unit: units.Bytes, Exporter: ksm2, Expr: `sum(kube_pod_container_resource_requests{resource="memory"}` + activePods + `)`},
	{Series: "memory/requests", Unit: units.Bytes, Exporter: ksm1, Expr: `sum(kube_pod_container_resource_requests_memory_bytes` + activePods + `)`},
	{Series: "cpu/limits", Unit: units.Cores, Exporter: ksm2, Expr: `sum(kube_pod_container_resource_limits{resource="cpu"}` + activePods + `)`},
	{Series: "cpu/limits", Unit: units.Cores, Exporter: ksm1, Expr: `sum(kube_pod_container_resource_limits_cpu_cores` + activePods + `)`},
	{Series: "memory/limits", Unit: units.Bytes, Exporter: ksm2, Expr: `sum(kube_pod_container_resource_limits{resource="memory"}` + activePods + `)`},
	{Series: "memory/limits", Unit: units.Bytes, Exporter: ksm1, Expr: `sum(kube_pod_container_resource_limits_memory_bytes` + activePods + `)`},
	{Series: "cpu/allocatable", Unit: units.Cores, Exporter: ksm2, Expr: `sum(kube_node_status_allocatable{resource="cpu"})`},
	{Series: "cpu/allocatable", Unit: units.Cores, Exporter: ksm1, Expr: `sum(kube_node_status_allocatable_cpu_cores)`},
	{Series: "node/{node}/cpu/usage", Unit: units.Cores, Label: "node", Exporter: cadvisor, Expr: `rate(container_cpu_usage_seconds_total{container!="", image!=""}[15m])`},
	{Series: "node/{node}/cpu/usage", Unit: units.Cores, Label: "node", Exporter: nodeExporter, Expr: byNode(`rate(node_cpu_seconds_total{mode!~"idle|iowait|steal"}[15m])`)},
	{Series: "node/{node}/memory/usage", Unit: units.Bytes, Label: "node", Exporter: cadvisor, Expr: `container_memory_working_set_bytes{container!="", image!=""}`},
	{Series: "node/{node}/memory/usage", Unit: units.Bytes, Label: "node", Exporter: nodeExporter, Expr: byNode(`node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes`)},
	{Series: "node/{node}/cpu/requests", Unit: units.Cores, Label: "node", Exporter: ksm2, Expr: `kube_pod_container_resource_requests{resource="cpu"}` + activePods},
	{Series: "node/{node}/cpu/requests", Unit: units.Cores, Label: "node", Exporter: ksm1, Expr: `kube_pod_container_resource_requests_cpu_cores` + activePods},
	{Series: "node/{node}/memory/requests", Unit: units.Bytes, Label: "node", Exporter: ksm2, Expr: `kube_pod_container_resource_requests{resource="memory"}` + activePods},
	{Series: "node/{node}/memory/requests", Unit: units.Bytes, Label: "node", Exporter: ksm1, Expr: `kube_pod_container_resource_requests_memory_bytes` + activePods},
	{Series: "node/{node}/cpu/allocatable", Unit: units.Cores, Label: "node", Exporter: ksm2, Expr: `kube_node_status_allocatable{resource="cpu"}`},
	{Series: "node/{node}/cpu/allocatable", Unit: units.Cores, Label: "node", Exporter: ksm1, Expr: `kube_node_status_allocatable_cpu_cores`},
	{Series: "node/{node}/memory/allocatable", Unit: units.Bytes, Label: "node", Exporter: ksm2, Expr: `kube_node_status_allocatable{resource="memory"}`},
	{Series: "node/{node}/memory/allocatable", Unit: units.Bytes, Label: "node", Exporter: ksm1, Expr: `kube_node_status_allocatable_memory_bytes`},
	{Series: "namespace/{namespace}/cpu/usage", Unit: units.Cores, Label: "namespace", Exporter: cadvisor, Expr: `rate(container_cpu_usage_seconds_total{container!="", image!=""}[15m])`},
	{Series: "namespace/{namespace}/memory/usage", Unit: units.Bytes, Label: "namespace", Exporter: cadvisor, Expr: `container_memory_working_set_bytes{container!="", image!=""}`},
	{Series: "namespace/{namespace}/cpu/requests", Unit: units.Cores, Label: "namespace", Exporter: ksm2, Expr: `kube_pod_container_resource_requests{resource="cpu"}` + activePods},
	{Series: "namespace/{namespace}/cpu/requests", Unit: units.Cores, Label: "namespace", Exporter: ksm1, Expr: `kube_pod_container_resource_requests_cpu_cores` + activePods},
	{Series: "namespace/{namespace}/memory/requests", Unit: units.Bytes, Label: "namespace", Exporter: ksm2, Expr: `kube_pod_container_resource_requests{resource="memory"}` + activePods},
	{Series: "namespace/{namespace}/memory/requests", Unit: units.Bytes, Label: "namespace", Exporter: ksm1, Expr: `kube_pod_container_resource_requests_memory_bytes` + activePods},
	{Series: "memory/allocatable", Unit: units.Bytes, Exporter: ksm2, Expr: `sum(kube_node_status_allocatable{resource="memory"})`},
	{Series: "memory/allocatable", Unit: units.Bytes, Exporter: ksm1, Expr: `sum(kube_node_status_allocatable_memory_bytes)`},
	{Series: "ceph/raw_total", Unit: units.Bytes, Exporter: cephMgr, Expr: `sum(ceph_cluster_total_bytes)`},
	{Series: "ceph/raw_used", Unit: units.Bytes, Exporter: cephMgr, Expr: `sum(ceph_cluster_total_used_raw_bytes)`},
	{Series: "ceph/raw_used", Unit: units.Bytes, Exporter: cephMgrLegacy, Expr: `sum(ceph_cluster_total_used_bytes)`},
	{Series: "ceph/pool/{name}/stored", Unit: units.Bytes, Label: "name", Exporter: cephMgr, Expr: `ceph_pool_stored` + poolName},
	{Series: "ceph/pool/{name}/stored", Unit: units.Bytes, Label: "name", Exporter: cephMgrLegacy, Expr: `ceph_pool_bytes_used` + poolName},
	{Series: "ceph/pool/{name}/max_avail", Unit: units.Bytes, Label: "name", Exporter: cephMgr, Expr: `ceph_pool_max_avail` + poolName},
	{Series: "volumes/used", Unit: units.Bytes, Exporter: kubelet, Expr: `sum(kubelet_volume_stats_used_bytes)`},
	{Series: "volumes/{storageclass}/requested", Unit: units.Bytes, Label: "storageclass", Exporter: ksm2,
		Expr: `kube_persistentvolumeclaim_resource_requests_storage_bytes * on(namespace, persistentvolumeclaim) group_left(storageclass) kube_persistentvolumeclaim_info`},
	{Series: "network/receive", Unit: units.BytesPerSecond, Exporter: nodeExporter,
		Expr: `sum(rate(node_network_receive_bytes_total{device!~"lo|veth.*|cali.*|cilium.*|flannel.*|cni.*|docker.*"}[15m]))`},
}

// Options say where Prometheus is and what to ask it.
type Options struct {
	URL         string
	BearerToken string
	Username    string // basic auth, with Password
	Password    string
	CAFile      string // PEM bundle to trust, for a private CA
	Days        int    // days of history to read; 90 when zero
	Queries     []Query
	// Resolution is the subquery step: samples closer than it are not
	// all read. 5 minutes when zero.
	Resolution time.Duration
	// Matchers are label matchers added to every selector of every query
	// ({cluster="a"}): one cluster's series in a store that holds
	// several. "" adds none.
	Matchers string
}

// Collector reads history from one Prometheus.
type Collector struct {
	api  v1.API
	opts Options
	// span is the days one range query asks for, halved each time the
	// server refuses one as too large; retries counts those refusals.
	span, retries int
	// misses counts, by resolution, the asks of a store's aggregates in
	// a row that found none: a server without them is not asked again.
	misses map[string]int
	// days counts the days asked for in parts of a day, parts how many
	// parts; split counts, by label, the parts of one step asked for in
	// parts of the label's values.
	days, parts int
	split       map[string]int
	matchers    []*labels.Matcher
	// name is the URL as shown, redact what keeps the credentials out of
	// errors: the client's own messages echo the URL it was given.
	name   string
	redact redact.Redactor
}

// New checks the options and builds the client.
func New(o Options) (*Collector, error) {
	if o.URL == "" {
		return nil, fmt.Errorf("prometheus: no URL")
	}
	if o.Days == 0 {
		o.Days = 90
	}
	if o.Resolution == 0 {
		o.Resolution = 5 * time.Minute
	}
	if o.Queries == nil {
		o.Queries = DefaultQueries
	}
	var ms []*labels.Matcher
	if o.Matchers != "" {
		var err error
		if ms, err = ParseMatchers(o.Matchers); err != nil {
			return nil, fmt.Errorf("prometheus %s: %w", redact.URL(o.URL), err)
		}
	}
	hc := config.HTTPClientConfig{TLSConfig: config.TLSConfig{CAFile: o.CAFile}}
	if o.BearerToken != "" {
		hc.Authorization = &config.Authorization{Type: "Bearer", Credentials: config.Secret(o.BearerToken)}
	}
	if o.Username != "" {
		hc.BasicAuth = &config.BasicAuth{Username: o.Username, Password: config.Secret(o.Password)}
	}
	if err := hc.Validate(); err != nil {
		return nil, fmt.Errorf("prometheus %s: %w", redact.URL(o.URL), err)
	}
	rt, err := config.NewRoundTripperFromConfig(hc, "capplan")
	if err != nil {
		return nil, fmt.Errorf("prometheus %s: %w", redact.URL(o.URL), err)
	}
	client, err := api.NewClient(api.Config{Address: o.URL, RoundTripper: rt})
	if err != nil {
		return nil, fmt.Errorf("prometheus %s: %w", redact.URL(o.URL), err)
	}
	return &Collector{api: v1.NewAPI(resolutionClient{client}), opts: o, misses: map[string]int{}, split: map[string]int{}, name: redact.URL(o.URL), matchers: ms,
		redact: redact.New([]string{o.URL}, o.BearerToken, o.Password)}, nil
}

// ErrStopped is a server that stopped answering (its connection failed,
// not a query): nothing more can be read from it this run.
var ErrStopped = errors.New("stopped answering")

// maxPoints is Prometheus' limit on the points of one series in a range
// query; longer ranges are split.
const maxPoints = 11000

// History reads the days before now's (UTC) day. Each day's mean and peak
// come from avg_over_time and max_over_time over a subquery evaluated a
// second before the day ends, so that the window holds that day's samples
// and none of the next. A query without data, or with days missing, leaves
// a note. Each series stands on its own: one whose query Prometheus
// refuses or fails is left out and named in the error, the others are
// kept; a server that stops answering (a connection, not a query, that
// fails) ends the reading, and what was read before stands.
func (c *Collector) History(ctx context.Context, now time.Time) (collectors.History, []collectors.Note, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	first := today.AddDate(0, 0, -c.opts.Days)
	source := "prometheus " + c.name
	var hist collectors.History
	var notes []collectors.Note
	note := func(format string, args ...any) {
		notes = append(notes, collectors.Note{Source: source, Message: fmt.Sprintf(format, args...)})
	}
	groups := alternatives(c.opts.Queries)
	var failed []string
	fail := func(q Query, err error) error {
		err = c.redact.Error(err)
		if errors.As(err, new(*v1.Error)) {
			failed = append(failed, fmt.Sprintf("%s: %v", q.Series, err))
			return nil
		}
		return fmt.Errorf("prometheus %s: %w at %s, %d series read before: %w", c.name, ErrStopped, q.Series, len(hist.Series), err)
	}
series:
	for _, group := range groups {
		var q Query
		var means, peaks map[string]map[time.Time]float64
		var tried []string
		var mean, peak summary
		for _, q = range group {
			// Summed (by the label, if any) so that one value per series
			// and day comes back whatever other labels the expression
			// keeps.
			expr := "sum(" + q.Expr + ")"
			if q.Label != "" {
				expr = "sum by (" + q.Label + ") (" + q.Expr + ")"
			}
			mean = summary{fn: "avg_over_time", inner: expr, step: c.opts.Resolution}
			peak = summary{fn: "max_over_time", inner: expr, step: c.opts.Resolution}
			var err error
			if means, err = c.daily(ctx, mean, q.Label, first, today); err != nil {
				if err := fail(q, err); err != nil {
					return hist, notes, err
				}
				continue series
			}
			if len(means) == 0 {
				// No data: the peaks would be none either.
				tried = append(tried, describe(q))
				continue
			}
			if peaks, err = c.daily(ctx, peak, q.Label, first, today); err != nil {
				if err := fail(q, err); err != nil {
					return hist, notes, err
				}
				continue series
			}
			break
		}
		if len(means) == 0 {
			note("no data for %s over the last %d days (tried %s)", q.Series, c.opts.Days, strings.Join(tried, "; "))
			continue
		}
		for _, t := range tiers {
			filled, until, err := c.older(ctx, t, mean, peak, q.Label, first, means, peaks)
			if err != nil {
				if err := fail(q, err); err != nil {
					return hist, notes, err
				}
				continue series
			}
			if filled > 0 {
				note("%s: %d day(s) before %s read from the store's %s downsampled data, as it kept nothing finer for them: their peaks are of %s means",
					q.Series, filled, until.Format(time.DateOnly), t.what, t.what)
			}
		}
		if len(tried) > 0 {
			note("%s from %s: no data from %s", q.Series, describe(q), strings.Join(tried, "; "))
		}
		from := source
		if q.Exporter != "" {
			from += " (" + q.Exporter + ")"
		}
		for _, key := range slices.Sorted(maps.Keys(means)) {
			name := q.Series
			if q.Label != "" {
				if key == "" {
					note("%s: series without a %q label left out", q.Series, q.Label)
					continue
				}
				name = strings.ReplaceAll(q.Series, "{"+q.Label+"}", key)
			}
			s := collectors.Series{Name: name, Unit: q.Unit, Source: from}
			for _, day := range slices.SortedFunc(maps.Keys(means[key]), time.Time.Compare) {
				m, p := means[key][day], peaks[key][day]
				if math.IsNaN(m) || math.IsInf(m, 0) {
					note("%s on %s is %v: day left out", name, day.Format(time.DateOnly), m)
					continue
				}
				if math.IsNaN(p) || p < m {
					p = m
				}
				s.Days = append(s.Days, collectors.Day{Date: day, Mean: m, Peak: p})
			}
			if missing := c.opts.Days - len(s.Days); missing > 0 && len(s.Days) > 0 {
				note("%s has %d of the last %d days: %s", name, len(s.Days), c.opts.Days, gaps(s.Days, first, today))
			}
			if len(s.Days) > 0 {
				hist.Series = append(hist.Series, s)
			}
		}
	}
	if c.retries > 0 {
		note("%d range queries refused as too large were asked again in smaller ranges, down to %d days a query", c.retries, c.span)
	}
	if c.days > 0 {
		note("%d queries of one day refused as too large were asked in %d parts of the day, their mean and peak taken here", c.days, c.parts)
	}
	for _, label := range slices.Sorted(maps.Keys(c.split)) {
		note("%d queries of one step refused as too large were asked in parts of the series, by %s", c.split[label], label)
	}
	if len(failed) > 0 {
		return hist, notes, fmt.Errorf("prometheus %s: %d of %d queries failed, their series left out: %s", c.name, len(failed), len(groups), strings.Join(failed, "; "))
	}
	return hist, notes, nil
}

// alternatives groups queries by series, in their order: each group's
// queries are tried in turn.
func alternatives(queries []Query) [][]Query {
	var groups [][]Query
	at := map[string]int{}
	for _, q := range queries {
		i, ok := at[q.Series]
		if !ok {
			i = len(groups)
			at[q.Series] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], q)
	}
	return groups
}

// describe names a query for a note: its exporter and expression.
func describe(q Query) string {
	if q.Exporter == "" {
		return q.Expr
	}
	return q.Exporter + " (" + q.Expr + ")"
}

// daily evaluates expr a second before the end of each day from first to
// the day before end, and returns the values by series key (the value of
// label, or "" without one) and day. Days are asked for in ranges of at
// most c.span days (maxPoints at first): a range the server refuses as
// too large (too many samples, a timeout, a store's own limits) is asked
// again in halves, down to one day, and the smaller span is kept for the
// queries after it, so that a long history of many series is read within
// what the server allows.
func (c *Collector) daily(ctx context.Context, s summary, label string, first, end time.Time) (map[string]map[time.Time]float64, error) {
	out := map[string]map[time.Time]float64{}
	if c.span == 0 {
		c.span = maxPoints
	}
	q, err := scoped(s.expr(), c.matchers)
	if err != nil {
		return nil, err
	}
	for from := first; from.Before(end); {
		to := from.AddDate(0, 0, c.span)
		if to.After(end) {
			to = end
		}
		r := v1.Range{Start: from.Add(24*time.Hour - time.Second), End: to.Add(-time.Second), Step: 24 * time.Hour}
		val, warnings, _, err := c.api.QueryRange(ctx, q, r)
		days := int(to.Sub(from).Hours() / 24)
		switch {
		case err != nil && days > 1 && tooLarge(err):
			c.span = days / 2
			c.retries++
			continue
		case err != nil && tooLarge(err):
			// One day is too much: the day in parts.
			err = c.withinDay(ctx, s, label, from, out)
		case err == nil:
			err = add(out, val, warnings, label)
		}
		if err != nil {
			return nil, err
		}
		from = to
	}
	return out, nil
}

// tooLarge says whether the server refused a query for its size: more
// samples than it loads (Prometheus' --query.max-samples, Thanos' and
// Mimir's sample, series and chunk limits, VictoriaMetrics'
// -search.maxSamplesPerQuery), or more time than it gives one.
func tooLarge(err error) bool {
	var e *v1.Error
	if !errors.As(err, &e) {
		return false
	}
	if e.Type == v1.ErrTimeout {
		return true
	}
	msg := strings.ToLower(e.Msg + " " + e.Detail)
	// Prometheus: "would load too many samples"; Thanos: "exceeded series
	// limit", "exceeded chunks limit"; Mimir: "the query exceeded the
	// maximum number of series (err-mimir-max-series-per-query)";
	// VictoriaMetrics: "cannot select more than -search.maxSamplesPerQuery".
	for _, s := range []string{"too many samples", "timed out", "timeout", "exceeded", "err-mimir-max", "maxsamplesperquery"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// ReadQueries reads query overrides from a YAML or JSON file (a list of
// {series, unit, label, expr, exporter}) and returns DefaultQueries with
// each override replacing the defaults of the same series, or added after
// them.
func ReadQueries(path string) ([]Query, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("prometheus queries: %w", err)
	}
	var overrides []Query
	if err := yaml.UnmarshalStrict(data, &overrides); err != nil {
		return nil, fmt.Errorf("prometheus queries %s: %w", path, err)
	}
	out := slices.Clone(DefaultQueries)
	for i, o := range overrides {
		if o.Series == "" || o.Expr == "" {
			return nil, fmt.Errorf("prometheus queries %s: entry %d needs series and expr", path, i+1)
		}
		if o.Label != "" && !strings.Contains(o.Series, "{"+o.Label+"}") {
			return nil, fmt.Errorf("prometheus queries %s: %s: label %q does not appear in the series name as {%s}", path, o.Series, o.Label, o.Label)
		}
		// An override replaces every default of its series, alternatives
		// included, where the first of them stood.
		if j := slices.IndexFunc(out, func(q Query) bool { return q.Series == o.Series }); j >= 0 {
			if o.Unit == "" {
				o.Unit = out[j].Unit
			}
			out[j] = o
			out = slices.Concat(out[:j+1], slices.DeleteFunc(slices.Clone(out[j+1:]), func(q Query) bool { return q.Series == o.Series }))
		} else {
			out = append(out, o)
		}
	}
	return out, nil
}

// LabelValues are the values label has on the server's series over the
// week before now: the clusters a fleet's store tells apart, those that
// reported within the week.
func (c *Collector) LabelValues(ctx context.Context, label string, now time.Time) ([]string, error) {
	vals, warnings, _, err := c.api.LabelValues(ctx, label, nil, now.Add(-7*24*time.Hour), now)
	if err != nil {
		return nil, fmt.Errorf("prometheus %s: values of %s: %w", c.name, label, c.redact.Error(err))
	}
	if len(warnings) > 0 {
		return nil, fmt.Errorf("prometheus %s: values of %s: warnings: %s", c.name, label, strings.Join(warnings, "; "))
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		out = append(out, string(v))
	}
	slices.Sort(out)
	return out, nil
}

// gaps names the stretches of days from first to the day before end that
// days (in order) lack: "none from 2026-03-01 to 2026-03-04, on
// 2026-05-10", the first three and how many more.
func gaps(days []collectors.Day, first, end time.Time) string {
	var out []string
	stretch := func(from, to time.Time) {
		switch {
		case !from.Before(to):
		case to.Sub(from) == 24*time.Hour:
			out = append(out, "on "+from.Format(time.DateOnly))
		default:
			out = append(out, "from "+from.Format(time.DateOnly)+" to "+to.AddDate(0, 0, -1).Format(time.DateOnly))
		}
	}
	next := first
	for _, d := range days {
		stretch(next, d.Date)
		next = d.Date.AddDate(0, 0, 1)
	}
	stretch(next, end)
	if len(out) > 3 {
		return fmt.Sprintf("none %s and %d stretches more", strings.Join(out[:3], ", "), len(out)-3)
	}
	return "none " + strings.Join(out, ", ")
}
