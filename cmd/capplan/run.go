package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/capplan/capplan/job"
)

// runFlags are the flags of run, demo and schedule: every setting of
// job.Config, the configuration file, and a dry run.
type runFlags struct {
	set    map[string]string
	config *string
	dryRun *bool
	out    *string
}

func (f *runFlags) register(fs *flag.FlagSet, dryRun bool) {
	f.config = fs.String("config", os.Getenv("CAPPLAN_CONFIG"), "configuration file, YAML (default $CAPPLAN_CONFIG); variables CAPPLAN_… override it, flags override both")
	if dryRun {
		f.dryRun = fs.Bool("dry-run", false, "write the report to --out (default: report.md to stdout) and publish nothing")
		f.out = fs.String("out", "-", "directory for a dry run's files, or - for report.md on stdout")
	}
	f.set = fieldFlags(fs, func(fd job.Field) string { return fd.Usage + " [" + fd.Env() + "]" }, func(string) bool { return true })
}

func (f *runFlags) load() (job.Config, error) {
	return job.Load(*f.config, os.Getenv, f.set)
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "[--config FILE] [--dry-run [--out DIR|-]] [flags]", stderr)
	var f runFlags
	f.register(fs, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	log := job.Logger(stderr, cfg)
	res, err := job.Run(ctx, cfg, time.Now(), *f.dryRun, *f.out, log)
	summary(log, res, err)
	if err != nil {
		return err
	}
	if *f.dryRun && *f.out == "-" {
		_, err = io.WriteString(stdout, markdown(res))
	}
	return err
}

// markdown is the report.md a dry run prints.
func markdown(res job.Result) string {
	for _, f := range res.Files {
		if f.Name == "report.md" {
			return string(f.Data)
		}
	}
	return ""
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "[--git-dir DIR] [--weeks N] [flags]", stderr)
	weeks := fs.Int("weeks", 0, fmt.Sprintf("replay the weekly job as of each of the last N Mondays (1 to %d), one commit each", job.MaxDemoWeeks))
	var f runFlags
	f.register(fs, false)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: capplan demo [--git-dir DIR] [--weeks N] [flags]\n\nRuns the weekly job on the built-in demo cluster (a simulated homelab with two years of history)\nand commits the report into a local Git repository, ./capplan-demo unless --git-dir says otherwise.\nWith --weeks N, runs it as of each of the last N Mondays, one commit each dated that Monday.\nThe narrative comes from Ollama when one answers on $OLLAMA_HOST, else it is written by rules.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f.set["demo"] = "true"
	if _, ok := f.set["git-dir"]; !ok {
		f.set["git-dir"] = "capplan-demo"
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	if cfg.Git.URL != "" {
		return fmt.Errorf("%w: the demo keeps its reports in a local repository (--git-dir), not at %s", errUsage, cfg.Git.URL)
	}
	log := job.Logger(stderr, cfg)
	var res job.Result
	if *weeks != 0 {
		all, err := job.DemoWeeks(ctx, cfg, time.Now(), *weeks, log)
		for _, r := range all {
			summary(log, r, nil)
		}
		if err != nil {
			return err
		}
		changed := 0
		for _, r := range all {
			if r.Changed {
				changed++
			}
		}
		if _, err := fmt.Fprintf(stdout, "Weeks: %d, %s to %s, %d new commits\n", len(all), all[0].Report.Date, all[len(all)-1].Report.Date, changed); err != nil {
			return err
		}
		res = all[len(all)-1]
	} else {
		var err error
		res, err = job.Run(ctx, cfg, time.Now(), false, "", log)
		summary(log, res, err)
		if err != nil {
			return err
		}
	}
	n := res.Report.Narrative
	narrative := "written by rules (" + n.Reason + ")"
	if n.Source == "ollama" {
		narrative = "drafted by " + n.Model + " through Ollama"
	}
	_, err = fmt.Fprintf(stdout, "Report: %s\nCommit: %s in %s\nNarrative: %s\n",
		filepath.Join(res.Dir, "report.md"), short(res.Commit), cfg.Git.Dir, narrative)
	return err
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// summary is the one line a run ends with: what it used and found.
func summary(log *slog.Logger, res job.Result, err error) {
	r := res.Report
	runway := map[string]any{}
	for _, x := range r.Resources {
		if x.Runway != nil {
			runway[x.Name] = *x.Runway
		} else {
			runway[x.Name] = "beyond"
		}
	}
	sources := make([]string, 0, len(r.Sources))
	for part, src := range r.Sources {
		sources = append(sources, part+": "+src)
	}
	sort.Strings(sources)
	attrs := []any{
		"date", r.Date, "cluster", r.Cluster, "published", res.Published, "commit", res.Commit, "changed", res.Changed,
		"report", res.Dir, "sources", sources, "runway_days", runway, "gaps", len(r.Gaps),
		"seconds", res.Duration.Seconds(),
	}
	if r.Narrative != nil {
		attrs = append(attrs, "narrative", r.Narrative.Source)
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
		if errors.Is(err, job.ErrNotPublished) {
			log.Error("capplan run: report not published; kept in the work directory", attrs...)
			return
		}
		if errors.Is(err, job.ErrNothingPlanned) {
			log.Error("capplan run: the report plans no resource", attrs...)
			return
		}
		log.Error("capplan run failed", attrs...)
		return
	}
	log.Info("capplan run", attrs...)
}
