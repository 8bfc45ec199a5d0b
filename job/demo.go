package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/redact"
)

// MaxDemoWeeks is how many past weeks DemoWeeks replays: the demo's world
// begins a year before its two years of history (demo.Lead).
const MaxDemoWeeks = 52

// weeklyHour is when a replayed week runs: the chart's schedule, Mondays
// at 09:00 UTC.
const weeklyHour = 9

// demoWeeks runs the weekly job on the demo cluster as of each of the
// last weeks Mondays, oldest first: the Monday on or before now and those
// before it, at 09:00 UTC (or now, when that is later than now). The
// demo's world is now's, its history cut at each Monday, and each week's
// report is committed with its Monday's date, so that the repository
// holds a year of reviewed capacity history and its week-over-week
// changes. Only the newest week asks Ollama for its narrative; the
// earlier ones are written by rules. It stops at the first week that
// fails; an incomplete week is committed and the replay goes on, and the
// error says so at the end.
func demoWeeks(ctx context.Context, c config.Config, now time.Time, weeks int, log *slog.Logger) ([]Result, error) {
	if weeks < 1 || weeks > MaxDemoWeeks {
		return nil, config.Error{Err: fmt.Errorf("weeks is %d: want 1 to %d", weeks, MaxDemoWeeks)}
	}
	if !c.Demo {
		return nil, config.Error{Err: errors.New("weeks replays the demo cluster only")}
	}
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), weeklyHour, 0, 0, 0, time.UTC)
	monday := day.AddDate(0, 0, -(int(day.Weekday())+6)%7)
	if monday.After(now) {
		monday = now
	}
	var out []Result
	var incomplete error
	for k := weeks - 1; k >= 0; k-- {
		w := replay{world: now}
		if k > 0 {
			w.quiet = "earlier weeks of the demo are written by rules"
		}
		at := monday.AddDate(0, 0, -7*k)
		res, err := runAs(ctx, c, at, false, "", log, w)
		out = append(out, res)
		switch {
		case errors.Is(err, ErrIncomplete):
			incomplete = fmt.Errorf("week of %s: %w", at.Format(time.DateOnly), err)
		case err != nil:
			return out, fmt.Errorf("week of %s: %w", at.Format(time.DateOnly), err)
		}
	}
	return out, incomplete
}

// Demo runs the weekly job on the demo cluster into its local repository,
// once, or as of each of the last weeks Mondays when weeks is not 0, logs
// each run's line, and returns what the command prints: where the report
// is, the commit, and who wrote the narrative.
func Demo(ctx context.Context, c config.Config, now time.Time, weeks int, log *slog.Logger) (string, error) {
	if c.Git.URL != "" {
		return "", config.Error{Err: fmt.Errorf("the demo keeps its reports in a local repository (--git-dir), not at %s", redact.URL(c.Git.URL))}
	}
	var b strings.Builder
	var res Result
	// An incomplete report is still committed: what the command prints
	// says where, and the error says it is incomplete.
	var runErr error
	if weeks == 0 {
		var err error
		res, err = Run(ctx, c, now, false, "", log)
		res.Log(log, err)
		if err != nil && !errors.Is(err, ErrIncomplete) {
			return "", err
		}
		runErr = err
	} else {
		all, err := demoWeeks(ctx, c, now, weeks, log)
		changed := 0
		for _, r := range all {
			r.Log(log, nil)
			if r.Changed {
				changed++
			}
		}
		if err != nil && !errors.Is(err, ErrIncomplete) {
			return "", err
		}
		runErr = err
		fmt.Fprintf(&b, "Weeks: %d, %s to %s, %d new commits\n", len(all), all[0].Report.Date, all[len(all)-1].Report.Date, changed)
		res = all[len(all)-1]
	}
	n := res.Report.Narrative
	narrative := "written by rules (" + n.Reason + ")"
	if n.Source == "ollama" {
		narrative = "drafted by " + n.Model + " through Ollama"
	}
	commit := res.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if res.Changed {
		commit += " in " + c.Git.Dir
	} else {
		commit = fmt.Sprintf("none new: %s in %s already holds this report", commit, c.Git.Dir)
	}
	fmt.Fprintf(&b, "Report: %s\nCommit: %s\nNarrative: %s\n", filepath.Join(res.Dir, "report.md"), commit, narrative)
	return b.String(), runErr
}
