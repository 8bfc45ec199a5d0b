package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
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

// snapshotOutput is what `capplan snapshot --format json` prints: the
// snapshot and, per history series, where it comes from and what it spans.
type snapshotOutput struct {
	Snapshot collectors.Snapshot `json:"snapshot"`
	History  []historySummary    `json:"history,omitempty"`
}

type historySummary struct {
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	Source string `json:"source"`
	Days   int    `json:"days"`
	First  string `json:"first"`
	Last   string `json:"last"`
}

func runSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "table", "output format: table or json")
	useDemo := fs.Bool("demo", false, "use the built-in demo cluster (a simulated homelab with two years of history)")
	seed := fs.Uint64("seed", 1, "seed of the demo cluster")
	cephDF := fs.String("ceph-df", "", "Ceph capacity from a file of `ceph df --format json` output")
	promURL := fs.String("prometheus-url", "", "read daily history from this Prometheus (or Thanos, Mimir, VictoriaMetrics)")
	promToken := fs.String("prometheus-token-file", "", "bearer token for Prometheus, read from this file")
	promCA := fs.String("prometheus-ca", "", "PEM file of the CA that signed Prometheus' certificate")
	promBasic := fs.String("prometheus-basic-auth-file", "", "basic auth for Prometheus, read from this file as user:password")
	promQueries := fs.String("prometheus-queries", "", "YAML file of PromQL overrides: a list of {series, unit, label, expr}")
	historyDays := fs.Int("history-days", 90, "days of history to read from Prometheus")
	historyGit := fs.String("history-git", "", "read the history earlier runs committed to this report repository (its working tree)")
	historyCSV := fs.String("history-csv", "", "read daily history from a CSV file (long: series,timestamp,value; or wide: timestamp,cpu,memory,disk,network)")
	rookNamespace := fs.String("rook-namespace", "rook-ceph", "namespace of Rook's toolbox pod, where `ceph df` is run")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)")
	kubeContext := fs.String("context", "", "kubeconfig context (default: the file's current context)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: capplan snapshot [--demo | --kubeconfig FILE --context NAME] [--ceph-df FILE] [--prometheus-url URL] [--history-git DIR] [--history-csv FILE] [--format table|json]\n\nPrints what the cluster holds now: nodes, requests, limits, usage, volume claims, pressure events and Ceph capacity.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *format != "table" && *format != "json" {
		return fmt.Errorf("%w: --format must be table or json, not %q", errUsage, *format)
	}
	if *useDemo && (*kubeconfig != "" || *kubeContext != "") {
		return fmt.Errorf("%w: --demo takes no --kubeconfig or --context", errUsage)
	}
	if *historyDays < 1 {
		return fmt.Errorf("%w: --history-days must be at least 1, not %d", errUsage, *historyDays)
	}
	now := time.Now().UTC()
	var out snapshotOutput
	// Ceph's capacity comes from the first of these that reports it, its
	// pools from the first that reports pools: Rook's CephCluster status,
	// ceph df (in Rook's toolbox, or a file), the Ceph mgr's metrics in
	// Prometheus, and last the demo.
	var cephs []cephSource
	if !*useDemo {
		cfg, err := kube.Config(*kubeconfig, *kubeContext)
		if err != nil {
			return err
		}
		c, err := kube.New(cfg)
		if err != nil {
			return err
		}
		c.Now = func() time.Time { return now }
		if out.Snapshot, err = c.Collect(ctx); err != nil {
			return fmt.Errorf("snapshot of %s: %w", cfg.Host, err)
		}
		out.Snapshot.Cluster = cfg.Host
		dyn, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return fmt.Errorf("dynamic client: %w", err)
		}
		rc, notes, found, err := ceph.ReadRook(ctx, dyn, "")
		switch {
		case err != nil:
			out.Snapshot.Notes = append(out.Snapshot.Notes, collectors.Note{Source: "rook", Message: err.Error()})
		case found:
			cephs = append(cephs, cephSource{rc, notes, "Rook CephCluster status"})
		default:
			out.Snapshot.Notes = append(out.Snapshot.Notes, notes...)
		}
		tc, notes, found, err := ceph.ReadToolbox(ctx, c.Client, kube.Exec(cfg, c.Client), *rookNamespace)
		switch {
		case err != nil:
			out.Snapshot.Notes = append(out.Snapshot.Notes, collectors.Note{Source: "rook toolbox", Message: err.Error()})
		case found:
			cephs = append(cephs, cephSource{tc, notes, "ceph df in the Rook toolbox"})
		}
	}
	// Histories in order of preference where they tie: live Prometheus,
	// then the report repository, then a file, then the demo.
	var histories []collectors.History
	var promCeph *cephSource
	var volumeUse map[[2]string]int64
	if *promURL != "" {
		opts := prom.Options{URL: *promURL, CAFile: *promCA, Days: *historyDays}
		if *promToken != "" {
			token, err := os.ReadFile(*promToken)
			if err != nil {
				return fmt.Errorf("prometheus token: %w", err)
			}
			opts.BearerToken = strings.TrimSpace(string(token))
		}
		if *promBasic != "" {
			cred, err := os.ReadFile(*promBasic)
			if err != nil {
				return fmt.Errorf("prometheus basic auth: %w", err)
			}
			line := strings.TrimSpace(string(cred))
			user, password, ok := strings.Cut(line, ":")
			if !ok || user == "" || strings.ContainsAny(line, "\r\n") {
				return fmt.Errorf("prometheus basic auth %s: want one line, user:password", *promBasic)
			}
			opts.Username, opts.Password = user, password
		}
		if *promQueries != "" {
			qs, err := prom.ReadQueries(*promQueries)
			if err != nil {
				return err
			}
			opts.Queries = qs
		}
		c, err := prom.New(opts)
		if err != nil {
			return err
		}
		h, notes, err := c.History(ctx, now)
		if err != nil {
			return err
		}
		histories = append(histories, h)
		out.Snapshot.Notes = append(out.Snapshot.Notes, notes...)
		pc, notes, found, err := c.Ceph(ctx, now)
		if err != nil {
			return err
		}
		if found {
			promCeph = &cephSource{pc, notes, "prometheus " + *promURL + " (Ceph mgr metrics)"}
		}
		if volumeUse, err = c.VolumeUsage(ctx, now); err != nil {
			return err
		}
	}
	if *historyGit != "" {
		h, notes, err := gitrepo.History(*historyGit)
		if err != nil {
			return err
		}
		histories = append(histories, h)
		out.Snapshot.Notes = append(out.Snapshot.Notes, notes...)
	}
	if *historyCSV != "" {
		series, err := csvfile.ReadFile(*historyCSV)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		h, notes := csvfile.History(series, "csv file "+*historyCSV)
		histories = append(histories, h)
		out.Snapshot.Notes = append(out.Snapshot.Notes, notes...)
	}
	if *useDemo {
		snap, hist := demo.Cluster(*seed, now)
		snap.Notes = append(snap.Notes, out.Snapshot.Notes...)
		out.Snapshot = snap
		histories = append(histories, hist)
	}
	hist, notes := collectors.Merge(histories...)
	out.Snapshot.Notes = append(out.Snapshot.Notes, notes...)
	for _, s := range hist.Series {
		out.History = append(out.History, historySummary{
			Name: s.Name, Unit: s.Unit, Source: s.Source, Days: len(s.Days),
			First: s.Days[0].Date.Format(time.DateOnly), Last: s.Days[len(s.Days)-1].Date.Format(time.DateOnly),
		})
	}
	if *cephDF != "" {
		c, notes, err := ceph.ReadDFFile(*cephDF)
		if err != nil {
			return err
		}
		cephs = append(cephs, cephSource{c, notes, "ceph df file " + *cephDF})
	}
	if promCeph != nil {
		cephs = append(cephs, *promCeph)
	}
	if out.Snapshot.Ceph != nil {
		cephs = append(cephs, cephSource{out.Snapshot.Ceph, nil, out.Snapshot.Sources["ceph"]})
		out.Snapshot.Ceph = nil
	}
	for _, cs := range cephs {
		addCeph(&out.Snapshot, cs)
	}
	if c := out.Snapshot.Ceph; c != nil {
		if pool, replication := c.SetUsable(); pool != "" {
			out.Snapshot.Notes = append(out.Snapshot.Notes, collectors.Note{Source: "snapshot", Message: fmt.Sprintf(
				"Ceph usable capacity %s: raw total over the replication (%.2f) of pool %s, which stores the most", size(c.UsableBytes), replication, pool)})
		}
	}
	if volumeUse == nil && len(out.Snapshot.Volumes) > 0 && out.Snapshot.Sources["volumes"] != demo.Source {
		out.Snapshot.Notes = append(out.Snapshot.Notes, collectors.Note{Source: "snapshot",
			Message: "volume usage needs Prometheus (kubelet_volume_stats_used_bytes): requested sizes only"})
	}
	for i, v := range out.Snapshot.Volumes {
		if used, ok := volumeUse[[2]string{v.Namespace, v.StorageClass}]; ok {
			out.Snapshot.Volumes[i].UsedBytes = &used
			out.Snapshot.Sources["volume usage"] = "prometheus " + *promURL
		}
	}
	slog.Info("snapshot", "cluster", out.Snapshot.Cluster, "nodes", len(out.Snapshot.Nodes), "sources", len(out.Snapshot.Sources))
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return writeSnapshotTable(stdout, out)
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

func writeSnapshotTable(w io.Writer, out snapshotOutput) error {
	s := out.Snapshot
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	name := s.Cluster
	if name == "" {
		name = "(unnamed)"
	}
	p("Cluster %s, taken %s\n", name, s.Taken.Format("2006-01-02 15:04 MST"))
	if len(s.Nodes) > 0 {
		p("\nNODE\tCPU REQUESTS\tCPU LIMITS\tCPU USAGE\tMEMORY REQUESTS\tMEMORY LIMITS\tMEMORY USAGE\n")
		var total collectors.Node
		total.Name = "*"
		var totalUse collectors.Resources
		haveUse := true
		for _, n := range s.Nodes {
			total.Allocatable = total.Allocatable.Add(n.Allocatable)
			total.Requests = total.Requests.Add(n.Requests)
			total.Limits = total.Limits.Add(n.Limits)
			if n.Usage == nil {
				haveUse = false
			} else {
				totalUse = totalUse.Add(*n.Usage)
			}
		}
		if haveUse {
			total.Usage = &totalUse
		}
		for _, n := range append([]collectors.Node{total}, s.Nodes...) {
			a := n.Allocatable
			p("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n.Name,
				cores(n.Requests.CPUCores, a.CPUCores), cores(n.Limits.CPUCores, a.CPUCores), nodeUse(n.Usage, a, true),
				mem(n.Requests.MemoryBytes, a.MemoryBytes), mem(n.Limits.MemoryBytes, a.MemoryBytes), nodeUse(n.Usage, a, false))
		}
		p("(CPU in cores, memory in GiB; percentages of allocatable)\n")
	}
	if len(s.Namespaces) > 0 {
		p("\nNAMESPACE\tPODS\tCPU REQUESTS\tCPU LIMITS\tCPU USAGE\tMEMORY REQUESTS\tMEMORY LIMITS\tMEMORY USAGE\n")
		for _, ns := range s.Namespaces {
			use := func(cpu bool) string {
				switch {
				case ns.Usage == nil:
					return "n/a"
				case cpu:
					return fmt.Sprintf("%.2f", ns.Usage.CPUCores)
				}
				return fmt.Sprintf("%.1f", gib(ns.Usage.MemoryBytes))
			}
			p("%s\t%d\t%.2f\t%.2f\t%s\t%.1f\t%.1f\t%s\n", ns.Name, ns.Pods, ns.Requests.CPUCores, ns.Limits.CPUCores, use(true),
				gib(ns.Requests.MemoryBytes), gib(ns.Limits.MemoryBytes), use(false))
		}
		p("(CPU in cores, memory in GiB)\n")
	}
	if c := s.Ceph; c != nil {
		assumed := ""
		if c.RatiosAssumed {
			assumed = " (Ceph's defaults, assumed)"
		}
		usable := ""
		if c.UsableBytes > 0 {
			usable = fmt.Sprintf("; about %s usable", size(c.UsableBytes))
		}
		p("\nCeph raw: %s total, %s used (%.1f%%), %s available%s; nearfull at %.0f%%, full at %.0f%%%s\n",
			size(c.TotalBytes), size(c.UsedBytes), 100*float64(c.UsedBytes)/float64(c.TotalBytes), size(c.AvailBytes), usable,
			100*c.NearfullRatio, 100*c.FullRatio, assumed)
		if len(c.Pools) > 0 {
			p("\nPOOL\tSTORED\tUSED (RAW)\tMAX AVAIL\t%%USED\tREPLICATION\n")
			for _, pl := range c.Pools {
				repl := "unknown"
				if pl.Replication > 0 {
					repl = fmt.Sprintf("%.2f", pl.Replication)
				}
				p("%s\t%s\t%s\t%s\t%.2f%%\t%s\n", pl.Name, size(pl.StoredBytes), size(pl.UsedBytes), size(pl.MaxAvailBytes), 100*pl.PercentUsed, repl)
			}
		}
	}
	if len(s.Volumes) > 0 {
		p("\nNAMESPACE\tSTORAGE CLASS\tCLAIMS\tREQUESTED\tUSED\n")
		for _, v := range s.Volumes {
			used := "n/a"
			if v.UsedBytes != nil {
				used = size(*v.UsedBytes)
			}
			p("%s\t%s\t%d\t%s\t%s\n", v.Namespace, v.StorageClass, v.Claims, size(v.RequestedBytes), used)
		}
	}
	if len(s.Pressure) > 0 {
		p("\nPRESSURE (7 days)\tOOM KILLED\tEVICTED\tFAILED SCHEDULING\n")
		for _, e := range s.Pressure {
			p("%s\t%d\t%d\t%d\n", e.Namespace, e.OOMKilled, e.Evicted, e.FailedScheduling)
		}
	}
	if len(out.History) > 0 {
		p("\nHISTORY\tUNIT\tSOURCE\tDAYS\tFROM\tTO\n")
		for _, h := range out.History {
			p("%s\t%s\t%s\t%d\t%s\t%s\n", h.Name, h.Unit, h.Source, h.Days, h.First, h.Last)
		}
	}
	p("\nSources:\n")
	for _, part := range slices.Sorted(maps.Keys(s.Sources)) {
		p("  %s: %s\n", part, s.Sources[part])
	}
	if len(s.Notes) > 0 {
		p("Notes:\n")
		for _, n := range s.Notes {
			p("  - %s: %s\n", n.Source, strings.TrimSpace(n.Message))
		}
	}
	return tw.Flush()
}

func gib(b int64) float64 { return float64(b) / (1 << 30) }

// size prints bytes in GiB, or TiB from 1 TiB up.
func size(b int64) string {
	if b >= 1<<40 {
		return fmt.Sprintf("%.2f TiB", float64(b)/(1<<40))
	}
	return fmt.Sprintf("%.1f GiB", gib(b))
}

func percent(v, of float64) string {
	if of <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%.0f%%)", 100*v/of)
}

func cores(v, alloc float64) string { return fmt.Sprintf("%.2f%s", v, percent(v, alloc)) }

func mem(v, alloc int64) string {
	return fmt.Sprintf("%.1f%s", gib(v), percent(float64(v), float64(alloc)))
}

func nodeUse(u *collectors.Resources, alloc collectors.Resources, cpu bool) string {
	switch {
	case u == nil:
		return "n/a"
	case cpu:
		return cores(u.CPUCores, alloc.CPUCores)
	}
	return mem(u.MemoryBytes, alloc.MemoryBytes)
}
