package planner

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/capplan/capplan/collectors/csvfile"
	"github.com/capplan/capplan/collectors/demo"
	"github.com/capplan/capplan/forecast"
)

// calibration counts how often the truth falls inside a forecast's 80%
// and 95% intervals.
type calibration struct{ in80, in95, n int }

func (c *calibration) add(fc forecast.Forecast, truth []float64) {
	i80, i95 := slices.Index(fc.Levels, 80), slices.Index(fc.Levels, 95)
	for k, v := range truth {
		if v >= fc.Lower[i80][k] && v <= fc.Upper[i80][k] {
			c.in80++
		}
		if v >= fc.Lower[i95][k] && v <= fc.Upper[i95][k] {
			c.in95++
		}
		c.n++
	}
}

func (c calibration) report(b *testing.B, what string) {
	if c.n == 0 {
		return
	}
	b.ReportMetric(float64(c.in80)/float64(c.n), "cov80_"+what)
	b.ReportMetric(float64(c.in95)/float64(c.n), "cov95_"+what)
}

// BenchmarkIntervalCalibration measures the intervals in the planner's own
// setting, by rolling origins: the daily means and peaks forecast 90 days
// ahead, from every 60th day that leaves 90 to check and at least 60 to
// fit; the monthly means 12 months ahead, from every 3rd complete month
// that leaves 12 to check and at least 6 to fit; floored at zero as the
// planner floors them. Histories: the demo's eleven resources for seeds 1
// to 3, and the synthetic-daily set's 45 series (train and test joined;
// their peaks are their means). Coverage should be near 0.80 and 0.95.
//
//	go test ./planner -run '^$' -bench IntervalCalibration -benchtime 1x
func BenchmarkIntervalCalibration(b *testing.B) {
	type history struct{ means, peaks []float64 }
	var hs []history
	for seed := uint64(1); seed <= 3; seed++ {
		_, h := demo.Cluster(seed, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
		for _, s := range h.Series {
			if s.Name == "cpu/allocatable" || s.Name == "memory/allocatable" || s.Name == "ceph/raw_total" ||
				s.Name == "cpu/limits" || s.Name == "memory/limits" {
				continue
			}
			var m, p []float64
			for _, d := range s.Days {
				m, p = append(m, d.Mean), append(p, d.Peak)
			}
			hs = append(hs, history{m, p})
		}
	}
	dir := filepath.Join("..", "..", "shared", "bench", "data", "synthetic-daily")
	train, err := csvfile.ReadFile(filepath.Join(dir, "train.csv"))
	if os.IsNotExist(err) {
		b.Skipf("%s: not there (the shared benchmark data sits beside the repository)", dir)
	}
	if err != nil {
		b.Fatal(err)
	}
	test, err := csvfile.ReadFile(filepath.Join(dir, "test.csv"))
	if err != nil {
		b.Fatal(err)
	}
	for i, s := range train {
		// The files list the series in the same order.
		hs = append(hs, history{append(s.Values, test[i].Values...), nil})
	}
	for b.Loop() {
		var daily, peaks, monthly calibration
		for _, h := range hs {
			for _, pair := range []struct {
				y []float64
				c *calibration
			}{{h.means, &daily}, {h.peaks, &peaks}} {
				if pair.y == nil {
					continue
				}
				for end := 60; end+90 <= len(pair.y); end += 60 {
					r, err := forecast.Predict(pair.y[:end], forecast.Options{Horizon: 90, Periods: []int{7}})
					if err != nil {
						b.Fatal(err)
					}
					floor(&r.Forecast)
					pair.c.add(r.Forecast, pair.y[end:end+90])
				}
			}
			// Months of 30 days: the monthly means the planner forecasts,
			// without the calendar.
			var months []float64
			for k := 0; k+30 <= len(h.means); k += 30 {
				months = append(months, stat.Mean(h.means[k:k+30], nil))
			}
			for end := 6; end+12 <= len(months); end += 3 {
				r, err := forecast.Predict(months[:end], forecast.Options{Horizon: 12, Periods: []int{12}})
				if err != nil {
					b.Fatal(err)
				}
				floor(&r.Forecast)
				monthly.add(r.Forecast, months[end:end+12])
			}
		}
		daily.report(b, "daily_means")
		peaks.report(b, "daily_peaks")
		monthly.report(b, "monthly")
		b.ReportMetric(float64(daily.n+peaks.n+monthly.n), "points")
	}
}
