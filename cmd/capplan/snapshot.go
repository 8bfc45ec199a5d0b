package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/job"
	"github.com/capplan/capplan/printers"
)

func runSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("snapshot", "[--demo | --kubeconfig FILE --context NAME] [--ceph-df FILE] [--prometheus-url URL] [--history-git DIR] [--history-csv FILE] [--format table|json]",
		"Prints what the cluster holds now: nodes, requests, limits, usage, volume claims, pressure events and Ceph capacity.", stderr)
	format := fs.String("format", "table", "output format: table or json")
	var f configFlags
	f.register(fs, config.Field.IsSource, false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	printer, err := printers.ForFormat(*format)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	snap, hist, err := job.Snapshot(ctx, cfg, time.Now().UTC())
	if err != nil {
		return err
	}
	slog.Info("snapshot", "cluster", snap.Cluster, "nodes", len(snap.Nodes), "sources", len(snap.Sources))
	return printer.PrintSnapshot(stdout, snap, hist)
}
