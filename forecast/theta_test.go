package forecast

import (
	"math"
	"math/rand/v2"
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

// TestThetaSeasonWithZeros: hourly counts that touch zero at night are
// still deseasonalised, as R's thetaf does (classical decomposition
// divides by the trend, never by an observation). R's forecast 8.20 on
// the same series, thetaf(ts(y, frequency = 24), h = 24)$mean, made by
// the script in the comment's last line:
//
//	t <- 0:239; y <- pmax(0, round(6*sin(2*pi*t/24) + 5 + 3*sin(t*t/7)))
func TestThetaSeasonWithZeros(t *testing.T) {
	y := []float64{
		5, 7, 10, 12, 12, 10, 8, 13, 11, 7, 11, 4, 8, 1, 3, 3, 0, 0, 1, 2, 1, 1, 2, 4, 7, 9, 10, 8, 8, 13,
		12, 8, 13, 6, 11, 4, 6, 6, 0, 0, 2, 2, 1, 0, 0, 2, 4, 6, 7, 5, 5, 12, 11, 9, 14, 8, 13, 7, 8, 9, 3,
		2, 4, 4, 2, 0, 0, 0, 2, 4, 4, 1, 3, 9, 8, 7, 13, 8, 14, 9, 10, 12, 6, 4, 6, 6, 5, 2, 1, 1, 2, 2, 1,
		0, 0, 6, 4, 5, 10, 7, 12, 10, 10, 14, 9, 7, 9, 9, 8, 6, 4, 3, 3, 2, 0, 0, 0, 4, 1, 3, 7, 5, 10, 9,
		9, 14, 10, 8, 10, 12, 11, 9, 8, 6, 5, 3, 0, 0, 0, 2, 0, 1, 3, 2, 6, 7, 6, 12, 11, 8, 10, 12, 13, 12,
		11, 10, 8, 5, 0, 0, 1, 2, 0, 1, 0, 1, 2, 5, 2, 9, 9, 7, 8, 11, 13, 14, 13, 12, 10, 7, 2, 1, 4, 2, 0,
		2, 0, 0, 0, 3, 0, 4, 7, 5, 5, 8, 11, 13, 13, 13, 11, 8, 5, 6, 8, 3, 0, 4, 0, 2, 0, 2, 0, 0, 5, 3, 2,
		4, 8, 10, 11, 11, 10, 8, 8, 10, 11, 5, 4, 6, 0, 4, 0, 2, 0, 0, 2, 2, 0, 0,
	}
	want := []float64{
		4.2812, 5.5465, 6.7614, 7.6487, 8.9881, 9.2586, 10.1131, 8.9483, 9.5105, 8.1607, 7.7823, 5.9435,
		5.3345, 3.3655, 2.3367, 1.9832, 0.8418, 1.0393, 0.3827, 0.8571, 0.3825, 1.4934, 1.9970, 3.2141,
	}
	r, err := Predict(y, Options{Horizon: 24, Periods: []int{24}, Method: "theta"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "Theta[24]" {
		t.Fatalf("method %q, want the seasonal Theta", r.Method)
	}
	for k, v := range r.Mean {
		// The seasonal indices agree to 5 digits; SES's α sits at its
		// lower bound in both, where the optimisers stop 0.3% apart.
		if math.Abs(v-want[k]) > 0.005*want[k] {
			t.Errorf("hour %d: %.4f, R's thetaf %.4f", k+1, v, want[k])
		}
	}
}

// TestAutoKeepsSeasonOfTwoYears: from two years of a monthly series with
// a clear yearly swing and noise, AICc (with twelve seasonal states to pay
// for from 24 points) and Theta's seasonal test both drop the season; the
// damped seasonal model averaged in under shortSeasons keeps it, and the
// next year's months keep most of their swing.
func TestAutoKeepsSeasonOfTwoYears(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 24))
	swing := func(month int) float64 { return 15 * math.Cos(2*math.Pi*float64(month)/12) }
	y := make([]float64, 24)
	for i := range y {
		y[i] = 100 + 0.5*float64(i) + swing(i) + 8*rng.NormFloat64()
	}
	r, err := Predict(y, Options{Horizon: 12, Periods: []int{12}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Method, "ETS(A,Ad,A)[12]") {
		t.Errorf("method %q, want ETS(A,Ad,A)[12] among the averaged", r.Method)
	}
	// The forecast's January-to-July difference against the true one (30).
	if got := r.Mean[0] - r.Mean[6]; got < 10 {
		t.Errorf("%s: next January %.1f above July, the season has it 30", r.Method, got)
	}
}
