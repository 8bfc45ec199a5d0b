package forecast

import "math"

// Forecast is a point forecast with prediction intervals. Lower[i] and
// Upper[i] are the bounds of the central Levels[i]% interval at each step.
type Forecast struct {
	Mean   []float64   `json:"mean"`
	Levels []float64   `json:"levels"`
	Lower  [][]float64 `json:"lower"`
	Upper  [][]float64 `json:"upper"`
}

// defaultLevels are the interval levels used when none are asked for.
var defaultLevels = []float64{80, 95}

// Forecast gives h steps ahead. Intervals are analytic for the linear
// models (additive error, no multiplicative season: Hyndman et al. 2008,
// class 1) and otherwise quantiles of simulated sample paths, drawn with a
// fixed seed so that a run is reproducible.
func (m *model) Forecast(h int, levels []float64) Forecast {
	return m.forecast(h, levels, simPaths)
}

// forecast is Forecast with paths sample paths where it simulates.
func (m *model) forecast(h int, levels []float64, paths int) Forecast {
	fc := Forecast{Mean: make([]float64, h), Levels: levels}
	m.pointForecast(fc.Mean)
	if m.Spec.Error == additive && m.Spec.Season != multiplicative {
		sd := m.analyticSD(h)
		fc.Lower, fc.Upper = normalBands(fc.Mean, sd, levels)
		return fc
	}
	fc.Lower, fc.Upper = m.simulatedBands(h, m.nextPhase(), paths, levels, fc.Mean)
	return fc
}

// nextPhase is the seasonal phase of the step after the sample.
func (m *model) nextPhase() int {
	if m.Period == 0 {
		return 0
	}
	return m.N % m.Period
}

// pointForecast writes the means of the next len(out) steps.
func (m *model) pointForecast(out []float64) {
	pointForecast(m.Spec, m.Params, m.Final, m.nextPhase(), out)
}

// analyticSD is the h-step forecast standard deviation of a class 1 model:
// sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha + beta*phi_j + gamma*[j mod m = 0].
func (m *model) analyticSD(h int) []float64 {
	sd := make([]float64, h)
	p := m.Params
	var sum, phiJ, phiPow float64
	phiPow = 1
	for step := range h {
		sd[step] = math.Sqrt(m.Sigma2 * (1 + sum))
		j := step + 1
		c := p.Alpha
		if m.Spec.Trend != noComponent {
			if m.Spec.Damped {
				phiPow *= p.Phi
				phiJ += phiPow
			} else {
				phiJ = float64(j)
			}
			c += p.Beta * phiJ
		}
		if m.Spec.Season != noComponent && j%m.Period == 0 {
			c += p.Gamma
		}
		sum += c * c
	}
	return sd
}

func normalBands(mean, sd, levels []float64) (lower, upper [][]float64) {
	lower, upper = newBands(len(levels), len(mean))
	for i, lv := range levels {
		z := zQuantile(lv)
		for t, mu := range mean {
			lower[i][t] = mu - z*sd[t]
			upper[i][t] = mu + z*sd[t]
		}
	}
	return lower, upper
}

// zQuantile is the standard normal quantile that leaves (100-level)/2 % in
// each tail.
func zQuantile(level float64) float64 {
	return math.Sqrt2 * math.Erfinv(level/100)
}

// newBands allocates lower and upper bounds for levels intervals of h steps.
func newBands(levels, h int) (lower, upper [][]float64) {
	lower = make([][]float64, levels)
	upper = make([][]float64, levels)
	for i := range levels {
		lower[i] = make([]float64, h)
		upper[i] = make([]float64, h)
	}
	return lower, upper
}

// useMeanOf replaces the forecast's mean by m's point forecast, keeping the
// bounds but widening them where needed so that they still hold the mean.
func (fc *Forecast) useMeanOf(m *model) {
	m.pointForecast(fc.Mean)
	for i := range fc.Levels {
		for k, mu := range fc.Mean {
			fc.Lower[i][k] = math.Min(fc.Lower[i][k], mu)
			fc.Upper[i][k] = math.Max(fc.Upper[i][k], mu)
		}
	}
}

// centreOn moves the forecast to the given mean, each bound by as much
// as the mean moved at its step: the width stays the model's.
func (fc *Forecast) centreOn(mean []float64) {
	for k, mu := range mean {
		d := mu - fc.Mean[k]
		for i := range fc.Levels {
			fc.Lower[i][k] += d
			fc.Upper[i][k] += d
		}
		fc.Mean[k] = mu
	}
}

// driftBands widens the bounds by the uncertainty of the series' drift.
// A straight line fitted to the history has a slope whose standard error
// (widened by (1+ρ)/(1−ρ) for residuals autocorrelated at lag 1, ρ in
// [0, 0.95]) no ETS variance counts: k steps ahead the forecast may be off
// by k times it on that account alone. Each bound's distance from the mean,
// read as z·sd for its level, becomes z·√(sd² + (k·se)²). On a long
// history the slope is known well and nothing changes; on a short one the
// intervals stop under-covering (docs/BENCHMARKS.md: synthetic-short's 80%
// and 95% intervals from 0.69 and 0.85 of the truth to 0.81 and 0.93).
func driftBands(y []float64, fc *Forecast) {
	n := len(y)
	if n < 3 {
		return
	}
	mx := float64(n-1) / 2
	my, b := line(y)
	var rr, r1, prev, sxx float64
	for t, v := range y {
		dx := float64(t) - mx
		sxx += dx * dx
		r := v - my - b*dx
		rr += r * r
		if t > 0 {
			r1 += r * prev
		}
		prev = r
	}
	if rr == 0 {
		return
	}
	rho := math.Max(0, math.Min(0.95, r1/rr))
	se := math.Sqrt(rr / float64(n-2) / sxx * (1 + rho) / (1 - rho))
	for i, level := range fc.Levels {
		z := zQuantile(level)
		for k, mu := range fc.Mean {
			add := math.Pow(float64(k+1)*se, 2)
			lo, hi := (mu-fc.Lower[i][k])/z, (fc.Upper[i][k]-mu)/z
			fc.Lower[i][k] = mu - z*math.Sqrt(lo*lo+add)
			fc.Upper[i][k] = mu + z*math.Sqrt(hi*hi+add)
		}
	}
}
