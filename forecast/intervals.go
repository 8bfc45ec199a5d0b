package forecast

import (
	"math"
	"math/rand/v2"
)

// Forecast is a point forecast with prediction intervals. Lower[i] and
// Upper[i] are the bounds of the central Levels[i]% interval at each step.
type Forecast struct {
	Mean   []float64   `json:"mean"`
	Levels []float64   `json:"levels"`
	Lower  [][]float64 `json:"lower"`
	Upper  [][]float64 `json:"upper"`
}

// DefaultLevels are the interval levels used when none are asked for.
var DefaultLevels = []float64{80, 95}

// simPaths is the number of sample paths for models without closed-form
// variances. The intervals are normal around the point forecast with the
// simulated variance (as R's forecast::ets does with its class 2 and 3
// approximations); 1,000 paths put the standard deviation within about 2%.
const simPaths = 1000

// Forecast gives h steps ahead. Intervals are analytic for the linear
// models (additive error, no multiplicative season: Hyndman et al. 2008,
// class 1) and otherwise normal with the variance of simulated sample
// paths, drawn with a fixed seed so that a run is reproducible.
func (m *Model) Forecast(h int, levels []float64) Forecast {
	fc := Forecast{Mean: make([]float64, h), Levels: levels}
	phase := 0
	if m.Period > 0 {
		phase = m.N % m.Period
	}
	pointForecast(m.Spec, m.Params, m.Final, phase, fc.Mean)
	if m.Spec.Error == Additive && m.Spec.Season != Multiplicative {
		sd := m.analyticSD(h)
		fc.Lower, fc.Upper = normalBands(fc.Mean, sd, levels)
		return fc
	}
	fc.Lower, fc.Upper = normalBands(fc.Mean, m.simulatedSD(h, phase), levels)
	return fc
}

// analyticSD is the h-step forecast standard deviation of a class 1 model:
// sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha + beta*phi_j + gamma*[j mod m = 0].
func (m *Model) analyticSD(h int) []float64 {
	sd := make([]float64, h)
	p := m.Params
	var sum, phiJ, phiPow float64
	phiPow = 1
	for step := range h {
		sd[step] = math.Sqrt(m.Sigma2 * (1 + sum))
		j := step + 1
		c := p.Alpha
		if m.Spec.Trend != None {
			if m.Spec.Damped {
				phiPow *= p.Phi
				phiJ += phiPow
			} else {
				phiJ = float64(j)
			}
			c += p.Beta * phiJ
		}
		if m.Spec.Season != None && j%m.Period == 0 {
			c += p.Gamma
		}
		sum += c * c
	}
	return sd
}

func normalBands(mean, sd, levels []float64) (lower, upper [][]float64) {
	lower = make([][]float64, len(levels))
	upper = make([][]float64, len(levels))
	for i, lv := range levels {
		z := zQuantile(lv)
		lower[i] = make([]float64, len(mean))
		upper[i] = make([]float64, len(mean))
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

// simulatedSD draws sample paths from the fitted model's own error
// process and returns the standard deviation of the paths at each step.
// Paths that leave the model's domain (a multiplicative level at zero) stay
// where they left it.
func (m *Model) simulatedSD(h, phase int) []float64 {
	rng := rand.New(rand.NewPCG(0x636170706c616e, uint64(m.N)))
	sigma := math.Sqrt(m.Sigma2)
	p := m.Params
	spec := m.Spec
	period := m.Period
	hasTrend := spec.Trend != None
	phi := p.Phi
	if !hasTrend {
		phi = 0
	}
	bRatio := 0.0
	if hasTrend {
		bRatio = p.Beta / p.Alpha
	}
	sum := make([]float64, h)
	sumSq := make([]float64, h)
	// A path that leaves the model's domain (a multiplicative level or
	// season at or below zero, or a value that overflows) stays where it
	// left it, as far as it was finite.
	hold := func(from int, y float64) {
		for rest := from; rest < h; rest++ {
			sum[rest] += y
			sumSq[rest] += y * y
		}
	}
	multiplicative := spec.needsPositive()
	season := append([]float64(nil), m.Final.Season...)
	// Seasonal states are only read again when the horizon is longer than
	// a season; otherwise the updates can be skipped.
	reuse := period > 0 && h > period
	for range simPaths {
		level, trend := m.Final.Level, m.Final.Trend
		if reuse {
			copy(season, m.Final.Season)
		}
		k := 0
		if period > 0 {
			k = phase % period
		}
		y := m.Final.Level
		for t := range h {
			phib := phi * trend
			q := level + phib
			f, s := q, 0.0
			switch spec.Season {
			case Additive:
				s = season[k]
				f = q + s
			case Multiplicative:
				s = season[k]
				f = q * s
			}
			e := sigma * rng.NormFloat64()
			prev := y
			if spec.Error == Multiplicative {
				y = f * (1 + e)
			} else {
				y = f + e
			}
			if math.IsInf(y, 0) || math.IsNaN(y) || math.Abs(y) > 1e150 {
				hold(t, prev)
				goto nextPath
			}
			if multiplicative && !(y > 0) {
				hold(t, y)
				goto nextPath
			}
			a := y
			switch spec.Season {
			case Additive:
				a = y - s
				if reuse {
					season[k] = s + p.Gamma*(y-q-s)
				}
			case Multiplicative:
				if !(s > 0) || !(q > 0) {
					hold(t, y)
					goto nextPath
				}
				a = y / s
				if reuse {
					season[k] = s + p.Gamma*(y/q-s)
				}
			}
			sum[t] += y
			sumSq[t] += y * y
			newLevel := q + p.Alpha*(a-q)
			if hasTrend {
				trend = phib + bRatio*(newLevel-level-phib)
			}
			level = newLevel
			if period > 0 {
				k++
				if k == period {
					k = 0
				}
			}
		}
	nextPath:
	}
	sd := make([]float64, h)
	n := float64(simPaths)
	for t := range sd {
		mean := sum[t] / n
		sd[t] = math.Sqrt(math.Max(sumSq[t]/n-mean*mean, 0) * n / (n - 1))
	}
	return sd
}
