package forecast

import (
	"math"
	"testing"
	"time"
)

func TestAggregate(t *testing.T) {
	// 2026-01-26 is a Monday; 10 days run to Wednesday 2026-02-04.
	r := Regular{Name: "cpu", Start: time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC), Step: Step{Duration: 24 * time.Hour},
		Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	tests := []struct {
		p      Period
		how    Reducer
		starts []string
		values []float64
		counts []int
	}{
		{weekly, sum, []string{"2026-01-26", "2026-02-02"}, []float64{28, 27}, []int{7, 3}},
		{weekly, Mean, []string{"2026-01-26", "2026-02-02"}, []float64{4, 9}, []int{7, 3}},
		{Monthly, Max, []string{"2026-01-01", "2026-02-01"}, []float64{6, 10}, []int{6, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.how.String(), func(t *testing.T) {
			got, err := Aggregate(r, tt.p, tt.how)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.values) {
				t.Fatalf("%d buckets, want %d", len(got), len(tt.values))
			}
			for i, b := range got {
				if b.Start.Format(time.DateOnly) != tt.starts[i] || b.Value != tt.values[i] || b.Count != tt.counts[i] {
					t.Errorf("bucket %d = %s %v (%d), want %s %v (%d)", i, b.Start.Format(time.DateOnly), b.Value, b.Count, tt.starts[i], tt.values[i], tt.counts[i])
				}
			}
		})
	}
	if _, err := Aggregate(Regular{Name: "m", Step: Step{Months: 1}, Values: []float64{1}}, weekly, sum); err == nil {
		t.Error("monthly series aggregated to weeks")
	}
}

func TestBacktest(t *testing.T) {
	// A straight line is forecast perfectly by a trend model, so its
	// expected error must be (almost) zero; noise makes it grow with the
	// horizon.
	line := make([]float64, 120)
	for i := range line {
		line[i] = 10 + 0.5*float64(i)
	}
	res, err := backtest(line, Options{Horizon: 7, Method: "AAN"}, 4, 7)
	if err != nil {
		t.Fatal(err)
	}
	if res.Origins != 4 || res.MAE[6] > 1e-3 {
		t.Errorf("line: %d origins, MAE at 7 = %v; want 4 and ~0", res.Origins, res.MAE[6])
	}
	noisy := seasonalSeries(400, 7, 100, 0, 5, 2, 9)
	res, err = backtest(noisy, Options{Horizon: 14, Periods: []int{7}, Method: "ANA"}, 10, 7)
	if err != nil {
		t.Fatal(err)
	}
	if res.MAE[0] <= 0 || math.Abs(res.MAE[0]-2*math.Sqrt(2/math.Pi)) > 0.8 {
		t.Errorf("one-step MAE %v, want about %v (noise sd 2)", res.MAE[0], 2*math.Sqrt(2/math.Pi))
	}
	if res.Coverage[1] < 0.85 {
		t.Errorf("95%% coverage %v in backtest", res.Coverage[1])
	}
	if _, err := backtest([]float64{1, 2, 3}, Options{Horizon: 5}, 3, 0); err == nil {
		t.Error("backtest on 3 points did not fail")
	}
}

func TestSeasonalStrength(t *testing.T) {
	strong := seasonalSeries(300, 24, 100, 0.1, 20, 1, 1)
	weak := seasonalSeries(300, 24, 100, 0.1, 0.2, 5, 2)
	if s := seasonalStrength(strong, 24); s < 0.95 {
		t.Errorf("strength of a clear daily cycle = %.2f, want above 0.95", s)
	}
	if s := seasonalStrength(weak, 24); s > 0.2 {
		t.Errorf("strength of noise with a faint cycle = %.2f, want below 0.2", s)
	}
	if s := seasonalStrength(strong[:30], 24); s != 0 {
		t.Errorf("strength from less than two seasons = %.2f, want 0", s)
	}
}
