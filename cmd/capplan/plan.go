package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/capplan/capplan/job"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/report"
)

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var src sourceFlags
	src.register(fs)
	out := fs.String("out", "", "directory to write report.json, report.md and the charts into (required)")
	config := fs.String("config", "", "planner configuration, YAML (default: built-in thresholds and catalogue)")
	templateDir := fs.String("template-dir", "", "directory whose report.md.tmpl replaces the built-in template")
	previous := fs.String("previous", "", "last week's report.json, to say what changed since")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: capplan plan [--demo | --kubeconfig FILE --context NAME] [source flags] --out DIR [--config FILE] [--template-dir DIR] [--previous FILE]\n\nPlans the cluster's capacity and writes report.json, report.md and one SVG chart per resource into DIR.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *out == "" {
		return fmt.Errorf("%w: --out DIR is required", errUsage)
	}
	sources, err := src.load()
	if err != nil {
		return err
	}
	cfg := planner.DefaultConfig()
	if *config != "" {
		var err error
		if cfg, err = planner.LoadConfig(*config); err != nil {
			return err
		}
	}
	started := time.Now()
	now := started.UTC()
	snap, hist, err := gather(ctx, sources, now)
	if err != nil {
		return err
	}
	var prev *report.Previous
	if *previous != "" {
		data, err := os.ReadFile(*previous)
		if err != nil {
			return fmt.Errorf("previous report: %w", err)
		}
		p, err := report.ReadPrevious(data, *previous)
		if err != nil {
			return err
		}
		prev = &p
	}
	files, report, err := job.Report(snap, hist, cfg, now, *templateDir, prev)
	if err != nil {
		return err
	}
	if err := job.WriteFiles(*out, files); err != nil {
		return err
	}
	slog.Info("plan written", "dir", *out, "files", len(files), "resources", len(report.Resources),
		"recommendations", len(report.Recommendations), "seconds", time.Since(started).Seconds())
	fmt.Fprintf(stdout, "%s: %d files, %d resources, %d recommendations\n", *out, len(files), len(report.Resources), len(report.Recommendations))
	return nil
}
