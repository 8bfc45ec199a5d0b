// Package printers writes what the command line prints: a snapshot as a
// table for people or as JSON for machines, chosen by --format, and
// forecasts as CSV. Tables are built from column definitions, one per
// section, as kubectl's printers build theirs.
package printers

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// SnapshotPrinter prints a snapshot and a summary of its history.
type SnapshotPrinter interface {
	PrintSnapshot(w io.Writer, s collectors.Snapshot, h collectors.History) error
}

// formats are the --format values ForFormat knows.
var formats = []string{"table", "json"}

// ForFormat is the snapshot printer of a --format value.
func ForFormat(format string) (SnapshotPrinter, error) {
	switch format {
	case "table":
		return tablePrinter{}, nil
	case "json":
		return jsonPrinter{}, nil
	}
	return nil, fmt.Errorf("--format must be %s, not %q", strings.Join(formats, " or "), format)
}

// output is what the JSON printer prints: the snapshot and, per history
// series, where it comes from and what it spans.
type output struct {
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

func summarise(h collectors.History) []historySummary {
	var out []historySummary
	for _, s := range h.Series {
		// A recorded series may hold no days.
		first, last := "—", "—"
		if len(s.Days) > 0 {
			first, last = s.Days[0].Date.Format(time.DateOnly), s.Days[len(s.Days)-1].Date.Format(time.DateOnly)
		}
		out = append(out, historySummary{Name: s.Name, Unit: s.Unit, Source: s.Source, Days: len(s.Days), First: first, Last: last})
	}
	return out
}

type jsonPrinter struct{}

func (jsonPrinter) PrintSnapshot(w io.Writer, s collectors.Snapshot, h collectors.History) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(output{Snapshot: s, History: summarise(h)})
}

// column is one column of a table: its header and how a row shows in it.
type column[T any] struct {
	header string
	cell   func(T) string
}

// table writes a section: a blank line, the headers, a line a row.
func table[T any](w io.Writer, cols []column[T], rows []T) {
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = c.header
	}
	fmt.Fprint(w, "\n"+strings.Join(cells, "\t")+"\n")
	for _, r := range rows {
		for i, c := range cols {
			cells[i] = c.cell(r)
		}
		fmt.Fprint(w, strings.Join(cells, "\t")+"\n")
	}
}

type tablePrinter struct{}

var (
	nodeColumns = []column[collectors.Node]{
		{"NODE", func(n collectors.Node) string { return n.Name }},
		{"CPU REQUESTS", func(n collectors.Node) string { return cores(n.Requests.CPUCores, n.Allocatable.CPUCores) }},
		{"CPU LIMITS", func(n collectors.Node) string { return cores(n.Limits.CPUCores, n.Allocatable.CPUCores) }},
		{"CPU USAGE", func(n collectors.Node) string { return nodeUse(n.Usage, n.Allocatable, true) }},
		{"MEMORY REQUESTS", func(n collectors.Node) string { return mem(n.Requests.MemoryBytes, n.Allocatable.MemoryBytes) }},
		{"MEMORY LIMITS", func(n collectors.Node) string { return mem(n.Limits.MemoryBytes, n.Allocatable.MemoryBytes) }},
		{"MEMORY USAGE", func(n collectors.Node) string { return nodeUse(n.Usage, n.Allocatable, false) }},
	}
	namespaceColumns = []column[collectors.Namespace]{
		{"NAMESPACE", func(ns collectors.Namespace) string { return ns.Name }},
		{"PODS", func(ns collectors.Namespace) string { return fmt.Sprint(ns.Pods) }},
		{"CPU REQUESTS", func(ns collectors.Namespace) string { return fmt.Sprintf("%.2f", ns.Requests.CPUCores) }},
		{"CPU LIMITS", func(ns collectors.Namespace) string { return fmt.Sprintf("%.2f", ns.Limits.CPUCores) }},
		{"CPU USAGE", func(ns collectors.Namespace) string { return use(ns.Usage, true) }},
		{"MEMORY REQUESTS", func(ns collectors.Namespace) string { return fmt.Sprintf("%.1f", gib(ns.Requests.MemoryBytes)) }},
		{"MEMORY LIMITS", func(ns collectors.Namespace) string { return fmt.Sprintf("%.1f", gib(ns.Limits.MemoryBytes)) }},
		{"MEMORY USAGE", func(ns collectors.Namespace) string { return use(ns.Usage, false) }},
	}
	poolColumns = []column[collectors.Pool]{
		{"POOL", func(p collectors.Pool) string { return p.Name }},
		{"STORED", func(p collectors.Pool) string { return size(p.StoredBytes) }},
		{"USED (RAW)", func(p collectors.Pool) string { return size(p.UsedBytes) }},
		{"MAX AVAIL", func(p collectors.Pool) string { return size(p.MaxAvailBytes) }},
		{"%USED", func(p collectors.Pool) string { return fmt.Sprintf("%.2f%%", 100*p.PercentUsed) }},
		{"REPLICATION", func(p collectors.Pool) string {
			if p.Replication > 0 {
				return fmt.Sprintf("%.2f", p.Replication)
			}
			return "unknown"
		}},
	}
	volumeColumns = []column[collectors.VolumeClaims]{
		{"NAMESPACE", func(v collectors.VolumeClaims) string { return v.Namespace }},
		{"STORAGE CLASS", func(v collectors.VolumeClaims) string { return v.StorageClass }},
		{"CLAIMS", func(v collectors.VolumeClaims) string { return fmt.Sprint(v.Claims) }},
		{"REQUESTED", func(v collectors.VolumeClaims) string { return size(v.RequestedBytes) }},
		{"USED", func(v collectors.VolumeClaims) string {
			if v.UsedBytes != nil {
				return size(*v.UsedBytes)
			}
			return "n/a"
		}},
	}
	pressureColumns = []column[collectors.Pressure]{
		{"PRESSURE (7 days)", func(e collectors.Pressure) string { return e.Namespace }},
		{"OOM KILLED", func(e collectors.Pressure) string { return fmt.Sprint(e.OOMKilled) }},
		{"EVICTED", func(e collectors.Pressure) string { return fmt.Sprint(e.Evicted) }},
		{"FAILED SCHEDULING", func(e collectors.Pressure) string { return fmt.Sprint(e.FailedScheduling) }},
	}
	historyColumns = []column[historySummary]{
		{"HISTORY", func(h historySummary) string { return h.Name }},
		{"UNIT", func(h historySummary) string { return h.Unit }},
		{"SOURCE", func(h historySummary) string { return h.Source }},
		{"DAYS", func(h historySummary) string { return fmt.Sprint(h.Days) }},
		{"FROM", func(h historySummary) string { return h.First }},
		{"TO", func(h historySummary) string { return h.Last }},
	}
)

func (tablePrinter) PrintSnapshot(w io.Writer, s collectors.Snapshot, h collectors.History) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	name := s.Cluster
	if name == "" {
		name = "(unnamed)"
	}
	p("Cluster %s, taken %s\n", name, s.Taken.Format("2006-01-02 15:04 MST"))
	if len(s.Nodes) > 0 {
		table(tw, nodeColumns, append([]collectors.Node{total(s.Nodes)}, s.Nodes...))
		p("(CPU in cores, memory in GiB; percentages of allocatable)\n")
	}
	if len(s.Namespaces) > 0 {
		table(tw, namespaceColumns, s.Namespaces)
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
			table(tw, poolColumns, c.Pools)
		}
	}
	if len(s.Volumes) > 0 {
		table(tw, volumeColumns, s.Volumes)
	}
	if len(s.Pressure) > 0 {
		table(tw, pressureColumns, s.Pressure)
	}
	if hs := summarise(h); len(hs) > 0 {
		table(tw, historyColumns, hs)
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

// total is the nodes summed, named "*"; its usage is known only when
// every node's is.
func total(nodes []collectors.Node) collectors.Node {
	t := collectors.Node{Name: "*"}
	var use collectors.Resources
	known := true
	for _, n := range nodes {
		t.Allocatable = t.Allocatable.Add(n.Allocatable)
		t.Requests = t.Requests.Add(n.Requests)
		t.Limits = t.Limits.Add(n.Limits)
		if n.Usage == nil {
			known = false
		} else {
			use = use.Add(*n.Usage)
		}
	}
	if known {
		t.Usage = &use
	}
	return t
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

// use is a namespace's usage, without a share: namespaces have no
// allocatable of their own.
func use(u *collectors.Resources, cpu bool) string {
	switch {
	case u == nil:
		return "n/a"
	case cpu:
		return fmt.Sprintf("%.2f", u.CPUCores)
	}
	return fmt.Sprintf("%.1f", gib(u.MemoryBytes))
}
