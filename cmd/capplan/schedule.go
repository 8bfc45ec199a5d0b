package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/capplan/capplan/job"
)

func runSchedule(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlagSet("schedule", `--cron "0 9 * * 1" [--time-zone ZONE] [--config FILE] [flags]`, stderr)
	spec := fs.String("cron", "0 9 * * 1", "when to run, as cron's five fields (minute hour day month weekday) or @weekly, @every 24h")
	zone := fs.String("time-zone", "Local", "IANA time zone of the schedule, Europe/Paris say")
	var f runFlags
	f.register(fs, false)
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
	return schedule(ctx, *spec, loc, log, func(ctx context.Context) {
		res, err := job.Run(ctx, cfg, time.Now(), false, "", log)
		summary(log, res, err)
	})
}

// schedule runs fn on spec in loc until ctx ends, never two at once: a
// run still going when the next is due makes that one skipped.
func schedule(ctx context.Context, spec string, loc *time.Location, log *slog.Logger, fn func(context.Context)) error {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("%w: --cron %q: %v", errUsage, spec, err)
	}
	logger := cronLogger{log}
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(logger), cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	var id cron.EntryID
	id = c.Schedule(sched, cron.FuncJob(func() {
		fn(ctx)
		log.Info("next run", "at", c.Entry(id).Next.Format(time.RFC3339))
	}))
	c.Start()
	log.Info("scheduled", "cron", spec, "time_zone", loc.String(), "next_run", sched.Next(time.Now().In(loc)).Format(time.RFC3339))
	<-ctx.Done()
	// Stop waits for a run in progress, which sees ctx's end itself.
	<-c.Stop().Done()
	return nil
}

// cronLogger passes cron's own messages (a skipped run, a recovered
// panic) to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	l.log.Debug("cron: "+msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "error", err)...)
}
