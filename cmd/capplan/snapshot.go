package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
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
	var src sourceFlags
	src.register(fs)
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
	sources, err := src.load()
	if err != nil {
		return err
	}
	snap, hist, err := gather(ctx, sources, time.Now().UTC())
	if err != nil {
		return err
	}
	out := snapshotOutput{Snapshot: snap}
	for _, s := range hist.Series {
		// A recorded series may hold no days.
		first, last := "—", "—"
		if len(s.Days) > 0 {
			first, last = s.Days[0].Date.Format(time.DateOnly), s.Days[len(s.Days)-1].Date.Format(time.DateOnly)
		}
		out.History = append(out.History, historySummary{
			Name: s.Name, Unit: s.Unit, Source: s.Source, Days: len(s.Days), First: first, Last: last,
		})
	}
	slog.Info("snapshot", "cluster", out.Snapshot.Cluster, "nodes", len(out.Snapshot.Nodes), "sources", len(out.Snapshot.Sources))
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return writeSnapshotTable(stdout, out)
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

// size prints bytes as the report does: GiB, or TiB from 1 TiB up.
func size(b int64) string { return units.Quantity(float64(b), units.Bytes) }

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
