package planner

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/capplan/capplan/collectors"
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

// tuningHalf tells the histories the bands' quantiles were chosen on (FNV-1a of
// "capplan-split-1:" and the name, even) from the others.
func tuningHalf(name string) bool {
	h := fnv.New32a()
	h.Write([]byte("capplan-split-1:" + name))
	return h.Sum32()%2 == 0
}

// BenchmarkIntervalCalibration measures the intervals in the planner's own
// setting, by rolling origins: a projection (project, with the futures
// reports use) from every 60th day that leaves 90 to check and at least 60
// to fit; its daily means and peaks over the 90 days, and its calendar
// months that begin after the origin and end within the history, against
// the days' means. Histories: the demo's resources for seeds 1 to 3, and
// the synthetic-daily set's 45 series (train and test joined; their peaks
// are their means, and only the means are scored). Coverage is reported
// whole (cov80_…, cov95_…) and on the half of the histories the bands'
// quantiles were not chosen on (…_heldout); the factors that the tuning
// half would still ask of the bands are printed.
//
//	go test ./planner -run '^$' -bench IntervalCalibration -benchtime 1x
func BenchmarkIntervalCalibration(b *testing.B) {
	type history struct {
		name         string
		means, peaks []float64
	}
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
			hs = append(hs, history{fmt.Sprintf("demo-%d/%s", seed, s.Name), m, p})
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
		hs = append(hs, history{"synthetic-daily/" + s.Name, append(s.Values, test[i].Values...), nil})
	}
	start := date(2020, 1, 1)
	for b.Loop() {
		// [0] every history, [1] the held-out half, [2] the tuning half.
		var daily, peaks, monthly [3]calibration
		for _, h := range hs {
			half := 1
			if tuningHalf(h.name) {
				half = 2
			}
			pk := h.peaks
			if pk == nil {
				pk = h.means
			}
			for end := 60; end+90 <= len(h.means); end += 60 {
				s := collectors.Series{Name: h.name}
				for d := range end {
					s.Days = append(s.Days, collectors.Day{Date: start.AddDate(0, 0, d), Mean: h.means[d], Peak: pk[d]})
				}
				p, err := project(s, 1, 0, nil, start.AddDate(0, 0, end), 90, 12, forecast.Futures)
				if err != nil {
					b.Fatal(err)
				}
				add := func(c *[3]calibration, fc forecast.Forecast, truth []float64) {
					c[0].add(fc, truth)
					c[half].add(fc, truth)
				}
				add(&daily, p.Mean, h.means[end:end+90])
				if h.peaks != nil {
					add(&peaks, p.Peak, h.peaks[end:end+90])
				}
				for k, m := range p.Months {
					from := int(m.Sub(start).Hours() / 24)
					to := int(m.AddDate(0, 1, 0).Sub(start).Hours() / 24)
					if from < end || to > len(h.means) {
						continue
					}
					one := forecast.Forecast{Levels: p.MonthlyMean.Levels, Mean: p.MonthlyMean.Mean[k : k+1]}
					for i := range one.Levels {
						one.Lower = append(one.Lower, p.MonthlyMean.Lower[i][k:k+1])
						one.Upper = append(one.Upper, p.MonthlyMean.Upper[i][k:k+1])
					}
					add(&monthly, one, []float64{stat.Mean(h.means[from:to], nil)})
				}
			}
		}
		for _, k := range []struct {
			what string
			c    *[3]calibration
		}{{"daily_means", &daily}, {"daily_peaks", &peaks}, {"monthly", &monthly}} {
			k.c[0].report(b, k.what)
			k.c[1].report(b, k.what+"_heldout")
			k.c[2].report(b, k.what+"_tuning")
		}
		b.ReportMetric(float64(daily[0].n+peaks[0].n+monthly[0].n), "points")
	}
}
