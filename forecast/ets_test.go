package forecast

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		code    string
		want    string
		wantErr string
	}{
		{"ANN", "ETS(A,N,N)", ""},
		{"AAdA", "ETS(A,Ad,A)", ""},
		{"mnm", "ETS(M,N,M)", ""},
		{"hw", "ETS(A,A,A)", ""},
		{"AMN", "", "trend must be N or A"},
		{"ANdN", "", "needs a trend"},
		{"XNN", "", "error must be A or M"},
		{"AN", "", "want a code like"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := parseSpec(tt.code)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSpec(%q) error = %v, want one containing %q", tt.code, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("ParseSpec(%q) = %v, %v; want %s", tt.code, got, err, tt.want)
			}
		})
	}
}

// The recursions, worked by hand.
func TestFilterKnownAnswers(t *testing.T) {
	tests := []struct {
		name      string
		spec      string
		p         params
		x         states
		y         []float64
		wantSSE   float64
		wantFinal states
	}{
		{
			// l: 10 -> 11 -> 9.5 -> 9.75; errors 2, -3, 0.5
			name: "simple exponential smoothing", spec: "ANN",
			p: params{Alpha: 0.5}, x: states{Level: 10}, y: []float64{12, 8, 10},
			wantSSE: 4 + 9 + 0.25, wantFinal: states{Level: 9.75},
		},
		{
			// t1: f = 10+1 = 11, e = 1, l = 11.5, b = 1 + 0.25*1 = 1.25
			// t2: f = 12.75, e = -0.75, l = 12.375, b = 1.25 - 0.1875 = 1.0625
			name: "linear trend", spec: "AAN",
			p: params{Alpha: 0.5, Beta: 0.25, Phi: 1}, x: states{Level: 10, Trend: 1}, y: []float64{12, 12},
			wantSSE: 1 + 0.5625, wantFinal: states{Level: 12.375, Trend: 1.0625},
		},
		{
			// t1 (phase 0): f = 10+2 = 12, e = 2, l = 10+0.5*2 = 11, s0 = 2+0.2*2 = 2.4
			// t2 (phase 1): f = 11-2 = 9, e = -1, l = 10.5, s1 = -2.2
			name: "additive season", spec: "ANA",
			p: params{Alpha: 0.5, Gamma: 0.2}, x: states{Level: 10, Season: []float64{2, -2}}, y: []float64{14, 8},
			wantSSE: 4 + 1, wantFinal: states{Level: 10.5, Season: []float64{2.4, -2.2}},
		},
		{
			// t1: f = 10*1.2 = 12, e = (15-12)/12 = 0.25, l = 10+0.5*(12.5-10) = 11.25,
			//     s0 = 1.2+0.1*(1.5-1.2) = 1.23
			name: "multiplicative error and season", spec: "MNM",
			p: params{Alpha: 0.5, Gamma: 0.1}, x: states{Level: 10, Season: []float64{1.2, 0.8}}, y: []float64{15},
			wantSSE: 0.0625, wantFinal: states{Level: 11.25, Season: []float64{1.23, 0.8}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := parseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			x := tt.x.clone()
			r := filter(spec, tt.p, &x, tt.y, 0, nil)
			if !r.ok {
				t.Fatal("filter failed")
			}
			if !near(r.sse, tt.wantSSE, 1e-12) {
				t.Errorf("sse = %v, want %v", r.sse, tt.wantSSE)
			}
			if !near(x.Level, tt.wantFinal.Level, 1e-12) || !near(x.Trend, tt.wantFinal.Trend, 1e-12) {
				t.Errorf("final level, trend = %v, %v; want %v, %v", x.Level, x.Trend, tt.wantFinal.Level, tt.wantFinal.Trend)
			}
			for i := range tt.wantFinal.Season {
				if !near(x.Season[i], tt.wantFinal.Season[i], 1e-12) {
					t.Errorf("season = %v, want %v", x.Season, tt.wantFinal.Season)
					break
				}
			}
		})
	}
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

// simulate draws n points from an ETS model with Gaussian errors.
func simulate(rng *rand.Rand, spec etsSpec, p params, x states, n int, sigma float64) []float64 {
	x = x.clone()
	y := make([]float64, n)
	one := make([]float64, 1)
	for t := range y {
		pointForecast(spec, p, x, t, one)
		e := sigma * rng.NormFloat64()
		if spec.Error == multiplicative {
			y[t] = one[0] * (1 + e)
		} else {
			y[t] = one[0] + e
		}
		filter(spec, p, &x, y[t:t+1], t, nil)
	}
	return y
}

func TestFitRecoversParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		spec  string
		p     params
		x     states
		sigma float64
	}{
		{"ANN", params{Alpha: 0.3}, states{Level: 100}, 2},
		{"AAdN", params{Alpha: 0.4, Beta: 0.1, Phi: 0.9}, states{Level: 50, Trend: 1}, 1},
		{"ANA", params{Alpha: 0.2, Gamma: 0.1}, states{Level: 100, Season: []float64{5, 0, -5, 0}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, _ := parseSpec(tt.spec)
			m := len(tt.x.Season)
			y := simulate(rng, spec, tt.p, tt.x, 2000, tt.sigma)
			fit, err := fitModel(y, m, spec)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(fit.Params.Alpha-tt.p.Alpha) > 0.05 {
				t.Errorf("alpha = %.3f, want %.3f ± 0.05", fit.Params.Alpha, tt.p.Alpha)
			}
			if spec.Season != noComponent && math.Abs(fit.Params.Gamma-tt.p.Gamma) > 0.05 {
				t.Errorf("gamma = %.3f, want %.3f ± 0.05", fit.Params.Gamma, tt.p.Gamma)
			}
			if s := math.Sqrt(fit.Sigma2); math.Abs(s-tt.sigma)/tt.sigma > 0.05 {
				t.Errorf("sigma = %.3f, want %.3f ± 5%%", s, tt.sigma)
			}
		})
	}
}

// Intervals must be calibrated: over many series drawn from a known model
// and fitted with that model, the share of future points inside each
// interval is close to its level.
func TestIntervalCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: fits hundreds of models")
	}
	tests := []struct {
		spec  string
		p     params
		x     states
		sigma float64
	}{
		{"AAdN", params{Alpha: 0.3, Beta: 0.05, Phi: 0.95}, states{Level: 100, Trend: 0.5}, 2},                        // analytic
		{"ANA", params{Alpha: 0.2, Gamma: 0.1}, states{Level: 100, Season: []float64{6, 2, -3, -5, 0, 4, -4}}, 2},     // analytic, seasonal
		{"MNM", params{Alpha: 0.2, Gamma: 0.1}, states{Level: 100, Season: []float64{1.1, 1, 0.9, 1.05, 0.95}}, 0.03}, // simulated
	}
	const series, n, h = 300, 200, 20
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, _ := parseSpec(tt.spec)
			m := len(tt.x.Season)
			rng := rand.New(rand.NewPCG(7, uint64(m)))
			var in80, in95, total float64
			for range series {
				y := simulate(rng, spec, tt.p, tt.x, n+h, tt.sigma)
				fit, err := fitModel(y[:n], m, spec)
				if err != nil {
					t.Fatal(err)
				}
				fc := fit.Forecast(h, defaultLevels)
				for k, v := range y[n:] {
					if v >= fc.Lower[0][k] && v <= fc.Upper[0][k] {
						in80++
					}
					if v >= fc.Lower[1][k] && v <= fc.Upper[1][k] {
						in95++
					}
					total++
				}
			}
			c80, c95 := in80/total, in95/total
			t.Logf("coverage: 80%% -> %.3f, 95%% -> %.3f", c80, c95)
			if c80 < 0.75 || c80 > 0.85 || c95 < 0.92 || c95 > 0.975 {
				t.Errorf("coverage 80%%: %.3f (want 0.75-0.85), 95%%: %.3f (want 0.92-0.975)", c80, c95)
			}
		})
	}
}

// The empirical envelope widens intervals for a series whose history holds
// a level shift the model cannot foresee, and barely touches white noise.
func TestEmpiricalEnvelope(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	noise := make([]float64, 400)
	shifted := make([]float64, 400)
	for i := range noise {
		noise[i] = 50 + rng.NormFloat64()
		shifted[i] = noise[i]
		if i >= 200 && i < 260 {
			shifted[i] += 15 // an outage-like excursion in the history
		}
	}
	spec, _ := parseSpec("ANN")
	widthRatio := func(y []float64) float64 {
		fit, err := fitModel(y, 0, spec)
		if err != nil {
			t.Fatal(err)
		}
		fc := fit.Forecast(20, defaultLevels)
		before := fc.Upper[1][19] - fc.Lower[1][19]
		fc.envelop(fit, y)
		return (fc.Upper[1][19] - fc.Lower[1][19]) / before
	}
	if r := widthRatio(noise); r > 1.15 {
		t.Errorf("white noise: envelope widened the 95%% interval %.2f×, want under 1.15×", r)
	}
	if r := widthRatio(shifted); r < 1.3 {
		t.Errorf("history with a level shift: envelope widened the 95%% interval only %.2f×, want at least 1.3×", r)
	}
}

// A multiplicative-error model fitted to a spiky series has sigma above 1.
// Its simulated paths must stay positive, as the model assumes, and the
// first step's band must be skewed up the way the spikes are: normal draws
// of 1+e went negative here and gave bands far below zero.
func TestMultiplicativePathsStayPositive(t *testing.T) {
	spec, _ := parseSpec("MNN")
	mdl := &model{Spec: spec, Params: params{Alpha: 0.6}, N: 300, Sigma2: 1.27 * 1.27,
		Initial: states{Level: 2.3}, Final: states{Level: 2.3}}
	fc := mdl.Forecast(48, defaultLevels)
	for k := range fc.Mean {
		if !(fc.Lower[1][k] > 0) {
			t.Fatalf("step %d: 95%% lower bound %v, want above zero", k+1, fc.Lower[1][k])
		}
	}
	if up, down := fc.Upper[1][0]-fc.Mean[0], fc.Mean[0]-fc.Lower[1][0]; up < 2*down {
		t.Errorf("step 1: upper half-width %.2f, want at least twice the lower %.2f", up, down)
	}
}

// A warm start from another model's fit must not take parameters that sit
// at a bound: there the logistic transform is flat and the search stalls.
func TestRelatedStartSkipsBounds(t *testing.T) {
	spec, _ := parseSpec("AAdN")
	y := make([]float64, 50)
	for i := range y {
		y[i] = float64(i % 7)
	}
	x0 := initialStates(spec, y, 0)
	defaults := newCoords(spec, y, x0, 0, fitOptions{}).start
	atBounds := &params{Alpha: maxSmooth, Beta: maxSmooth * minSmooth, Phi: 1}
	inside := &params{Alpha: 0.5, Beta: 0.1, Phi: 1}
	for _, tc := range []struct {
		name    string
		fo      fitOptions
		changed []bool // alpha, beta*, phi taken from the start
	}{
		{"related, at bounds", fitOptions{start: atBounds, related: true}, []bool{false, false, false}},
		{"related, inside", fitOptions{start: inside, related: true}, []bool{true, true, false}},
		{"own shorter fit, at bounds", fitOptions{start: atBounds}, []bool{true, true, false}},
	} {
		got := newCoords(spec, y, x0, 0, tc.fo).start
		for i, want := range tc.changed {
			if taken := got[i] != defaults[i]; taken != want {
				t.Errorf("%s: coordinate %d taken from the start = %v, want %v", tc.name, i, taken, want)
			}
		}
	}
}

// aiccOver on the fitted sample itself is the fit's own AICc; with later
// points it must score them (worse when they break from the model).
func TestAICcOver(t *testing.T) {
	y := seasonalSeries(300, 24, 100, 0, 10, 1, 9)
	spec, _ := parseSpec("ANA")
	mdl, err := fitModel(y[:250], 24, spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := mdl.aiccOver(y[:250]); math.Abs(got-mdl.AICc) > 1e-9*math.Abs(mdl.AICc) {
		t.Errorf("aiccOver(fitted sample) = %v, AICc %v", got, mdl.AICc)
	}
	shifted := append([]float64(nil), y...)
	for i := 250; i < 300; i++ {
		shifted[i] += 30
	}
	if calm, jump := mdl.aiccOver(y), mdl.aiccOver(shifted); !(jump > calm) {
		t.Errorf("a level shift after the sample scored %v, no worse than the calm continuation's %v", jump, calm)
	}
}
