package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
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
// intervals. The bounds are empirical quantiles of the paths, so the skew
// of multiplicative models is kept. The errors are Latin hypercube draws:
// at every step the paths share one set of evenly spaced normal quantiles
// in a fresh random order, so each step's error distribution is exact and
// only its mixing across steps is random.
const simPaths = 2000

// Forecast gives h steps ahead. Intervals are analytic for the linear
// models (additive error, no multiplicative season: Hyndman et al. 2008,
// class 1) and otherwise quantiles of simulated sample paths, drawn with a
// fixed seed so that a run is reproducible.
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
	fc.Lower, fc.Upper = m.simulatedBands(h, phase, levels, fc.Mean)
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

// simulatedBands draws sample paths from the fitted model's own error
// process and takes empirical quantiles at each step. Bounds never cross the
// point forecast, which for a skewed model can sit outside a narrow central
// interval of the paths.
func (m *Model) simulatedBands(h, phase int, levels, mean []float64) (lower, upper [][]float64) {
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
	// draws[t*simPaths+path] holds that path's standardised error at step t
	// until the path is run, then its value.
	draws := make([]float64, h*simPaths)
	for t := range h {
		row := draws[t*simPaths : (t+1)*simPaths]
		copy(row, stratifiedNormals())
		rng.Shuffle(simPaths, func(i, j int) { row[i], row[j] = row[j], row[i] })
	}
	season := append([]float64(nil), m.Final.Season...)
	// Seasonal states are only read again when the horizon is longer than
	// a season; otherwise the updates can be skipped.
	reuse := period > 0 && h > period
	// A path that leaves the model's domain (a multiplicative level or
	// season at or below zero, or a value that overflows) stays where it
	// left it.
	multiplicative := spec.needsPositive()
	for path := range simPaths {
		level, trend := m.Final.Level, m.Final.Trend
		if reuse {
			copy(season, m.Final.Season)
		}
		k := 0
		if period > 0 {
			k = phase % period
		}
		y := m.Final.Level
		t := 0
		for ; t < h; t++ {
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
			e := sigma * draws[t*simPaths+path]
			prev := y
			if spec.Error == Multiplicative {
				y = f * (1 + e)
			} else {
				y = f + e
			}
			if math.IsInf(y, 0) || math.IsNaN(y) || math.Abs(y) > 1e150 {
				y = prev
				break
			}
			draws[t*simPaths+path] = y
			if multiplicative && (!(y > 0) || !(q > 0) || !(s > 0 || spec.Season != Multiplicative)) {
				t++
				break
			}
			a := y
			switch spec.Season {
			case Additive:
				a = y - s
				if reuse {
					season[k] = s + p.Gamma*(y-q-s)
				}
			case Multiplicative:
				a = y / s
				if reuse {
					season[k] = s + p.Gamma*(y/q-s)
				}
			}
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
		for ; t < h; t++ {
			draws[t*simPaths+path] = y
		}
	}
	lower = make([][]float64, len(levels))
	upper = make([][]float64, len(levels))
	for i := range levels {
		lower[i] = make([]float64, h)
		upper[i] = make([]float64, h)
	}
	// Each bound is interpolated between two order statistics (R's
	// quantile type 7); all of them are found in one multi-selection.
	var ranks []int
	for _, lv := range levels {
		tail := (1 - lv/100) / 2
		for _, q := range []float64{tail, 1 - tail} {
			i := int(q * float64(simPaths-1))
			ranks = append(ranks, i, min(i+1, simPaths-1))
		}
	}
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	for t := range h {
		step := draws[t*simPaths : (t+1)*simPaths]
		multiSelect(step, 0, len(step)-1, ranks)
		for i, lv := range levels {
			tail := (1 - lv/100) / 2
			lower[i][t] = math.Min(typeSeven(step, tail), mean[t])
			upper[i][t] = math.Max(typeSeven(step, 1-tail), mean[t])
		}
	}
	return lower, upper
}

// typeSeven is the p-quantile of v (R's type 7, linear between order
// statistics) once v has been multi-selected at the two ranks it needs.
func typeSeven(v []float64, p float64) float64 {
	pos := p * float64(len(v)-1)
	i := int(pos)
	if i+1 >= len(v) {
		return v[i]
	}
	return v[i] + (v[i+1]-v[i])*(pos-float64(i))
}

// multiSelect reorders v[lo..hi] so that each rank in ks (sorted, within
// lo..hi) holds its order statistic: selection at the middle rank, then
// recursion into each side with the ranks that fall there.
func multiSelect(v []float64, lo, hi int, ks []int) {
	if len(ks) == 0 || lo >= hi {
		return
	}
	mid := len(ks) / 2
	k := ks[mid]
	selectKth(v, lo, hi, k)
	multiSelect(v, lo, k-1, ks[:mid])
	multiSelect(v, k+1, hi, ks[mid+1:])
}

// selectKth reorders v[lo..hi] so that v[k] is the element that belongs
// there in sorted order, with nothing larger before it and nothing smaller
// after it (Hoare's selection with a median-of-three pivot).
func selectKth(v []float64, lo, hi, k int) float64 {
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

// stratifiedNormals are the standard normal quantiles at the midpoints of
// simPaths equal slices of probability.
var stratifiedNormals = sync.OnceValue(func() []float64 {
	z := make([]float64, simPaths)
	for i := range z {
		z[i] = math.Sqrt2 * math.Erfinv(2*(float64(i)+0.5)/simPaths-1)
	}
	return z
})
