package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/client-go/dynamic"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/collectors/ceph"
	"github.com/capplan/capplan/collectors/csvfile"
	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/collectors/gitrepo"
	"github.com/capplan/capplan/collectors/kube"
	"github.com/capplan/capplan/collectors/prom"
)

// sourceFlags say where a cluster's snapshot and history come from; the
// snapshot and plan commands share them.
type sourceFlags struct {
	demo                                               bool
	seed                                               uint64
	cephDF, rookNamespace, kubeconfig, kubeContext     string
	promURL, promToken, promCA, promBasic, promQueries string
	historyGit, historyCSV                             string
	historyDays                                        int
}

func (f *sourceFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.demo, "demo", false, "use the built-in demo cluster (a simulated homelab with two years of history)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the demo cluster")
	fs.StringVar(&f.cephDF, "ceph-df", "", "Ceph capacity from a file of `ceph df --format json` output")
	fs.StringVar(&f.promURL, "prometheus-url", "", "read daily history from this Prometheus (or Thanos, Mimir, VictoriaMetrics)")
	fs.StringVar(&f.promToken, "prometheus-token-file", "", "bearer token for Prometheus, read from this file")
	fs.StringVar(&f.promCA, "prometheus-ca", "", "PEM file of the CA that signed Prometheus' certificate")
	fs.StringVar(&f.promBasic, "prometheus-basic-auth-file", "", "basic auth for Prometheus, read from this file as user:password")
	fs.StringVar(&f.promQueries, "prometheus-queries", "", "YAML file of PromQL overrides: a list of {series, unit, label, expr}")
	fs.IntVar(&f.historyDays, "history-days", 90, "days of history to read from Prometheus")
	fs.StringVar(&f.historyGit, "history-git", "", "read the history earlier runs committed to this report repository (its working tree)")
	fs.StringVar(&f.historyCSV, "history-csv", "", "read daily history from a CSV file (long: series,timestamp,value; or wide: timestamp,cpu,memory,disk,network)")
	fs.StringVar(&f.rookNamespace, "rook-namespace", "rook-ceph", "namespace of Rook's toolbox pod, where `ceph df` is run")
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&f.kubeContext, "context", "", "kubeconfig context (default: the file's current context)")
}

func (f *sourceFlags) validate() error {
	if f.demo && (f.kubeconfig != "" || f.kubeContext != "") {
		return fmt.Errorf("%w: --demo takes no --kubeconfig or --context", errUsage)
	}
	if f.historyDays < 1 {
		return fmt.Errorf("%w: --history-days must be at least 1, not %d", errUsage, f.historyDays)
	}
	return nil
}

// gather takes the snapshot (from the cluster, or the demo) and reads and
// merges the histories.
func (f *sourceFlags) gather(ctx context.Context, now time.Time) (collectors.Snapshot, collectors.History, error) {
	var snap collectors.Snapshot
	// Ceph's capacity comes from the first of these that reports it, its
	// pools from the first that reports pools: Rook's CephCluster status,
	// ceph df (in Rook's toolbox, or a file), the Ceph mgr's metrics in
	// Prometheus, and last the demo.
	var cephs []cephSource
	if !f.demo {
		cfg, err := kube.Config(f.kubeconfig, f.kubeContext)
		if err != nil {
			return snap, collectors.History{}, err
		}
		c, err := kube.New(cfg)
		if err != nil {
			return snap, collectors.History{}, err
		}
		c.Now = func() time.Time { return now }
		if snap, err = c.Collect(ctx); err != nil {
			return snap, collectors.History{}, fmt.Errorf("snapshot of %s: %w", cfg.Host, err)
		}
		snap.Cluster = cfg.Host
		dyn, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return snap, collectors.History{}, fmt.Errorf("dynamic client: %w", err)
		}
		rc, notes, found, err := ceph.ReadRook(ctx, dyn, "")
		switch {
		case err != nil:
			snap.Notes = append(snap.Notes, collectors.Note{Source: "rook", Message: err.Error()})
		case found:
			cephs = append(cephs, cephSource{rc, notes, "Rook CephCluster status"})
		default:
			snap.Notes = append(snap.Notes, notes...)
		}
		tc, notes, found, err := ceph.ReadToolbox(ctx, c.Client, kube.Exec(cfg, c.Client), f.rookNamespace)
		switch {
		case err != nil:
			snap.Notes = append(snap.Notes, collectors.Note{Source: "rook toolbox", Message: err.Error()})
		case found:
			cephs = append(cephs, cephSource{tc, notes, "ceph df in the Rook toolbox"})
		}
	}
	// Histories in order of preference where they tie: live Prometheus,
	// then the report repository, then a file, then the demo.
	var histories []collectors.History
	var promCeph *cephSource
	var volumeUse map[[2]string]int64
	if f.promURL != "" {
		opts := prom.Options{URL: f.promURL, CAFile: f.promCA, Days: f.historyDays}
		if f.promToken != "" {
			token, err := os.ReadFile(f.promToken)
			if err != nil {
				return snap, collectors.History{}, fmt.Errorf("prometheus token: %w", err)
			}
			opts.BearerToken = strings.TrimSpace(string(token))
		}
		if f.promBasic != "" {
			cred, err := os.ReadFile(f.promBasic)
			if err != nil {
				return snap, collectors.History{}, fmt.Errorf("prometheus basic auth: %w", err)
			}
			line := strings.TrimSpace(string(cred))
			user, password, ok := strings.Cut(line, ":")
			if !ok || user == "" || strings.ContainsAny(line, "\r\n") {
				return snap, collectors.History{}, fmt.Errorf("prometheus basic auth %s: want one line, user:password", f.promBasic)
			}
			opts.Username, opts.Password = user, password
		}
		if f.promQueries != "" {
			qs, err := prom.ReadQueries(f.promQueries)
			if err != nil {
				return snap, collectors.History{}, err
			}
			opts.Queries = qs
		}
		c, err := prom.New(opts)
		if err != nil {
			return snap, collectors.History{}, err
		}
		h, notes, err := c.History(ctx, now)
		if err != nil {
			return snap, collectors.History{}, err
		}
		histories = append(histories, h)
		snap.Notes = append(snap.Notes, notes...)
		pc, notes, found, err := c.Ceph(ctx, now)
		if err != nil {
			return snap, collectors.History{}, err
		}
		if found {
			promCeph = &cephSource{pc, notes, "prometheus " + f.promURL + " (Ceph mgr metrics)"}
		}
		if volumeUse, err = c.VolumeUsage(ctx, now); err != nil {
			return snap, collectors.History{}, err
		}
	}
	if f.historyGit != "" {
		h, notes, err := gitrepo.History(f.historyGit)
		if err != nil {
			return snap, collectors.History{}, err
		}
		histories = append(histories, h)
		snap.Notes = append(snap.Notes, notes...)
	}
	if f.historyCSV != "" {
		series, err := csvfile.ReadFile(f.historyCSV)
		if err != nil {
			return snap, collectors.History{}, fmt.Errorf("history: %w", err)
		}
		h, notes := csvfile.History(series, "csv file "+f.historyCSV)
		histories = append(histories, h)
		snap.Notes = append(snap.Notes, notes...)
	}
	if f.demo {
		d, hist := demo.Cluster(f.seed, now)
		d.Notes = append(d.Notes, snap.Notes...)
		snap = d
		histories = append(histories, hist)
	}
	hist, notes := collectors.Merge(histories...)
	snap.Notes = append(snap.Notes, notes...)
	if f.cephDF != "" {
		c, notes, err := ceph.ReadDFFile(f.cephDF)
		if err != nil {
			return snap, collectors.History{}, err
		}
		cephs = append(cephs, cephSource{c, notes, "ceph df file " + f.cephDF})
	}
	if promCeph != nil {
		cephs = append(cephs, *promCeph)
	}
	if snap.Ceph != nil {
		cephs = append(cephs, cephSource{snap.Ceph, nil, snap.Sources["ceph"]})
		snap.Ceph = nil
	}
	for _, cs := range cephs {
		addCeph(&snap, cs)
	}
	if c := snap.Ceph; c != nil {
		if pool, replication := c.SetUsable(); pool != "" {
			snap.Notes = append(snap.Notes, collectors.Note{Source: "snapshot", Message: fmt.Sprintf(
				"Ceph usable capacity %s: raw total over the replication (%.2f) of pool %s, which stores the most", size(c.UsableBytes), replication, pool)})
		}
	}
	if volumeUse == nil && len(snap.Volumes) > 0 && snap.Sources["volumes"] != demo.Source {
		snap.Notes = append(snap.Notes, collectors.Note{Source: "snapshot",
			Message: "volume usage needs Prometheus (kubelet_volume_stats_used_bytes): requested sizes only"})
	}
	for i, v := range snap.Volumes {
		if used, ok := volumeUse[[2]string{v.Namespace, v.StorageClass}]; ok {
			snap.Volumes[i].UsedBytes = &used
			snap.Sources["volume usage"] = "prometheus " + f.promURL
		}
	}
	return snap, hist, nil
}

// cephSource is Ceph as one source reports it.
type cephSource struct {
	ceph   *collectors.Ceph
	notes  []collectors.Note
	source string
}

// addCeph takes Ceph's capacity from the first source that reports it and
// the pools from the first that reports pools.
func addCeph(s *collectors.Snapshot, cs cephSource) {
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
