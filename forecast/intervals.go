package forecast

import (
	"math"
	"math/bits"
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
// interval of the paths. All paths advance one step at a time, so each
// step's values are written, and then selected from, contiguously.
func (m *Model) simulatedBands(h, phase int, levels, mean []float64) (lower, upper [][]float64) {
	rng := rand.NewPCG(0x636170706c616e, uint64(m.N))
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
	const n = simPaths
	// row holds the paths' standardised errors for one step, then their
	// values, then (reordered by selection) their quantiles.
	row := make([]float64, n)
	level := make([]float64, n)
	trend := make([]float64, n)
	last := make([]float64, n)
	dead := make([]bool, n)
	for i := range level {
		level[i], trend[i], last[i] = m.Final.Level, m.Final.Trend, m.Final.Level
	}
	// Seasonal states are only read again when the horizon is longer than
	// a season; only then does each path need its own copy.
	var seasons []float64
	if period > 0 && h > period {
		seasons = make([]float64, n*period)
		for i := range n {
			copy(seasons[i*period:(i+1)*period], m.Final.Season)
		}
	}
	// A path that leaves the model's domain (a multiplicative level or
	// season at or below zero, or a value that overflows) stays where it
	// left it.
	multiplicative := spec.needsPositive()
	lower = make([][]float64, len(levels))
	upper = make([][]float64, len(levels))
	for i := range levels {
		lower[i] = make([]float64, h)
		upper[i] = make([]float64, h)
	}
	// Each bound is interpolated between two order statistics (R's
	// quantile type 7); all of them are found in one pass of binning.
	var ranks []int
	for _, lv := range levels {
		tail := (1 - lv/100) / 2
		for _, q := range []float64{tail, 1 - tail} {
			i := int(q * float64(n-1))
			ranks = append(ranks, i, min(i+1, n-1))
		}
	}
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	var sel orderStatSelector
	for t := range h {
		k := 0
		if period > 0 {
			k = (phase + t) % period
		}
		copy(row, stratifiedNormals())
		shuffle(rng, row)
		for i, z := range row {
			if dead[i] {
				row[i] = last[i]
				continue
			}
			phib := phi * trend[i]
			q := level[i] + phib
			f, s := q, 0.0
			if spec.Season != None {
				if seasons != nil {
					s = seasons[i*period+k]
				} else {
					s = m.Final.Season[k]
				}
				if spec.Season == Additive {
					f = q + s
				} else {
					f = q * s
				}
			}
			e := sigma * z
			var y float64
			if spec.Error == Multiplicative {
				y = f * (1 + e)
			} else {
				y = f + e
			}
			if math.IsInf(y, 0) || math.IsNaN(y) || math.Abs(y) > 1e150 {
				dead[i] = true
				row[i] = last[i]
				continue
			}
			row[i], last[i] = y, y
			if multiplicative && (!(y > 0) || !(q > 0) || (spec.Season == Multiplicative && !(s > 0))) {
				dead[i] = true
				continue
			}
			a := y
			switch spec.Season {
			case Additive:
				a = y - s
				if seasons != nil {
					seasons[i*period+k] = s + p.Gamma*(y-q-s)
				}
			case Multiplicative:
				a = y / s
				if seasons != nil {
					seasons[i*period+k] = s + p.Gamma*(y/q-s)
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
			lower[i][t] = math.Min(typeSeven(stats, n, tail), mean[t])
			upper[i][t] = math.Max(typeSeven(stats, n, 1-tail), mean[t])
		}
	}
	return lower, upper
}

// typeSeven is the p-quantile of n values (R's type 7, linear between
// order statistics), given the order statistics it needs by rank.
func typeSeven(stats map[int]float64, n int, p float64) float64 {
	pos := p * float64(n-1)
	i := int(pos)
	if i+1 >= n {
		return stats[i]
	}
	return stats[i] + (stats[i+1]-stats[i])*(pos-float64(i))
}

// orderStatSelector finds a few order statistics of a large sample by
// counting values into equal-width bins and sorting only the bins that hold
// a wanted rank. Unlike selection by partitioning, its inner loops have no
// branches that depend on the data, which matters more than comparisons
// for a few thousand values. It keeps its buffers between calls.
type orderStatSelector struct {
	counts []int
	wanted []bool
	picked []float64
	stats  map[int]float64
}

const statBins = 512

func (o *orderStatSelector) orderStats(v []float64, ranks []int) map[int]float64 {
	if o.counts == nil {
		o.counts = make([]int, statBins)
		o.wanted = make([]bool, statBins)
		o.stats = make(map[int]float64, len(ranks))
	}
	clear(o.counts)
	clear(o.wanted)
	clear(o.stats)
	lo, hi := v[0], v[0]
	for _, x := range v {
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	if lo == hi {
		for _, r := range ranks {
			o.stats[r] = lo
		}
		return o.stats
	}
	scale := (statBins - 1) / (hi - lo)
	for _, x := range v {
		o.counts[int((x-lo)*scale)]++
	}
	// The bin of each wanted rank, and the rank of its first element.
	binOf := make([]int, len(ranks))
	firstRank := make([]int, len(ranks))
	cum, b := 0, 0
	for j, r := range ranks {
		for cum+o.counts[b] <= r {
			cum += o.counts[b]
			b++
		}
		binOf[j], firstRank[j] = b, cum
		o.wanted[b] = true
	}
	o.picked = o.picked[:0]
	for _, x := range v {
		if o.wanted[int((x-lo)*scale)] {
			o.picked = append(o.picked, x)
		}
	}
	// picked holds the wanted bins in order; a rank's value sits at its
	// offset within its bin plus the sizes of the wanted bins before it.
	inPicked := make([]int, len(ranks))
	for j, r := range ranks {
		offset := 0
		for bb := 0; bb < binOf[j]; bb++ {
			if o.wanted[bb] {
				offset += o.counts[bb]
			}
		}
		inPicked[j] = offset + r - firstRank[j]
	}
	if len(o.picked) > 256 && len(o.picked) < len(v) {
		// Heavy tails crowd most values into a few bins: bin again within them.
		sub := orderStatSelector{}
		picked := slices.Clone(o.picked)
		subStats := sub.orderStats(picked, slices.Compact(slices.Clone(inPicked)))
		for j, r := range ranks {
			o.stats[r] = subStats[inPicked[j]]
		}
		return o.stats
	}
	slices.Sort(o.picked)
	for j, r := range ranks {
		o.stats[r] = o.picked[inPicked[j]]
	}
	return o.stats
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

// shuffle is a Fisher-Yates shuffle drawing indices by Lemire's
// multiply-shift (its bias, below n/2^64, is immaterial here); inlined
// because the generic rand.Shuffle's per-swap call dominated simulation.
func shuffle(rng *rand.PCG, v []float64) {
	for i := len(v) - 1; i > 0; i-- {
		j, _ := bits.Mul64(rng.Uint64(), uint64(i+1))
		v[i], v[j] = v[j], v[i]
	}
}

// empiricalBands runs the model over its own sample and, from every origin
// after a burn-in, forecasts up to h steps; the quantiles of those
// in-sample errors at each step give bounds that reflect what the model
// has actually missed by, level shifts and outliers included. Errors are
// relative for multiplicative-error models. Origins are thinned to about
// maxOrigins: errors from neighbouring origins share most of their path,
// so more of them add cost, not information. ok is false when the sample
// is too short to give each step at least 40 errors.
const maxOrigins = 200

func (m *Model) empiricalBands(y []float64, h int, levels []float64, mean []float64) (lower, upper [][]float64, ok bool) {
	burn := max(2*m.Period, 10)
	origins := len(y) - burn - h
	if origins < 40 {
		return nil, nil, false
	}
	x := m.Initial.clone()
	filter(m.Spec, m.Params, &x, y[:burn], 0, nil)
	stride := max(1, origins/maxOrigins)
	perStep := (origins+h)/stride + 2
	flat := make([]float64, h*perStep)
	errs := make([][]float64, h)
	for k := range errs {
		errs[k] = flat[k*perStep : k*perStep : (k+1)*perStep]
	}
	buf := make([]float64, h)
	mult := m.Spec.Error == Multiplicative
	for t := burn; t < len(y)-1; t++ {
		if (len(y)-1-t)%stride != 0 {
			if r := filter(m.Spec, m.Params, &x, y[t:t+1], t, nil); !r.ok {
				return nil, nil, false
			}
			continue
		}
		n := min(h, len(y)-t)
		pointForecast(m.Spec, m.Params, x, t, buf[:n])
		for k := range n {
			e := y[t+k] - buf[k]
			if mult {
				if buf[k] <= 0 {
					continue
				}
				e /= buf[k]
			}
			errs[k] = append(errs[k], e)
		}
		if r := filter(m.Spec, m.Params, &x, y[t:t+1], t, nil); !r.ok {
			return nil, nil, false
		}
	}
	var ranksBuf []int
	var sel orderStatSelector
	lower = make([][]float64, len(levels))
	upper = make([][]float64, len(levels))
	for i := range levels {
		lower[i] = make([]float64, h)
		upper[i] = make([]float64, h)
	}
	for k := range h {
		e := errs[k]
		nk := len(e)
		if nk < 40 {
			return nil, nil, false
		}
		ranksBuf = ranksBuf[:0]
		for _, lv := range levels {
			tail := (1 - lv/100) / 2
			for _, q := range []float64{tail, 1 - tail} {
				j := int(q * float64(nk-1))
				ranksBuf = append(ranksBuf, j, min(j+1, nk-1))
			}
		}
		slices.Sort(ranksBuf)
		ranksBuf = slices.Compact(ranksBuf)
		stats := sel.orderStats(e, ranksBuf)
		for i, lv := range levels {
			tail := (1 - lv/100) / 2
			lo, hi := typeSeven(stats, nk, tail), typeSeven(stats, nk, 1-tail)
			if mult {
				lower[i][k], upper[i][k] = mean[k]*(1+lo), mean[k]*(1+hi)
			} else {
				lower[i][k], upper[i][k] = mean[k]+lo, mean[k]+hi
			}
		}
	}
	return lower, upper, true
}

// envelop widens the forecast's intervals, where needed, to the model's
// empirical in-sample bands: a model's own intervals assume the model is
// right, the empirical ones show how far off it has been on this series.
func (fc *Forecast) envelop(m *Model, y []float64) {
	lo, hi, ok := m.empiricalBands(y, len(fc.Mean), fc.Levels, fc.Mean)
	if !ok {
		return
	}
	for i := range fc.Levels {
		for k := range fc.Mean {
			fc.Lower[i][k] = math.Min(fc.Lower[i][k], lo[i][k])
			fc.Upper[i][k] = math.Max(fc.Upper[i][k], hi[i][k])
		}
	}
}
