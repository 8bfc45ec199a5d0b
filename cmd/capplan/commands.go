package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/job"
	"github.com/capplan/capplan/printers"
)

// The commands: each one's flags, and the job it calls.

func runForecast(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("forecast", "--in FILE --horizon H [--season M] [--level 80,95] [--model auto] [--out FILE]", "", stderr)
	in := fs.String("in", "", "input CSV: long (series,timestamp,value) or wide (timestamp,<series>...)")
	out := fs.String("out", "-", "output CSV (series,timestamp,mean,lo80,hi80,...); - for stdout")
	horizon := fs.Int("horizon", 0, "steps to forecast (required)")
	season := fs.Int("season", 0, "seasonal period in steps; default from the spacing (1h: 24, 30m: 48, 1d: 7, 1mo: 12); 1 for none")
	levels := fs.String("level", "80,95", "prediction interval levels in percent, comma-separated")
	model := fs.String("model", "auto", "auto, ets (AICc over the ETS family), hw (additive Holt-Winters), snaive, theta, comb (the mean of ets and theta), or an ETS code (ANN, AAdA, MNM, ...)")
	workers := fs.Int("workers", 0, "series forecast in parallel; 0 for one per core")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("%w: --in is required", errUsage)
	}
	opts := forecast.Options{Horizon: *horizon, Method: *model}
	if *season > 0 {
		opts.Periods = []int{*season}
	}
	lv, err := parseLevels(*levels)
	if err != nil {
		return fmt.Errorf("%w: --level: %v", errUsage, err)
	}
	opts.Levels = lv
	if err := opts.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	return job.Forecast(ctx, *in, *out, stdout, opts, *workers)
}

func parseLevels(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func runSnapshot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("snapshot", "[--demo | --kubeconfig FILE --context NAME] [--ceph-df FILE] [--prometheus-url URL] [--history-git DIR] [--history-csv FILE] [--format table|json]",
		"Prints what the cluster holds now: nodes, requests, limits, usage, volume claims, pressure events and Ceph capacity.", stderr)
	format := fs.String("format", "table", "output format: table or json")
	var f configFlags
	f.register(fs, config.Field.IsSource, false)
	f.asOf(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	printer, err := printers.ForFormat(*format)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg, now, err := f.loadAsOf()
	if err != nil {
		return err
	}
	snap, hist, err := job.Snapshot(ctx, cfg, now)
	if err != nil {
		return err
	}
	slog.Info("snapshot", "cluster", snap.Cluster, "nodes", len(snap.Nodes), "sources", len(snap.Sources))
	return printer.PrintSnapshot(stdout, snap, hist)
}

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plan", "[--demo | --kubeconfig FILE --context NAME] [source flags] --out DIR [--config FILE] [--template-dir DIR] [--previous FILE] [--what-if FILE]",
		"Plans the cluster's capacity and writes report.json, report.md and one SVG chart per resource into DIR.", stderr)
	var f configFlags
	f.register(fs, func(fd config.Field) bool { return fd.IsSource() || fd.Key == "template_dir" }, false)
	out := fs.String("out", "", "directory to write report.json, report.md and the charts into (required)")
	previous := fs.String("previous", "", "last week's report.json, to say what changed since")
	whatIf := fs.String("what-if", "", "a YAML FILE of planned workloads (planned: as in the configuration) to add to the configuration's, for this report only")
	f.asOf(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out DIR is required", errUsage)
	}
	cfg, now, err := f.loadAsOf()
	if err != nil {
		return err
	}
	res, err := job.Plan(ctx, cfg, now, *previous, *whatIf, *out)
	if err != nil {
		return err
	}
	r := res.Report
	slog.Info("plan written", "dir", *out, "files", len(res.Files), "resources", len(r.Resources),
		"recommendations", len(r.Recommendations), "seconds", res.Duration.Seconds())
	_, err = fmt.Fprintf(stdout, "%s: %d files, %d resources, %d recommendations\n", *out, len(res.Files), len(r.Resources), len(r.Recommendations))
	return err
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "[--config FILE] [--dry-run [--out DIR|-]] [flags]", "", stderr)
	dryRun := fs.Bool("dry-run", false, "write the report to --out (default: report.md to stdout) and publish nothing")
	out := fs.String("out", "-", "directory for a dry run's files, or - for report.md on stdout")
	var f configFlags
	f.register(fs, all, true)
	f.asOf(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, now, err := f.loadAsOf()
	if err != nil {
		return err
	}
	log := job.Logger(stderr, cfg)
	if cfg.IsFleet() {
		res, err := job.RunFleet(ctx, cfg, now, *dryRun, *out, log)
		res.Log(log, err)
		if *dryRun && *out == "-" {
			if _, werr := stdout.Write(res.File("README.md")); werr != nil && err == nil {
				err = werr
			}
		}
		return err
	}
	res, err := job.Run(ctx, cfg, now, *dryRun, *out, log)
	res.Log(log, err)
	if err != nil {
		return err
	}
	if *dryRun && *out == "-" {
		_, err = stdout.Write(res.File("report.md"))
	}
	return err
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "[--git-dir DIR] [--weeks N] [flags]", "Runs the weekly job on the built-in demo cluster (a simulated homelab with two years of history)\n"+
		"and commits the report into a local Git repository, ./capplan-demo unless --git-dir says otherwise.\n"+
		"With --weeks N, runs it as of each of the last N Mondays, one commit each dated that Monday.\n"+
		"The narrative comes from Ollama when one answers on $OLLAMA_HOST, else it is written by rules.", stderr)
	weeks := fs.Int("weeks", 0, fmt.Sprintf("replay the weekly job as of each of the last N Mondays (1 to %d), one commit each", job.MaxDemoWeeks))
	var f configFlags
	f.register(fs, all, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *weeks == 0 && given(fs, "weeks") {
		return fmt.Errorf("%w: --weeks 0: want 1 to %d", errUsage, job.MaxDemoWeeks)
	}
	f.set["demo"] = "true"
	if _, ok := f.set["git-dir"]; !ok {
		f.set["git-dir"] = "capplan-demo"
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	text, err := job.Demo(ctx, cfg, time.Now(), *weeks, job.Logger(stderr, cfg))
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, text)
	return err
}

func runSchedule(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlagSet("schedule", `--cron "0 9 * * 1" [--time-zone ZONE] [--config FILE] [flags]`, "", stderr)
	spec := fs.String("cron", "0 9 * * 1", "when to run, as cron's five fields (minute hour day month weekday) or @weekly, @every 24h")
	zone := fs.String("time-zone", "Local", "IANA time zone of the schedule, Europe/Paris say")
	var f configFlags
	f.register(fs, all, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return fmt.Errorf("%w: --time-zone %q: %v", errUsage, *zone, err)
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	log := job.Logger(stderr, cfg)
	return job.Schedule(ctx, *spec, loc, log, func(ctx context.Context) {
		if cfg.IsFleet() {
			res, err := job.RunFleet(ctx, cfg, time.Now(), false, "", log)
			res.Log(log, err)
			return
		}
		res, err := job.Run(ctx, cfg, time.Now(), false, "", log)
		res.Log(log, err)
	})
}
