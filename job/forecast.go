package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/capplan/capplan/collectors/csvfile"
	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/printers"
)

// Forecast forecasts every series of the CSV file in and writes the
// forecasts as CSV to out (stdout for "-"); a series that cannot be
// forecast fails the whole, and no file is left. It logs each series'
// notes and, at the end, the CPU time from reading the input to writing
// the output: the span the benchmark's anchors time for themselves.
func Forecast(ctx context.Context, in, out string, stdout io.Writer, opts forecast.Options, workers int) error {
	start, startCPU := time.Now(), cpuTime()
	read, err := csvfile.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	// The file's series carry their lines for errors; the forecaster's
	// do not.
	series := make([]forecast.Series, len(read))
	for i, s := range read {
		series[i] = forecast.Series{Name: s.Name, Times: s.Times, Values: s.Values}
	}
	readCPU := cpuTime() - startCPU
	results, err := forecast.ForecastAll(ctx, series, opts, workers)
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
		return fmt.Errorf("%s: %d of %d series failed: %w", in, len(failed), len(results), errors.Join(failed...))
	}
	if err := printers.ToFile(out, stdout, func(w io.Writer) error { return printers.ForecastCSV(w, results, opts.Levels) }); err != nil {
		return err
	}
	slog.Info("forecast done", "series", len(results), "horizon", opts.Horizon,
		"seconds", time.Since(start).Seconds(), "cpu_s", (cpuTime() - startCPU).Seconds(), "read_cpu_s", readCPU.Seconds())
	return nil
}
