package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/capplan/capplan/job"
)

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
		res, err := job.Run(ctx, cfg, time.Now(), false, "", log)
		res.Log(log, err)
	})
}
