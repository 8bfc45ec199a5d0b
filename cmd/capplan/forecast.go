package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/job"
)

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
