package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// MaxDemoWeeks is how many past weeks DemoWeeks replays: the demo's world
// begins a year before its two years of history (demo.Lead).
const MaxDemoWeeks = 52

// weeklyHour is when a replayed week runs: the chart's schedule, Mondays
// at 09:00 UTC.
const weeklyHour = 9

// DemoWeeks runs the weekly job on the demo cluster as of each of the
// last weeks Mondays, oldest first: the Monday on or before now and those
// before it, at 09:00 UTC (or now, when that is later than now). The
// demo's world is now's, its history cut at each Monday, and each week's
// report is committed with its Monday's date, so that the repository
// holds a year of reviewed capacity history and its week-over-week
// changes. Only the newest week asks Ollama for its narrative; the
// earlier ones are written by rules. It stops at the first week that
// fails.
func DemoWeeks(ctx context.Context, c Config, now time.Time, weeks int, log *slog.Logger) ([]Result, error) {
	if weeks < 1 || weeks > MaxDemoWeeks {
		return nil, ConfigError{fmt.Errorf("weeks is %d: want 1 to %d", weeks, MaxDemoWeeks)}
	}
	if !c.Demo {
		return nil, ConfigError{errors.New("weeks replays the demo cluster only")}
	}
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), weeklyHour, 0, 0, 0, time.UTC)
	monday := day.AddDate(0, 0, -(int(day.Weekday())+6)%7)
	if monday.After(now) {
		monday = now
	}
	c.Sources.demoWorld = now
	var out []Result
	for k := weeks - 1; k >= 0; k-- {
		week := c
		if k > 0 {
			week.quiet = "earlier weeks of the demo are written by rules"
		}
		at := monday.AddDate(0, 0, -7*k)
		res, err := Run(ctx, week, at, false, "", log)
		out = append(out, res)
		if err != nil {
			return out, fmt.Errorf("week of %s: %w", at.Format(time.DateOnly), err)
		}
	}
	return out, nil
}
