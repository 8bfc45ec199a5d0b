package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/job"
)

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plan", "[--demo | --kubeconfig FILE --context NAME] [source flags] --out DIR [--config FILE] [--template-dir DIR] [--previous FILE]",
		"Plans the cluster's capacity and writes report.json, report.md and one SVG chart per resource into DIR.", stderr)
	var f configFlags
	f.register(fs, func(fd config.Field) bool { return fd.IsSource() || fd.Key == "template_dir" }, false)
	out := fs.String("out", "", "directory to write report.json, report.md and the charts into (required)")
	previous := fs.String("previous", "", "last week's report.json, to say what changed since")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out DIR is required", errUsage)
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	res, err := job.Plan(ctx, cfg, time.Now().UTC(), *previous, *out)
	if err != nil {
		return err
	}
	r := res.Report
	slog.Info("plan written", "dir", *out, "files", len(res.Files), "resources", len(r.Resources),
		"recommendations", len(r.Recommendations), "seconds", res.Duration.Seconds())
	_, err = fmt.Fprintf(stdout, "%s: %d files, %d resources, %d recommendations\n", *out, len(res.Files), len(r.Resources), len(r.Recommendations))
	return err
}
