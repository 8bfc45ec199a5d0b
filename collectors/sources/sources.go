// Package sources assembles a cluster's snapshot and daily history from
// every source the configuration names: the Kubernetes API (and the
// metrics API), Rook and Ceph, Prometheus, a CSV file, the demo, and the
// histories earlier runs recorded. It decides which source a figure is
// taken from where several report it (Ceph's capacity and pools above
// all), merges the live histories and stitches the recorded ones in
// front of them. A source that fails is an error beside what the others
// gave, never the end of the gathering.
package sources

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/ceph"
	"github.com/capplan/capplan/collectors/csvfile"
	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/collectors/kube"
	"github.com/capplan/capplan/collectors/prom"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/units"
)

// Request is one gathering: the sources, their credentials, and when.
type Request struct {
	config.Sources
	Secrets config.Secrets
	// Now is the snapshot's time; histories end the day before.
	Now time.Time
	// DemoWorld is the day the demo's world ends, when the demo is seen
	// as of an earlier day (a replayed week); zero for Now.
	DemoWorld time.Time
	// Recorded are histories earlier runs recorded (the report
	// repository's): they extend the live sources' series with the days
	// those lack, and give none from Now's day on.
	Recorded []collectors.History
	// ReadRecorded reads the history another report repository recorded,
	// at its work tree (history_git); the report repository's package
	// knows its layout.
	ReadRecorded func(dir string) (collectors.History, []collectors.Note, error)
	// Redactor removes every secret of the configuration from what the
	// sources and their client libraries wrote.
	Redactor redact.Redactor
}

// Gather takes the snapshot (from the cluster, or the demo) and reads and
// merges the histories; the recorded ones and history_git extend the live
// sources' series with the days those lack. Each source that fails is one
// of the errors; the others still count. Every text is redacted.
func Gather(ctx context.Context, r Request) (collectors.Snapshot, collectors.History, []error) {
	s, now := r, r.Now
	snap := collectors.Snapshot{Sources: map[string]string{}}
	var errs []error
	gap := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	// Ceph's capacity comes from the first of these that reports it, its
	// pools from the first that reports pools: Rook's CephCluster status,
	// ceph df (in Rook's toolbox, or a file), the Ceph mgr's metrics in
	// Prometheus, and last the demo.
	var cephs []cephSource
	if ReadsCluster(s.Sources) {
		cephs = cluster(ctx, s.Sources, now, &snap, gap)
	} else if !s.Demo {
		snap.Sources["kubernetes"] = "none: a history file without a kubeconfig or context is planned alone, against the configuration's capacities"
		if s.NoCluster {
			snap.Sources["kubernetes"] = "none: a fleet's cluster without a kubeconfig or context of its own is planned on its history alone, against the allocatable in its history or the configuration's capacities"
		}
		snap.HistoryOnly = true
	}
	// Histories in order of preference where they tie: live Prometheus,
	// then a file, then the demo; recorded ones extend them.
	var histories []collectors.History
	recorded := r.Recorded
	var promCeph *cephSource
	var volumeUse map[[2]string]int64
	if s.Prometheus.URL != "" {
		pr, err := prometheus(ctx, s.Prometheus, r.Secrets, now)
		if err != nil {
			// The collector's errors name the server.
			gap("%v", err)
		}
		histories = append(histories, pr.history)
		snap.Notes = append(snap.Notes, pr.notes...)
		promCeph, volumeUse = pr.ceph, pr.volumeUse
		if len(pr.workloads) > 0 {
			snap.Workloads = pr.workloads
			snap.Sources["workloads"] = pr.source
		}
	}
	if s.HistoryGit != "" && r.ReadRecorded != nil {
		h, notes, err := r.ReadRecorded(s.HistoryGit)
		if err != nil {
			gap("history from %s: %v", s.HistoryGit, err)
		}
		recorded = append(recorded, h)
		snap.Notes = append(snap.Notes, notes...)
	}
	if s.HistoryCSV != "" {
		// The file's errors name it, with the line.
		series, err := csvfile.ReadFile(s.HistoryCSV)
		if err != nil {
			gap("history: %v", err)
		} else {
			// Observations after the present are refused; those after an
			// earlier moment the run is as of are left out below.
			h, notes, err := csvfile.History(series, s.HistoryCSV, time.Now())
			if err != nil {
				gap("history: %v", err)
			}
			histories = append(histories, h)
			snap.Notes = append(snap.Notes, notes...)
		}
	}
	if s.Demo {
		world := r.DemoWorld
		if world.IsZero() {
			world = now
		}
		d, hist := demo.At(s.Seed, world, now)
		d.Notes = append(d.Notes, snap.Notes...)
		snap = d
		histories = append(histories, hist)
	}
	live, notes := collectors.Merge(histories...)
	snap.Notes = append(snap.Notes, notes...)
	// A report as of an earlier moment (--now, a replayed week) plans on
	// what was known then: the days from its own day on are left out, the
	// recorded ones silently (later runs recorded them), the live ones
	// said, as is a day not yet over.
	live, cut := before(live, now)
	if cut > 0 {
		snap.Notes = append(snap.Notes, collectors.Note{Source: "snapshot", Message: fmt.Sprintf(
			"%d day(s) of history from %s on left out: the report is as of %s", cut, now.UTC().Format(time.DateOnly), now.UTC().Format(time.RFC3339))})
	}
	past, notes := collectors.Merge(recorded...)
	snap.Notes = append(snap.Notes, notes...)
	past, _ = before(past, now)
	hist, notes := collectors.Stitch(past, live)
	snap.Notes = append(snap.Notes, notes...)
	if s.CephDF != "" {
		c, notes, err := ceph.ReadDFFile(s.CephDF)
		if err != nil {
			gap("ceph df file: %v", err)
		} else {
			cephs = append(cephs, cephSource{c, notes, "ceph df file " + s.CephDF})
		}
	}
	if promCeph != nil {
		cephs = append(cephs, *promCeph)
	}
	if snap.Ceph != nil {
		cephs = append(cephs, cephSource{snap.Ceph, nil, snap.Sources["ceph"]})
		snap.Ceph = nil
	}
	// A Ceph mgr that stopped reporting more than a day ago gives Prometheus
	// no current value, but its history still ends somewhere: the last
	// recorded day stands in, its date in the source, after every source
	// of a current value.
	if s.Prometheus.URL != "" {
		if cs, ok := cephFromHistory(hist, now); ok {
			cephs = append(cephs, cs)
		}
	}
	for _, cs := range cephs {
		addCeph(&snap, cs)
	}
	if snap.Ceph == nil && hasCeph(hist) {
		// The history knows Ceph, but no source gave its capacity: say so
		// rather than let its resources vanish.
		snap.Notes = append(snap.Notes, collectors.Note{Source: "snapshot", Message: "Ceph's capacity: no source reported it this run (Rook's CephCluster status, ceph df in the toolbox or a file, the Ceph mgr's metrics in Prometheus), though the history holds Ceph's series: they are not planned"})
	}
	if c := snap.Ceph; c != nil {
		if pool, replication := c.SetUsable(); pool != "" {
			snap.Notes = append(snap.Notes, collectors.Note{Source: "snapshot", Message: fmt.Sprintf(
				"Ceph usable capacity %s: raw total over the replication (%.2f) of pool %s, which stores the most",
				units.Quantity(float64(c.UsableBytes), units.Bytes), replication, pool)})
		}
	}
	if volumeUse == nil && len(snap.Volumes) > 0 && snap.Sources["volumes"] != demo.Source {
		snap.Notes = append(snap.Notes, collectors.Note{Source: "snapshot",
			Message: "volume usage needs Prometheus (kubelet_volume_stats_used_bytes): requested sizes only"})
	}
	for i, v := range snap.Volumes {
		if used, ok := volumeUse[[2]string{v.Namespace, v.StorageClass}]; ok {
			snap.Volumes[i].UsedBytes = &used
			snap.Sources["volume usage"] = "prometheus " + redact.URL(s.Prometheus.URL)
		}
	}
	switch {
	case s.ClusterName != "":
		snap.Cluster = s.ClusterName
	case snap.Cluster == "" && ReadsCluster(s.Sources):
		// The snapshot failed: the cluster is named by what was to be read.
		snap.Cluster = clusterAsked(s.Sources)
	case snap.Cluster == "" && s.HistoryCSV != "":
		snap.Cluster = filepath.Base(s.HistoryCSV)
	}
	// Client libraries echo the URLs they were given in their errors.
	red := r.Redactor
	for i := range errs {
		errs[i] = red.Error(errs[i])
	}
	snap.Notes = collectors.Redacted(snap.Notes, red)
	for k, v := range snap.Sources {
		snap.Sources[k] = red.String(v)
	}
	return snap, hist.Redacted(red), errs
}

// hasCeph tells whether h holds a series of Ceph's with a day.
func hasCeph(h collectors.History) bool {
	return slices.ContainsFunc(h.Series, func(s collectors.Series) bool { return strings.HasPrefix(s.Name, "ceph/") && len(s.Days) > 0 })
}

// ReadsCluster tells whether the snapshot is taken from a Kubernetes API
// server: with a kubeconfig or context given, inside a pod, or when no
// history file is given (the default kubeconfig is then the only source
// meant). A history file alone is planned without a cluster, against the
// configuration's capacities, as is a fleet's cluster that names no
// kubeconfig or context.
func ReadsCluster(s config.Sources) bool {
	switch {
	case s.Demo, s.NoCluster:
		return false
	case s.Kubeconfig != "" || s.Context != "" || os.Getenv("KUBERNETES_SERVICE_HOST") != "":
		return true
	}
	return s.HistoryCSV == "" && s.HistoryGit == ""
}

// before is h without the days from now's (UTC) day on, and how many it
// left out.
func before(h collectors.History, now time.Time) (collectors.History, int) {
	day := now.UTC().Truncate(24 * time.Hour)
	out := collectors.History{Series: make([]collectors.Series, 0, len(h.Series))}
	cut := 0
	for _, s := range h.Series {
		n := len(s.Days)
		for n > 0 && !s.Days[n-1].Date.Before(day) {
			n--
		}
		cut += len(s.Days) - n
		// A series left with no day is kept: it says it was recorded.
		s.Days = s.Days[:n]
		out.Series = append(out.Series, s)
	}
	return out, cut
}

// clusterAsked names the cluster the sources were to read, where its
// snapshot failed: by the kubeconfig's context, the kubeconfig, or the API
// server of the pod the run is in.
func clusterAsked(s config.Sources) string {
	switch {
	case s.Context != "":
		return "context " + s.Context
	case s.Kubeconfig != "":
		return "kubeconfig " + s.Kubeconfig
	case os.Getenv("KUBERNETES_SERVICE_HOST") != "":
		return "the in-cluster API server"
	}
	return "the default kubeconfig's current context"
}

// restConfig finds the cluster (kube.Config) and sets the client's rate
// limit from the settings, for every client made from it.
func restConfig(s config.Sources) (*rest.Config, string, error) {
	cfg, contextName, err := kube.Config(s.Kubeconfig, s.Context)
	if err != nil {
		return nil, "", err
	}
	cfg.QPS, cfg.Burst = float32(s.Kube.QPS), s.Kube.Burst
	return cfg, contextName, nil
}

// cluster snapshots the cluster through its API server and reads Ceph
// from Rook.
func cluster(ctx context.Context, s config.Sources, now time.Time, snap *collectors.Snapshot, gap func(string, ...any)) []cephSource {
	cfg, contextName, err := restConfig(s)
	if err != nil {
		gap("kubernetes: %v", err)
		return nil
	}
	c, err := kube.New(cfg)
	if err != nil {
		gap("kubernetes %s: %v", cfg.Host, err)
		return nil
	}
	c.Now = func() time.Time { return now }
	got, err := c.Collect(ctx)
	if err != nil {
		gap("snapshot of %s: %v", cfg.Host, err)
		return nil
	}
	*snap = got
	// Named by the kubeconfig's context, unless cluster_name says (Gather);
	// in a cluster only the API server's address is known.
	snap.Cluster = contextName
	if contextName == "" {
		snap.Cluster = cfg.Host
		if s.ClusterName == "" {
			snap.Notes = append(snap.Notes, collectors.Note{Source: "kubernetes",
				Message: "the cluster is named by its API server's address: set cluster_name to name it"})
		}
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		gap("dynamic client for %s: %v", cfg.Host, err)
		return nil
	}
	var cephs []cephSource
	rc, notes, found, err := ceph.ReadRook(ctx, dyn, "")
	switch {
	case err != nil:
		snap.Notes = append(snap.Notes, collectors.Note{Source: "rook", Message: err.Error()})
	case found:
		cephs = append(cephs, cephSource{rc, notes, "Rook CephCluster status"})
	default:
		snap.Notes = append(snap.Notes, notes...)
	}
	if !s.RookToolbox {
		return cephs
	}
	tc, notes, found, err := ceph.ReadToolbox(ctx, c.Client, kube.Exec(cfg, c.Client), s.RookNamespace)
	switch {
	case err != nil:
		snap.Notes = append(snap.Notes, collectors.Note{Source: "rook toolbox", Message: err.Error()})
	case found:
		cephs = append(cephs, cephSource{tc, notes, "ceph df in the Rook toolbox"})
	default:
		snap.Notes = append(snap.Notes, collectors.Note{Source: "rook toolbox", Message: fmt.Sprintf(
			"no running pod labelled %s in namespace %s: ceph df (the pools' replication, the most exact capacity) was not read; set rook_namespace, or rook_toolbox: false where there is none",
			ceph.ToolboxLabel, s.RookNamespace)})
	}
	return cephs
}

// promRead is what one Prometheus gave: the daily history, Ceph's
// capacity from the mgr's metrics, the volumes' usage and the workloads'
// usage for right-sizing, with notes, and the source they are named by.
type promRead struct {
	source    string
	history   collectors.History
	ceph      *cephSource
	volumeUse map[[2]string]int64
	workloads []collectors.Workload
	notes     []collectors.Note
}

// prometheus reads what Prometheus holds. What was read stands when a
// query fails; a server that stops answering is asked nothing more.
// Workloads that cannot be read leave a note: right-sizing is the only
// part that needs them.
func prometheus(ctx context.Context, p config.Prometheus, sec config.Secrets, now time.Time) (promRead, error) {
	out := promRead{source: "prometheus " + redact.URL(p.URL)}
	c, err := promClient(p, sec)
	if err != nil {
		return out, err
	}
	var herr error
	out.history, out.notes, herr = c.History(ctx, now)
	if errors.Is(herr, prom.ErrStopped) {
		return out, herr
	}
	cc, cnotes, found, err := c.Ceph(ctx, now)
	if err != nil {
		return out, errors.Join(herr, err)
	}
	if found {
		out.ceph = &cephSource{cc, cnotes, out.source + " (Ceph mgr metrics)"}
	}
	out.volumeUse, err = c.VolumeUsage(ctx, now)
	ws, werr := c.Workloads(ctx, now)
	if werr != nil {
		out.notes = append(out.notes, collectors.Note{Source: out.source, Message: "right-sizing: " + werr.Error()})
	}
	out.workloads = ws
	return out, errors.Join(herr, err)
}

// promClient is the collector of p's server.
func promClient(p config.Prometheus, sec config.Secrets) (*prom.Collector, error) {
	opts := prom.Options{URL: p.URL, CAFile: p.CAFile, Days: p.HistoryDays, Matchers: p.Matchers,
		BearerToken: sec.PrometheusToken, Username: sec.PrometheusUser, Password: sec.PrometheusPassword}
	if p.QueriesFile != "" {
		qs, err := prom.ReadQueries(p.QueriesFile)
		if err != nil {
			return nil, err
		}
		opts.Queries = qs
	}
	return prom.New(opts)
}

// Clusters are the clusters of a fleet the store at p tells apart by
// label: the label's values on the series of the week before now.
func Clusters(ctx context.Context, p config.Prometheus, sec config.Secrets, label string, now time.Time) ([]string, error) {
	c, err := promClient(p, sec)
	if err != nil {
		return nil, err
	}
	return c.LabelValues(ctx, label, now)
}

// cephSource is Ceph as one source reports it.
// cephFromHistory is Ceph's capacity and pools as of the history's last
// day of ceph/raw_total: raw total and used, and each pool's stored and
// max available bytes that day. Replication is unknown from these.
func cephFromHistory(h collectors.History, now time.Time) (cephSource, bool) {
	lastDay := func(name string) (collectors.Day, bool) {
		for _, s := range h.Series {
			if s.Name == name && len(s.Days) > 0 {
				return s.Days[len(s.Days)-1], true
			}
		}
		return collectors.Day{}, false
	}
	total, ok := lastDay("ceph/raw_total")
	if !ok {
		return cephSource{}, false
	}
	c := &collectors.Ceph{TotalBytes: int64(total.Mean), NearfullRatio: collectors.DefaultNearfullRatio,
		FullRatio: collectors.DefaultFullRatio, RatiosAssumed: true}
	if used, ok := lastDay("ceph/raw_used"); ok && used.Date.Equal(total.Date) {
		c.UsedBytes = int64(used.Mean)
		c.AvailBytes = c.TotalBytes - c.UsedBytes
	}
	day := total.Date.Format(time.DateOnly)
	age := int(now.UTC().Truncate(24*time.Hour).Sub(total.Date).Hours() / 24)
	notes := []collectors.Note{{Source: "snapshot", Message: fmt.Sprintf(
		"Ceph's capacity is the history's last day, %s (%d days before the snapshot): no source reported a current one; OSD ratios assumed (0.85, 0.95)",
		day, age)}}
	for _, s := range h.Series {
		name, pool := strings.CutPrefix(s.Name, "ceph/pool/")
		name, stored := strings.CutSuffix(name, "/stored")
		if !pool || !stored || len(s.Days) == 0 || !s.Days[len(s.Days)-1].Date.Equal(total.Date) {
			continue
		}
		// What a pool can hold is what it stores and what Ceph says can
		// still be written to it: without the second, it is unknown.
		avail, ok := lastDay("ceph/pool/" + name + "/max_avail")
		if !ok || !avail.Date.Equal(total.Date) {
			notes = append(notes, collectors.Note{Source: "snapshot", Message: fmt.Sprintf(
				"pool %s: no ceph/pool/%s/max_avail on %s, so what it can hold is unknown; it is not planned", name, name, day)})
			continue
		}
		c.Pools = append(c.Pools, collectors.Pool{Name: name, StoredBytes: int64(s.Days[len(s.Days)-1].Mean), MaxAvailBytes: int64(avail.Mean)})
	}
	return cephSource{c, notes, CephFromHistory + day}, true
}

// CephFromHistory begins snapshot.Sources["ceph"] when Ceph's capacity is
// the history's last day (the day follows): no current source gave it.
const CephFromHistory = "history, last day "

type cephSource struct {
	ceph   *collectors.Ceph
	notes  []collectors.Note
	source string
}

// addCeph takes Ceph's capacity from the first source that reports it and
// the pools from the first that reports pools.
func addCeph(s *collectors.Snapshot, cs cephSource) {
	if s.Sources == nil {
		s.Sources = map[string]string{}
	}
	switch {
	case s.Ceph == nil:
		s.Ceph = cs.ceph
		s.Sources["ceph"] = cs.source
		s.Notes = append(s.Notes, cs.notes...)
	case len(s.Ceph.Pools) == 0 && len(cs.ceph.Pools) > 0:
		s.Ceph.Pools = cs.ceph.Pools
		s.Sources["ceph pools"] = cs.source
	}
}
