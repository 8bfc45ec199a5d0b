package forecast

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"sync"
)

// simPaths is the number of sample paths for models without closed-form
// intervals (statsmodels' default too; R's forecast draws 5000). The bounds
// are empirical quantiles of the paths, so the skew of multiplicative
// models is kept. The errors are Latin hypercube draws: at every step the
// paths share one set of evenly spaced quantiles of the error distribution
// in a fresh random order, so each step's error distribution is exact and
// only its mixing across steps is random. A 95% bound then carries a Monte
// Carlo error of about 4% of its distance from the mean, less over the
// first steps: well inside what the fitted parameters are uncertain by.
//
// A multiplicative-error model multiplies by 1+e, which must stay positive.
// With normal e of standard deviation sigma that fails in one draw of 44 at
// sigma = 0.5, and spiky series are fitted with sigma above 1: paths then
// turn negative and the bands with them. So 1+e is drawn log-normal with
// the model's mean (1) and variance (sigma^2): indistinguishable from the
// normal for the small sigma of smooth series, positive and right-skewed,
// like the spikes that made sigma large, otherwise.
const simPaths = 1000

// simulatedBands draws sample paths from the fitted model's own error
// process and takes empirical quantiles at each step. Bounds never cross the
// point forecast, which for a skewed model can sit outside a narrow central
// interval of the paths. All paths advance one step at a time, so each
// step's values are written, and then selected from, contiguously.
func (m *model) simulatedBands(h, phase, paths int, levels, mean []float64) (lower, upper [][]float64) {
	rng := rand.NewPCG(0x636170706c616e, uint64(m.N))
	sigma := math.Sqrt(m.Sigma2)
	p := m.Params
	spec := m.Spec
	period := m.Period
	hasTrend := spec.Trend != noComponent
	phi := p.Phi
	if !hasTrend {
		phi = 0
	}
	bRatio := 0.0
	if hasTrend {
		bRatio = p.Beta / p.Alpha
	}
	n := paths
	sc := scratchPool.Get().(*simScratch)
	defer scratchPool.Put(sc)
	sc.grow(n)
	normals := stratifiedNormals()
	if n != simPaths {
		normals = normalQuantiles(n)
	}
	// row holds the paths' errors for one step, then their
	// values, then (reordered by selection) their quantiles.
	row, level, trend, last, dead := sc.row, sc.level, sc.trend, sc.last, sc.dead
	draws := sc.draws
	if spec.Error == multiplicative {
		s2 := math.Log1p(m.Sigma2)
		mu, s := -s2/2, math.Sqrt(s2)
		for i, z := range normals {
			draws[i] = math.Expm1(mu + s*z)
		}
	} else {
		for i, z := range normals {
			draws[i] = sigma * z
		}
	}
	for i := range level {
		level[i], trend[i], last[i], dead[i] = m.Final.Level, m.Final.Trend, m.Final.Level, false
	}
	// Seasonal states are only read again when the horizon is longer than
	// a season; only then does each path need its own copy. They are laid
	// out phase by phase, so that a step reads and writes one contiguous
	// run of them.
	var seasons []float64
	if period > 0 && h > period {
		if cap(sc.seasons) < n*period {
			sc.seasons = make([]float64, n*period)
		}
		seasons = sc.seasons[:n*period]
		for k, s := range m.Final.Season {
			phase := seasons[k*n : (k+1)*n]
			for i := range phase {
				phase[i] = s
			}
		}
	}
	// A path that leaves the model's domain (a multiplicative level or
	// season at or below zero, or a value that overflows) stays where it
	// left it.
	positive := spec.needsPositive()
	lower, upper = newBands(len(levels), h)
	ranks := quantileRanks(n, levels, nil)
	var sel orderStatSelector
	for t := range h {
		k := 0
		if period > 0 {
			k = (phase + t) % period
		}
		copy(row, draws)
		shuffle(rng, row)
		// Slices of the paths' length let the compiler drop the bounds
		// checks in the loop.
		level, trend, last, dead := level[:len(row)], trend[:len(row)], last[:len(row)], dead[:len(row)]
		var phaseSeasons []float64
		if seasons != nil {
			phaseSeasons = seasons[k*n:][:len(row)]
		}
		for i, e := range row {
			if dead[i] {
				row[i] = last[i]
				continue
			}
			phib := phi * trend[i]
			q := level[i] + phib
			f, s := q, 0.0
			if spec.Season != noComponent {
				if phaseSeasons != nil {
					s = phaseSeasons[i]
				} else {
					s = m.Final.Season[k]
				}
				if spec.Season == additive {
					f = q + s
				} else {
					f = q * s
				}
			}
			var y float64
			if spec.Error == multiplicative {
				y = f * (1 + e)
			} else {
				y = f + e
			}
			if !(math.Abs(y) <= 1e150) { // also true for NaN and ±Inf
				dead[i] = true
				row[i] = last[i]
				continue
			}
			row[i], last[i] = y, y
			if positive && (!(y > 0) || !(q > 0) || (spec.Season == multiplicative && !(s > 0))) {
				dead[i] = true
				continue
			}
			a := y
			switch spec.Season {
			case additive:
				a = y - s
				if phaseSeasons != nil {
					phaseSeasons[i] = s + p.Gamma*(y-q-s)
				}
			case multiplicative:
				inv := 1 / (q * s) // one division for y/s and y/q
				a = y * q * inv
				if phaseSeasons != nil {
					phaseSeasons[i] = s + p.Gamma*(y*s*inv-s)
				}
			}
			newLevel := q + p.Alpha*(a-q)
			if hasTrend {
				trend[i] = phib + bRatio*(newLevel-level[i]-phib)
			}
			level[i] = newLevel
		}
		stats := sel.orderStats(row, ranks)
		for i, lv := range levels {
			tail := (1 - lv/100) / 2
			lower[i][t] = math.Min(typeSeven(ranks, stats, n, tail), mean[t])
			upper[i][t] = math.Max(typeSeven(ranks, stats, n, 1-tail), mean[t])
		}
	}
	return lower, upper
}

// simScratch is the per-path state of one simulation, pooled because a
// batch forecasts thousands of series and these buffers dominated its
// garbage.
type simScratch struct {
	row, draws, level, trend, last, seasons []float64
	dead                                    []bool
}

var scratchPool = sync.Pool{New: func() any { return new(simScratch) }}

// grow makes room for n paths.
func (sc *simScratch) grow(n int) {
	if len(sc.row) >= n {
		sc.row, sc.draws, sc.level, sc.trend, sc.last, sc.dead = sc.row[:n], sc.draws[:n], sc.level[:n], sc.trend[:n], sc.last[:n], sc.dead[:n]
		return
	}
	sc.row, sc.draws, sc.level, sc.trend, sc.last = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	sc.dead = make([]bool, n)
}

// stratifiedNormals are the normal quantiles for simPaths paths.
var stratifiedNormals = sync.OnceValue(func() []float64 { return normalQuantiles(simPaths) })

// normalQuantiles are the standard normal quantiles at the midpoints of n
// equal slices of probability.
func normalQuantiles(n int) []float64 {
	z := make([]float64, n)
	for i := range z {
		z[i] = math.Sqrt2 * math.Erfinv(2*(float64(i)+0.5)/float64(n)-1)
	}
	return z
}

// shuffle is a Fisher-Yates shuffle with wyrand as its generator (seeded
// from rng) and Lemire's multiply-shift for bounded indices (bias below
// n/2^64); rand.Shuffle's per-swap call and PCG's 128-bit step cost more
// than the simulation itself.
func shuffle(rng *rand.PCG, v []float64) {
	state := rng.Uint64()
	for i := len(v) - 1; i > 0; i-- {
		state += 0xa0761d6478bd642f
		hi, lo := bits.Mul64(state, state^0xe7037ed1a0b428db)
		j, _ := bits.Mul64(hi^lo, uint64(i+1))
		v[i], v[j] = v[j], v[i]
	}
}
