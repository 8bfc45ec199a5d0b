package forecast

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Passage is when a series first reaches a level, over simulated futures:
// the step by which half of them have reached it, and the step by which
// one in ten has (the "as early as"). Steps count from 0, the first step
// after the history; -1 when fewer futures than that reach it within the
// horizon. Probability is the share that reach it within the horizon.
type Passage struct {
	Median      int     `json:"median"`
	Early       int     `json:"early"`
	Probability float64 `json:"probability"`
}

// PassageOptions are the horizon in steps and the seasonal period of the
// steps (7 for daily data: a weekly profile; 0 for none).
type PassageOptions struct {
	Horizon int
	Period  int
}

const (
	// passagePaths is the number of simulated futures: the median and
	// the 10% quantile of the first-passage step are then known to a few
	// steps.
	passagePaths = 400
	// passageEarly is the quantile reported as "as early as": the lower
	// end of a central 80% interval.
	passageEarly = 0.10
	// slopeSpread is the standard deviation of the log of the factor the
	// slope is scaled by in each future: the coming year's growth is not
	// the past's (a factor within 0.45-2.2 nine times in ten). Chosen on
	// one half of the runway benchmark's cases (docs/BENCHMARKS.md),
	// for "as early as" to precede the truth about nine times in ten.
	slopeSpread = 0.5
)

// FirstPassage estimates when the series y first reaches each of levels.
//
// A threshold is reached on the first day the realized value gets there,
// noise included, not when the expected level does: with a slow trend, a
// noisy series touches a level weeks before its mean does. So futures are
// simulated, and the first step each reaches each level is counted.
//
// Each future follows one of four scenarios, a straight line with a
// seasonal profile and autocorrelated (AR(1)) errors fitted by least
// squares: over the whole history, over its last 90 and last 30 steps
// (growth that changed pace), and a level without trend over the last 28
// (growth that stopped). The line's parameters are drawn from their
// sampling distribution, widened for the errors' autocorrelation, and the
// slope beyond the history is scaled by a log-normal factor. The
// scenarios share the futures by how well each forecast the last quarter
// of the history (at most 60 steps) from the steps before it (weight
// 1/MAE); with less than a week to judge on, or 28 steps to fit, they
// share equally. Simulation is seeded: the same history gives the same
// answer.
func FirstPassage(y []float64, levels []float64, opts PassageOptions) ([]Passage, error) {
	if len(y) < 3 {
		return nil, fmt.Errorf("first passage: %d point(s), need at least 3", len(y))
	}
	if opts.Horizon < 1 {
		return nil, fmt.Errorf("first passage: horizon %d, need at least 1", opts.Horizon)
	}
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("first passage: the series has a missing or infinite value")
		}
	}
	n := len(y)
	scenarios := []scenario{{window: n}, {window: 90}, {window: 30}, {window: 28, flat: true}}
	weights := make([]float64, len(scenarios))
	fits := make([]*lineFit, len(scenarios))
	hold := min(n/4, 60)
	for i, sc := range scenarios {
		if fits[i] = fitLine(y, sc, opts.Period); fits[i] == nil {
			continue
		}
		weights[i] = 1
		if hold < 7 || n-hold < 28 {
			continue
		}
		past := fitLine(y[:n-hold], sc, opts.Period)
		if past == nil {
			weights[i] = 0
			continue
		}
		var mae float64
		for k := range hold {
			mae += math.Abs(y[n-hold+k] - past.mean(n-hold+k, past.beta))
		}
		// A scenario that forecast the held-out steps exactly would take
		// every future; a floor keeps the others in.
		weights[i] = 1 / math.Max(mae/float64(hold), 1e-12)
	}
	total := 0.0
	for _, w := range weights {
		total += w
	}
	if !(total > 0) {
		return nil, errors.New("first passage: no scenario could be fitted")
	}
	// One seed for every series and every week: a date moves because the
	// history did, not because other futures were drawn.
	rng := rand.New(rand.NewPCG(0x70617373616765, 0x6361706c616e))
	firsts := make([][]int, len(levels))
	for i, f := range fits {
		if weights[i] == 0 {
			continue
		}
		for range int(math.Round(passagePaths * weights[i] / total)) {
			for j, at := range f.simulate(rng, levels, opts.Horizon) {
				firsts[j] = append(firsts[j], at)
			}
		}
	}
	out := make([]Passage, len(levels))
	for j, first := range firsts {
		if len(first) == 0 {
			return nil, errors.New("first passage: no scenario could be fitted")
		}
		// -1 (not within the horizon) sorts last.
		slices.SortFunc(first, func(a, b int) int {
			switch {
			case a == b:
				return 0
			case a < 0:
				return 1
			case b < 0:
				return -1
			}
			return a - b
		})
		reached := 0
		for _, s := range first {
			if s >= 0 {
				reached++
			}
		}
		quantile := func(q float64) int { return first[int(q*float64(len(first)-1))] }
		out[j] = Passage{Median: quantile(0.5), Early: quantile(passageEarly), Probability: float64(reached) / float64(len(first))}
	}
	return out, nil
}

// scenario is a window of the history and whether the line is flat.
type scenario struct {
	window int
	flat   bool
}

// lineFit is a straight line (level and slope) with a seasonal profile,
// fitted to the last steps of a series, and its errors' AR(1).
type lineFit struct {
	n, period int
	beta      []float64     // level, slope, then the profile's steps 1..period-1
	chol      *mat.TriDense // of the parameters' covariance; nil when not known
	sigma     float64       // of the errors' innovations
	rho       float64       // the errors' autocorrelation at lag 1
	last      float64       // the last error
}

// fitLine fits sc to y, with a seasonal profile of period when the window
// holds two periods; nil when it cannot.
func fitLine(y []float64, sc scenario, period int) *lineFit {
	n := len(y)
	m := min(n, sc.window)
	if m < 2 {
		return nil
	}
	if period < 2 || m < 2*period {
		period = 1
	}
	k := 1 + period // level, slope, period-1 profile steps
	if sc.flat {
		k = period
	}
	if m <= k {
		return nil
	}
	// Columns: level, [slope], profile steps 1..period-1 (step 0 is the
	// level), indexed by the absolute step t.
	row := func(t int, x []float64) {
		clear(x)
		x[0] = 1
		j := 1
		if !sc.flat {
			x[1] = float64(t)
			j = 2
		}
		if s := t % period; s > 0 {
			x[j+s-1] = 1
		}
	}
	X := mat.NewDense(m, k, nil)
	Y := mat.NewVecDense(m, nil)
	x := make([]float64, k)
	for i := range m {
		t := n - m + i
		row(t, x)
		X.SetRow(i, x)
		Y.SetVec(i, y[t])
	}
	var qr mat.QR
	qr.Factorize(X)
	var b mat.VecDense
	if err := qr.SolveVecTo(&b, false, Y); err != nil {
		return nil
	}
	var rr, r1, prev float64
	for i := range m {
		row(n-m+i, x)
		r := y[n-m+i] - floats.Dot(x, b.RawVector().Data)
		rr += r * r
		if i > 0 {
			r1 += r * prev
		}
		prev = r
	}
	f := &lineFit{n: n, period: period, last: prev}
	s2 := rr / float64(m-k)
	if rr > 0 {
		f.rho = math.Max(0, math.Min(0.95, r1/rr))
	}
	f.sigma = math.Sqrt(s2 * (1 - f.rho*f.rho))
	// The parameters' covariance s²(XᵀX)⁻¹, widened by (1+ρ)/(1-ρ) for
	// autocorrelated errors, which make each step carry less news.
	var xtx mat.SymDense
	xtx.SymOuterK(1, X.T())
	var c mat.Cholesky
	if c.Factorize(&xtx) {
		var inv mat.SymDense
		if err := c.InverseTo(&inv); err == nil {
			inv.ScaleSym(s2*(1+f.rho)/(1-f.rho), &inv)
			var ci mat.Cholesky
			if ci.Factorize(&inv) {
				f.chol = new(mat.TriDense)
				ci.LTo(f.chol)
			}
		}
	}
	f.beta = b.RawVector().Data
	if sc.flat {
		// Stored as level, slope 0, profile.
		f.beta = slices.Insert(slices.Clone(f.beta), 1, 0)
	}
	return f
}

// mean is the line at absolute step t with parameters beta.
func (f *lineFit) mean(t int, beta []float64) float64 {
	v := beta[0] + beta[1]*float64(t)
	if s := t % f.period; s > 0 {
		v += beta[1+s]
	}
	return v
}

// simulate draws one future and returns, for each level, the first step
// (0 for the one after the history) at or above it, -1 when none within
// horizon.
func (f *lineFit) simulate(rng *rand.Rand, levels []float64, horizon int) []int {
	beta := slices.Clone(f.beta)
	if f.chol != nil {
		k, _ := f.chol.Dims()
		z := make([]float64, k)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		// The flat scenario has no slope parameter: its draws skip it.
		idx := func(i int) int {
			if len(beta) > k && i >= 1 {
				return i + 1
			}
			return i
		}
		for i := range k {
			for j := 0; j <= i; j++ {
				beta[idx(i)] += f.chol.At(i, j) * z[j]
			}
		}
	}
	at := make([]int, len(levels))
	for j := range at {
		at[j] = -1
	}
	left := len(levels)
	e := f.last
	base := beta[0] + beta[1]*float64(f.n-1)
	slope := beta[1] * math.Exp(slopeSpread*rng.NormFloat64())
	for h := 0; h < horizon && left > 0; h++ {
		e = f.rho*e + f.sigma*rng.NormFloat64()
		v := base + slope*float64(h+1) + e
		if s := (f.n + h) % f.period; s > 0 {
			v += beta[1+s]
		}
		for j, level := range levels {
			if at[j] < 0 && v >= level {
				at[j] = h
				left--
			}
		}
	}
	return at
}
