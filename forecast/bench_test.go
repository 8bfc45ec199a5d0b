package forecast

import (
	"math"
	"math/rand/v2"
	"testing"
)

// capacitySeries makes n daily points shaped like cluster usage: a level,
// growth, a weekly cycle, occasional step changes and noise.
func capacitySeries(rng *rand.Rand, n int) []float64 {
	y := make([]float64, n)
	level := 20 + 80*rng.Float64()
	growth := level * 0.002 * rng.Float64()
	amp := level * 0.15 * rng.Float64()
	step := 0.0
	for t := range y {
		if rng.Float64() < 0.004 {
			step += level * 0.2 * (rng.Float64() - 0.3)
		}
		y[t] = level + growth*float64(t) + step + amp*math.Sin(2*math.Pi*float64(t)/7) + level*0.03*rng.NormFloat64()
	}
	return y
}

// BenchmarkAutoDaily fits 1,000 daily series of 730 points (two years)
// with automatic selection and forecasts 90 days with intervals, on one
// goroutine: ns/series is the CPU cost of one series.
func BenchmarkAutoDaily(b *testing.B) {
	rng := rand.New(rand.NewPCG(2026, 11))
	series := make([][]float64, 1000)
	for i := range series {
		series[i] = capacitySeries(rng, 730)
	}
	opts := Options{Horizon: 90, Periods: []int{7}}
	b.ReportAllocs()
	for b.Loop() {
		for _, y := range series {
			if _, err := Predict(y, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(series)), "ns/series")
}

// BenchmarkAutoHalfHourlyWeekly covers the longest default season: half-hourly
// data with daily (48) and weekly (336) periods, four weeks of history.
func BenchmarkAutoHalfHourlyWeekly(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 36))
	y := make([]float64, 48*28)
	for t := range y {
		y[t] = 100 + 20*math.Sin(2*math.Pi*float64(t)/48) + 10*math.Sin(2*math.Pi*float64(t)/336) + 3*rng.NormFloat64()
	}
	opts := Options{Horizon: 336, Periods: []int{48, 336}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Predict(y, opts); err != nil {
			b.Fatal(err)
		}
	}
}
