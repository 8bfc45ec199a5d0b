package job

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/capplan/capplan/config"
)

// Schedule runs fn on spec (cron's five fields, or @weekly, @every 24h) in
// loc until ctx ends, never two at once: a run still going when the next
// is due makes that one skipped. A spec cron cannot read is a
// configuration error.
func Schedule(ctx context.Context, spec string, loc *time.Location, log *slog.Logger, fn func(context.Context)) error {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return config.Error{Err: fmt.Errorf("--cron %q: %v", spec, err)}
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
