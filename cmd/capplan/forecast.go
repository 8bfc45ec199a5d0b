package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors/csvfile"
	"github.com/capplan/capplan/forecast"
)

func runForecast(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("forecast", "--in FILE --horizon H [--season M] [--level 80,95] [--model auto] [--out FILE]", stderr)
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

	start, startCPU := time.Now(), cpuTime()
	read, err := csvfile.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	series := make([]forecast.Series, len(read))
	for i, s := range read {
		series[i] = forecast.Series{Name: s.Name, Times: s.Times, Values: s.Values}
	}
	readCPU := cpuTime() - startCPU
	results, err := forecast.ForecastAll(ctx, series, opts, *workers)
	if err != nil {
		return err
	}
	var failed []error
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, r.Err)
			continue
		}
		for _, note := range r.Notes {
			slog.Info("forecast note", "series", r.Series.Name, "method", r.Method, "note", note)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s: %d of %d series failed: %w", *in, len(failed), len(results), errors.Join(failed...))
	}
	if err := writeForecasts(*out, stdout, results, opts.Levels); err != nil {
		return err
	}
	// CPU time from reading the input to writing the output, the span the
	// benchmark's anchors time for themselves.
	slog.Info("forecast done", "series", len(results), "horizon", opts.Horizon,
		"seconds", time.Since(start).Seconds(), "cpu_s", (cpuTime() - startCPU).Seconds(), "read_cpu_s", readCPU.Seconds())
	return nil
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

// writeForecasts writes series,timestamp,mean,lo<L>,hi<L>... with one row
// per step. The file is written beside its destination and renamed, so a
// failed run never leaves half a forecast behind.
func writeForecasts(path string, stdout io.Writer, results []forecast.SeriesForecast, levels []float64) (err error) {
	var w io.Writer = stdout
	var tmp *os.File
	if path != "-" {
		tmp, err = os.CreateTemp(filepath.Dir(path), ".capplan-forecast-*")
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		defer func() {
			if err != nil {
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
		w = tmp
	}
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	header := []string{"series", "timestamp", "mean"}
	for _, lv := range levels {
		l := strconv.FormatFloat(lv, 'f', -1, 64)
		header = append(header, "lo"+l, "hi"+l)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for _, r := range results {
		for k, ts := range r.Times {
			row[0] = r.Series.Name
			row[1] = ts.Format(time.RFC3339)
			row[2] = num(r.Mean[k])
			for i := range levels {
				row[3+2*i] = num(r.Lower[i][k])
				row[4+2*i] = num(r.Upper[i][k])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if tmp == nil {
		return nil
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
