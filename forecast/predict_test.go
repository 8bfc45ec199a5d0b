package forecast

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func seasonalSeries(n, m int, level, slope, amp, noise float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	y := make([]float64, n)
	for t := range y {
		y[t] = level + slope*float64(t) + amp*math.Sin(2*math.Pi*float64(t)/float64(m)) + noise*rng.NormFloat64()
	}
	return y
}

func TestPredictFallbacks(t *testing.T) {
	tests := []struct {
		name       string
		y          []float64
		opts       Options
		wantMethod string
		wantNote   string
	}{
		{"constant", []float64{5, 5, 5, 5, 5, 5, 5, 5}, Options{Horizon: 3, Periods: []int{7}}, "constant", "constant"},
		{"two points", []float64{1, 2}, Options{Horizon: 3}, "naive", "only 2 points"},
		{"short seasonal", seasonalSeries(20, 12, 100, 0, 5, 1, 1), Options{Horizon: 3, Periods: []int{12}, Method: "AAA"}, "ETS(A,A,N)", "fewer than two seasons"},
		{"non-positive", append([]float64{0}, seasonalSeries(60, 7, 50, 0, 5, 1, 2)...), Options{Horizon: 3, Periods: []int{7}, Method: "MNM"}, "ETS(A,N,A)[7]", "needs positive data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Predict(tt.y, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != tt.wantMethod {
				t.Errorf("method = %q, want %q", r.Method, tt.wantMethod)
			}
			if !strings.Contains(strings.Join(r.Notes, "; "), tt.wantNote) {
				t.Errorf("notes = %q, want one containing %q", r.Notes, tt.wantNote)
			}
			if len(r.Mean) != tt.opts.Horizon {
				t.Errorf("%d steps, want %d", len(r.Mean), tt.opts.Horizon)
			}
		})
	}
}

func TestPredictConstantHasZeroWidth(t *testing.T) {
	r, err := Predict([]float64{3, 3, 3, 3}, Options{Horizon: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Levels {
		for k := range r.Mean {
			if r.Mean[k] != 3 || r.Lower[i][k] != 3 || r.Upper[i][k] != 3 {
				t.Fatalf("step %d: %v [%v, %v], want 3 [3, 3]", k, r.Mean[k], r.Lower[i][k], r.Upper[i][k])
			}
		}
	}
}

func TestAutoNeverMultiplicativeOnNonPositiveData(t *testing.T) {
	y := seasonalSeries(200, 7, 5, 0, 4, 1, 4) // dips below zero
	if allPositive(y) {
		t.Fatal("test series should not be positive")
	}
	r, err := Predict(y, Options{Horizon: 14, Periods: []int{7}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Method, "(M") || strings.Contains(r.Method, ",M)") {
		t.Errorf("auto chose %s for data with non-positive values", r.Method)
	}
}

func TestPredictRejectsBadInput(t *testing.T) {
	if _, err := Predict([]float64{1, math.NaN(), 3}, Options{Horizon: 2}); err == nil || !strings.Contains(err.Error(), "value 1") {
		t.Errorf("NaN: error = %v, want one naming value 1", err)
	}
	if _, err := Predict([]float64{1, 2, 3}, Options{Horizon: 0}); err == nil {
		t.Error("horizon 0 accepted")
	}
	if _, err := Predict([]float64{1, 2, 3}, Options{Horizon: 2, Levels: []float64{100}}); err == nil {
		t.Error("level 100 accepted")
	}
	if _, err := Predict([]float64{1, 2, 3}, Options{Horizon: 2, Method: "AMM"}); err == nil {
		t.Error("unknown model accepted")
	}
}

// Auto must not be fooled by a trend that fits the past and then stops: on
// a ramp that flattens, validation on the last horizon prefers a model that
// does not extrapolate the old slope.
func TestAutoPicksTheBetterForecaster(t *testing.T) {
	y := seasonalSeries(400, 7, 100, 0, 10, 1, 5)
	for t := range 300 {
		y[t] += 0.5 * float64(t-300)
	}
	r, err := Predict(y, Options{Horizon: 60, Periods: []int{7}})
	if err != nil {
		t.Fatal(err)
	}
	// Steps 0 and 56 share a phase of the weekly season.
	if drift := r.Mean[56] - r.Mean[0]; math.Abs(drift) > 5 {
		t.Errorf("%s drifts by %.1f over 8 weeks on a series flat for its last 100 points", r.Method, drift)
	}
}

func TestIntervalsAreNested(t *testing.T) {
	y := seasonalSeries(300, 24, 200, 0.1, 30, 5, 6)
	for _, method := range []string{"auto", "ets", "hw", "snaive", "MNM", "MAdN"} {
		r, err := Predict(y, Options{Horizon: 48, Periods: []int{24}, Method: method})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		for k := range r.Mean {
			lo95, lo80, hi80, hi95 := r.Lower[1][k], r.Lower[0][k], r.Upper[0][k], r.Upper[1][k]
			if !(lo95 <= lo80 && lo80 <= r.Mean[k] && r.Mean[k] <= hi80 && hi80 <= hi95) {
				t.Fatalf("%s step %d: %v <= %v <= %v <= %v <= %v does not hold", method, k, lo95, lo80, r.Mean[k], hi80, hi95)
			}
		}
	}
}

func TestRegularize(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, 1+d, 0, 0, 0, 0, time.UTC) }
	r, err := Regularize(Series{Name: "disk", Times: []time.Time{day(0), day(1), day(4), day(5)}, Values: []float64{1, 2, 5, 6}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 2, 3, 4, 5, 6}; !equal(r.Values, want) {
		t.Errorf("values = %v, want %v", r.Values, want)
	}
	if want := []int{2, 3}; len(r.Filled) != 2 || r.Filled[0] != want[0] || r.Filled[1] != want[1] {
		t.Errorf("filled = %v, want %v", r.Filled, want)
	}
	if r.Step.Duration != 24*time.Hour || !r.Time(6).Equal(day(6)) {
		t.Errorf("step %v, next time %v", r.Step, r.Time(6))
	}

	months := []time.Time{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	r, err = Regularize(Series{Name: "m", Times: months, Values: []float64{1, 2, 3}})
	if err != nil || r.Step.Months != 1 || !r.Time(3).Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("monthly: step %v, next %v, err %v", r.Step, r.Time(3), err)
	}

	errTests := []struct {
		name string
		s    Series
		want string
	}{
		{"NaN", Series{Name: "cpu", Times: []time.Time{day(0), day(1)}, Values: []float64{1, math.NaN()}}, `series "cpu" at 2026-01-02T00:00:00Z`},
		{"Inf", Series{Name: "cpu", Times: []time.Time{day(0), day(1)}, Values: []float64{math.Inf(1), 1}}, `series "cpu" at 2026-01-01T00:00:00Z`},
		{"off grid", Series{Name: "mem", Times: []time.Time{day(0), day(1), day(2), day(3).Add(time.Hour)}, Values: []float64{1, 2, 3, 4}}, "off the 24h0m0s grid"},
		{"out of order", Series{Name: "mem", Times: []time.Time{day(1), day(0)}, Values: []float64{1, 2}}, "not after the previous"},
		{"empty", Series{Name: "x"}, "no observations"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Regularize(tt.s); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}

func TestDefaultPeriods(t *testing.T) {
	tests := []struct {
		step Step
		want []int
	}{
		{Step{Duration: time.Hour}, []int{24, 168}},
		{Step{Duration: 30 * time.Minute}, []int{48, 336}},
		{Step{Duration: 24 * time.Hour}, []int{7}},
		{Step{Months: 1}, []int{12}},
		{Step{Duration: 7 * time.Minute}, nil},
	}
	for _, tt := range tests {
		if got := tt.step.DefaultPeriods(); len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("%v: %v, want %v", tt.step, got, tt.want)
		}
	}
}

func TestForecastAllKeepsOrderAndErrors(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(name string, vals []float64) Series {
		s := Series{Name: name, Values: vals}
		for i := range vals {
			s.Times = append(s.Times, start.Add(time.Duration(i)*time.Hour))
		}
		return s
	}
	in := []Series{
		mk("a", seasonalSeries(400, 24, 10, 0, 2, 0.5, 1)),
		mk("bad", []float64{1, math.NaN(), 2}),
		mk("c", seasonalSeries(100, 24, 10, 0, 2, 0.5, 2)),
	}
	out, err := ForecastAll(context.Background(), in, Options{Horizon: 5}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Series.Name != "a" || out[2].Series.Name != "c" || out[1].Err == nil {
		t.Fatalf("order or errors wrong: %q %v %q", out[0].Series.Name, out[1].Err, out[2].Series.Name)
	}
	if !out[0].Times[0].Equal(start.Add(400 * time.Hour)) {
		t.Errorf("first forecast time %v, want %v", out[0].Times[0], start.Add(400*time.Hour))
	}
	if len(out[0].Periods) != 2 || out[0].Periods[1] != 168 {
		t.Errorf("periods for hourly data = %v, want [24 168]", out[0].Periods)
	}
}

// A weekly cycle in half-hourly data (period 336) is found and followed.
func TestAutoFindsLongSeason(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 336))
	y := make([]float64, 48*28+336)
	for i := range y {
		weekday := 1.0
		if (i/48)%7 >= 5 {
			weekday = 0.4 // quiet weekends
		}
		y[i] = 100*weekday + 20*math.Sin(2*math.Pi*float64(i)/48) + rng.NormFloat64()
	}
	train, test := y[:len(y)-336], y[len(y)-336:]
	r, err := Predict(train, Options{Horizon: 336, Periods: []int{48, 336}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(r.Method, "[336]") {
		t.Errorf("method %s, want a model with the weekly season [336]", r.Method)
	}
	var mae float64
	for i, v := range test {
		mae += math.Abs(v - r.Mean[i])
	}
	if mae /= float64(len(test)); mae > 3 {
		t.Errorf("mean absolute error %.2f over the next week, want under 3 (noise sd 1)", mae)
	}
}

func TestUseMeanOfKeepsBoundsAroundMean(t *testing.T) {
	spec, _ := parseSpec("ANN")
	m := &model{Spec: spec, Params: params{Alpha: 0.5}, Final: states{Level: 10}}
	fc := Forecast{Mean: []float64{0, 0}, Levels: []float64{95},
		Lower: [][]float64{{5, 12}}, Upper: [][]float64{{15, 20}}}
	fc.useMeanOf(m)
	want := Forecast{Mean: []float64{10, 10}, Levels: []float64{95},
		Lower: [][]float64{{5, 10}}, Upper: [][]float64{{15, 20}}}
	if !equal(fc.Mean, want.Mean) || !equal(fc.Lower[0], want.Lower[0]) || !equal(fc.Upper[0], want.Upper[0]) {
		t.Errorf("got mean %v, bounds %v..%v; want %v, %v..%v", fc.Mean, fc.Lower[0], fc.Upper[0], want.Mean, want.Lower[0], want.Upper[0])
	}
}

// After level shifts, validation on a quiet held-out window may prefer a
// model whose intervals understate how far the series moves; auto then
// takes the intervals from the likelihood's choice, names it, and keeps
// the bounds around its own point forecast.
func TestAutoTakesIntervalsFromLikelihoodChoice(t *testing.T) {
	split := 0
	for seed := uint64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		y := make([]float64, 300)
		for i := range y {
			level := 41.0
			if i >= 100 {
				level = 34
			}
			if i >= 180 && i < 188 {
				level = 3 // an outage
			}
			y[i] = level + 0.4*rng.NormFloat64()
		}
		r, err := Predict(y, Options{Horizon: 48, Periods: []int{24}})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(r.Method, ", intervals ETS(") {
			split++
		}
		for k := range r.Mean {
			if !(r.Lower[1][k] <= r.Lower[0][k] && r.Lower[0][k] <= r.Mean[k] && r.Mean[k] <= r.Upper[0][k] && r.Upper[0][k] <= r.Upper[1][k]) {
				t.Fatalf("seed %d, %s, step %d: bounds do not hold the mean", seed, r.Method, k+1)
			}
		}
	}
	if split == 0 {
		t.Error("no series took its intervals from another model")
	}
}

// TestAutoWeekOfHours: hourly counts with a weekly rhythm (busy weekdays,
// quiet nights and weekends) whose profile drifts from week to week, seven
// weeks of it. An ETS model learns its 168 seasonal states from those few
// weeks badly; the mean of Theta (every week's average profile) and
// seasonal naive (last week's) forecasts the next week better, and auto
// picks it.
func TestAutoWeekOfHours(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 168))
	y := make([]float64, 168*7)
	drift := make([]float64, 168)
	for i := range y {
		if i%168 == 0 {
			for k := range drift {
				drift[k] += 0.2 * rng.NormFloat64()
			}
		}
		hour, day := i%24, (i/24)%7
		rate := 2 + 30*math.Max(0, math.Sin(math.Pi*float64(hour-6)/14))
		if day >= 5 {
			rate *= 0.3
		}
		y[i] = math.Round(rate * math.Exp(drift[i%168]+0.2*rng.NormFloat64()))
	}
	train, test := y[:len(y)-168], y[len(y)-168:]
	mae := func(mean []float64) float64 {
		var s float64
		for i, v := range test {
			s += math.Abs(v - mean[i])
		}
		return s / float64(len(test))
	}
	r, err := Predict(train, Options{Horizon: 168, Periods: []int{24, 168}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "mean of Theta[168] and snaive[168]"; r.Method != want {
		t.Errorf("method %s, want %s", r.Method, want)
	}
	ets, err := Predict(train, Options{Horizon: 168, Periods: []int{168}, Method: "ANA"})
	if err != nil {
		t.Fatal(err)
	}
	if got, other := mae(r.Mean), mae(ets.Mean); got > 0.9*other {
		t.Errorf("mean absolute error %.2f over the next week, ETS(A,N,A)[168] %.2f: want at least 10%% lower", got, other)
	}
}

// TestSeasonalNaiveTakesTheLikelihoodsSpread: a stable weekly rhythm with
// spikes, where last week's values forecast the held-out weeks best. The
// forecast keeps seasonal naive's means, but not its intervals, which are
// a seasonal random walk's (thirteen weeks out 3.7 times as wide as next
// week): the likelihood's choice knows the series does not wander, and
// its bounds hold the next thirteen weeks about as often as they say.
func TestSeasonalNaiveTakesTheLikelihoodsSpread(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	week := []float64{0, 30, 32, 31, 29, 28, -40}
	y := make([]float64, 400+91)
	for i := range y {
		y[i] = 200 + week[i%7] + 2*rng.NormFloat64()
		if rng.Float64() < 0.05 {
			y[i] += 60
		}
	}
	train, test := y[:400], y[400:]
	r, err := Predict(train, Options{Horizon: 91, Periods: []int{7}, Levels: []float64{80, 95}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Method, "snaive[7], intervals ETS(") {
		t.Fatalf("method %s, want seasonal naive with an ETS model's intervals", r.Method)
	}
	for k, mu := range r.Mean {
		if want := train[400-7+k%7]; mu != want {
			t.Fatalf("step %d: mean %.2f, want last week's %.2f", k+1, mu, want)
		}
	}
	first, last := r.Upper[1][0]-r.Lower[1][0], r.Upper[1][90]-r.Lower[1][90]
	if last > 1.5*first {
		t.Errorf("95%% interval %.1f wide next week, %.1f thirteen weeks out: want about the same", first, last)
	}
	in := 0
	for k, v := range test {
		if r.Lower[1][k] <= v && v <= r.Upper[1][k] {
			in++
		}
	}
	if cov := float64(in) / float64(len(test)); cov < 0.85 {
		t.Errorf("95%% intervals hold %.2f of the next 91 days", cov)
	}
}
