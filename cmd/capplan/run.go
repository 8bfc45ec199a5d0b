package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/capplan/capplan/job"
)

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "[--config FILE] [--dry-run [--out DIR|-]] [flags]", "", stderr)
	dryRun := fs.Bool("dry-run", false, "write the report to --out (default: report.md to stdout) and publish nothing")
	out := fs.String("out", "-", "directory for a dry run's files, or - for report.md on stdout")
	var f configFlags
	f.register(fs, all, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := f.load()
	if err != nil {
		return err
	}
	log := job.Logger(stderr, cfg)
	res, err := job.Run(ctx, cfg, time.Now(), *dryRun, *out, log)
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
