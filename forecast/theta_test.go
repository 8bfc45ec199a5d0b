package forecast

import (
	"math"
	"strings"
	"testing"
)

// TestThetaOnALine: on a straight line SES follows the level (α near 1)
// and Theta adds half the slope a step: the method's known damping of a
// trend, y_n + (k+1)·b/2 with b = 2 here.
func TestThetaOnALine(t *testing.T) {
	y := make([]float64, 40)
	for i := range y {
		y[i] = 10 + 2*float64(i) + 0.01*math.Sin(float64(i))
	}
	r, err := Predict(y, Options{Horizon: 6, Method: "theta"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "Theta" {
		t.Errorf("method %q", r.Method)
	}
	for k, v := range r.Mean {
		if want := y[39] + float64(k+1); math.Abs(v-want) > 0.05 {
			t.Errorf("step %d: %.3f, want %.3f (the last value plus half the slope a step)", k+1, v, want)
		}
	}
}

// TestThetaKeepsASeason: a multiplicative monthly season is tested,
// taken out and put back: the forecast's months keep their ratios.
func TestThetaKeepsASeason(t *testing.T) {
	season := []float64{0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7}
	y := make([]float64, 72)
	for i := range y {
		y[i] = 100 * season[i%12]
	}
	r, err := Predict(y, Options{Horizon: 12, Periods: []int{12}, Method: "theta"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "Theta[12]" {
		t.Fatalf("method %q, want the seasonal Theta", r.Method)
	}
	for k, v := range r.Mean {
		if want := 100 * season[(72+k)%12]; math.Abs(v-want) > 1 {
			t.Errorf("month %d: %.2f, want %.2f", k+1, v, want)
		}
	}
}

// TestAutoCombinesOnFewYears: a history of fewer than twelve seasons is
// forecast with Theta in the mix (monthly: the mean of ETS and Theta;
// daily: of the validated choice and Theta); a longer one by validated
// selection alone.
func TestAutoCombinesOnFewYears(t *testing.T) {
	y := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = 50 + 0.3*float64(i) + 5*math.Sin(2*math.Pi*float64(i)/12) + 2*math.Sin(float64(i*i))
		}
		return out
	}
	for _, tc := range []struct {
		n, period int
		comb      bool
	}{{60, 12, true}, {150, 12, false}, {60, 7, true}, {90, 7, false}} {
		r, err := Predict(y(tc.n), Options{Horizon: 12, Periods: []int{tc.period}})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(r.Method, "mean of ") && strings.Contains(r.Method, "Theta"); got != tc.comb {
			t.Errorf("%d points, period %d: %q, want the combination %v", tc.n, tc.period, r.Method, tc.comb)
		}
		for i := range r.Lower {
			for k := range r.Mean {
				if !(r.Lower[i][k] <= r.Mean[k] && r.Mean[k] <= r.Upper[i][k]) {
					t.Fatalf("%q: step %d outside its own interval", r.Method, k)
				}
			}
		}
	}
}

// TestDriftBands: a short trending history's intervals widen by k times
// the slope's standard error at step k; a long one's barely move; the
// mean does not move at all.
func TestDriftBands(t *testing.T) {
	series := func(n int) []float64 {
		y := make([]float64, n)
		for i := range y {
			y[i] = 100 + float64(i) + 3*math.Sin(float64(i*i))
		}
		return y
	}
	for _, tc := range []struct {
		n     int
		wider float64 // at least this much wider at the last step, relative
	}{{20, 0.2}, {2000, 0}} {
		y := series(tc.n)
		fc, err := Predict(y, Options{Horizon: 60, Method: "AAN"})
		if err != nil {
			t.Fatal(err)
		}
		before := fc.Upper[1][59] - fc.Lower[1][59]
		mean := fc.Mean[59]
		driftBands(y, &fc.Forecast)
		after := fc.Upper[1][59] - fc.Lower[1][59]
		if fc.Mean[59] != mean || after < before || after < (1+tc.wider)*before {
			t.Errorf("%d points: 95%% width %.2f -> %.2f, mean %.2f -> %.2f; want at least %.0f%% wider, the same mean", tc.n, before, after, mean, fc.Mean[59], 100*tc.wider)
		}
		if tc.n == 2000 && after > 1.01*before {
			t.Errorf("a long history's intervals widened from %.2f to %.2f", before, after)
		}
	}
}
