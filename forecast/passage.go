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

// Passage is when a series first reaches a level, from simulated futures
// whose share is calibrated into a chance: the step by which the chance
// that it has is one half, and the "as early as", the step by which the
// chance is passageEarly of the chance within the horizon. Steps count
// from 0, the first step after the history; -1 when the chance does not
// get there within the horizon. Probability is the chance within the
// horizon.
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
	// the early quantile of the first-passage step are then known to a
	// few steps.
	passagePaths = 400
	// passageEarly places "as early as": the first step by which the
	// chance has reached this share of the chance within the horizon.
	// Chosen on the runway benchmark's tuning seeds (docs/BENCHMARKS.md)
	// for "as early as" to precede the truth about nine times in ten.
	passageEarly = 0.3
	// slopeSpread is the standard deviation of the log of the factor the
	// slope is scaled by in each future: the coming year's growth is not
	// the past's (a factor within 0.45-2.2 nine times in ten).
	slopeSpread = 0.5
	// shiftPenalty is how much better, in n·log(RSS) per log(n), a line
	// with a jump must fit the history than one without for the jump to
	// be taken as a step in the level (BIC's penalty is 1 a parameter;
	// the break's place is searched for, so it asks more).
	shiftPenalty = 3
)

// passageCalibration maps the share of the simulated futures that reach a
// level to the chance that the series does: fitted by logistic regression
// on the runway benchmark's tuning seeds, where the raw shares were too
// extreme at both ends and too low in between (docs/BENCHMARKS.md).
var passageCalibration = calibration{a: 0.15, b: 0.85}

// FirstPassage estimates when the series y first reaches each of levels.
//
// A threshold is reached on the first day the realized value gets there,
// noise included, not when the expected level does: with a slow trend, a
// noisy series touches a level weeks before its mean does. So futures are
// simulated, and the first step each reaches each level is counted.
//
// Each future follows one of several scenarios, a straight line with a
// seasonal profile and autocorrelated (AR(1)) errors fitted by least
// squares: over the whole history, over its last 90 and last 30 steps
// (growth that changed pace), a level without trend over the last 28
// (growth that stopped), a line through the logarithms of a positive
// history (growth that compounds), and, when the level stepped within
// the history (LevelShift), the whole history's line with the jump, so
// that the level after the step goes on. The line's parameters are drawn
// from their sampling distribution, widened for the errors'
// autocorrelation, and the slope beyond the history is scaled by a
// log-normal factor. The scenarios share the futures by how well each
// forecast the last quarter of the history (at most 60 steps) from the
// steps before it (weight 1/MAE); with less than a week to judge on, or
// 28 steps to fit, they share equally but for the level without trend,
// which takes a share by how likely a slope of zero is beside the one
// fitted. Simulation is seeded: the same history gives the same answer.
//
// The share of the futures that have reached a level by each step is
// then calibrated (passageCalibration) into the chance that the series
// has: the median is the first step at which that chance reaches one
// half, the early step the first at which it reaches passageEarly of the
// chance within the horizon.
func FirstPassage(y []float64, levels []float64, opts PassageOptions) ([]Passage, error) {
	firsts, err := passages(y, levels, opts)
	if err != nil {
		return nil, err
	}
	out := make([]Passage, len(levels))
	for j, first := range firsts {
		out[j] = summarize(first, opts.Horizon, passageCalibration)
	}
	return out, nil
}

// passages simulates the futures of FirstPassage and returns, for each
// level, the first steps at which they reach it in order, those that do
// not (-1) last.
func passages(y []float64, levels []float64, opts PassageOptions) ([][]int, error) {
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
	logY := make([]float64, n)
	positive := true
	for i, v := range y {
		positive = positive && v > 0
		logY[i] = math.Log(v)
	}
	if b := LevelShift(y); b > 0 {
		scenarios = append(scenarios, scenario{window: n, shift: b})
	}
	if positive {
		scenarios = append(scenarios, scenario{window: n, log: true})
	}
	logLevels := make([]float64, len(levels))
	for i, l := range levels {
		logLevels[i] = math.Log(l)
	}
	weights := make([]float64, len(scenarios))
	fits := make([]*lineFit, len(scenarios))
	hold := min(n/4, 60)
	for i, sc := range scenarios {
		y, back := y, func(v float64) float64 { return v }
		if sc.log {
			y, back = logY, math.Exp
		}
		if fits[i] = fitLine(y, sc, opts.Period); fits[i] == nil {
			continue
		}
		weights[i] = 1
		if hold < 7 || n-hold < 28 {
			if sc.flat && fits[0] != nil {
				weights[i] = fits[0].flatOdds()
			}
			continue
		}
		past := fitLine(y[:n-hold], sc, opts.Period)
		if past == nil {
			weights[i] = 0
			continue
		}
		var mae float64
		for k := range hold {
			mae += math.Abs(back(y[n-hold+k]) - back(past.mean(n-hold+k, past.beta)))
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
			lv := levels
			if scenarios[i].log {
				lv = logLevels
			}
			for j, at := range f.simulate(rng, lv, opts.Horizon) {
				firsts[j] = append(firsts[j], at)
			}
		}
	}
	for _, first := range firsts {
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
	}
	return firsts, nil
}

// calibration maps F, the share of the simulated futures that have
// reached a level by a step, to the chance that the series has:
// logit G = a + b·logit F.
type calibration struct{ a, b float64 }

// summarize reads a Passage off the ordered first steps of the futures.
func summarize(first []int, horizon int, cal calibration) Passage {
	n := float64(len(first))
	chance := func(k int) float64 {
		// A share of 0 or 1 is held off the ends, as by one future
		// more of each kind.
		return logistic(cal.a+cal.b*logit((float64(k)+0.5)/(n+1), 0, 1), 0, 1)
	}
	reached := 0
	for reached < len(first) && first[reached] >= 0 && first[reached] < horizon {
		reached++
	}
	out := Passage{Median: -1, Early: -1, Probability: chance(reached)}
	for k, step := range first[:reached] {
		if g := chance(k + 1); out.Early < 0 && g >= passageEarly*out.Probability {
			out.Early = step
		}
		if g := chance(k + 1); out.Median < 0 && g >= 0.5 {
			out.Median = step
		}
	}
	return out
}

// scenario is a window of the history and whether the line is flat.
type scenario struct {
	window int
	flat   bool
	log    bool
	// shift is the step from which the level is shifted (a step in the
	// history); 0 for none.
	shift int
}

// lineFit is a straight line (level and slope) with a seasonal profile,
// fitted to the last steps of a series, and its errors' AR(1).
type lineFit struct {
	n, m, period int
	shift        int           // see scenario.shift; its parameter is the last
	beta         []float64     // level, slope, then the profile's steps 1..period-1
	chol         *mat.TriDense // of the parameters' covariance; nil when not known
	sigma        float64       // of the errors' innovations
	rho          float64       // the errors' autocorrelation at lag 1
	last         float64       // the last error
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
	if sc.shift > 0 {
		k++
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
		if sc.shift > 0 && t >= sc.shift {
			x[k-1] = 1
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
	f := &lineFit{n: n, m: m, period: period, last: prev, shift: sc.shift}
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
	if f.shift > 0 && t >= f.shift {
		v += beta[len(beta)-1]
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
	if f.shift > 0 {
		base += beta[len(beta)-1]
	}
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

// flatOdds is how much likelier a level without trend is than the line,
// by the slope's standardized size t: the likelihood ratio exp(-t²/2)
// with BIC's sqrt(m) for the parameter the level does without, at most 1.
func (f *lineFit) flatOdds() float64 {
	if f.chol == nil {
		return 1
	}
	var v float64
	for j := 0; j <= 1; j++ {
		v += f.chol.At(1, j) * f.chol.At(1, j)
	}
	if !(v > 0) {
		return 1
	}
	t2 := f.beta[1] * f.beta[1] / v
	return math.Min(1, math.Sqrt(float64(f.m))*math.Exp(-t2/2))
}

// LevelShift is the step at which the level of y jumps, as a straight
// line with a jump there fits y better than one without by more than
// shiftPenalty·log(n) in n·log(RSS); 0 when none does. The jump is looked
// for with at least a week on either side, in histories of four weeks or
// more.
func LevelShift(y []float64) int {
	n := len(y)
	if n < 28 {
		return 0
	}
	// Prefix sums for the line before and the dummy after a break.
	var st, stt, sy, sty, syy float64
	for t, v := range y {
		ft := float64(t)
		st, stt, sy, sty, syy = st+ft, stt+ft*ft, sy+v, sty+ft*v, syy+v*v
	}
	N := float64(n)
	rss0 := lineRSS(N, st, stt, sy, sty, syy)
	best, bestRSS := 0, rss0
	// Suffix sums over t >= b.
	var dn, dt, dy float64
	for b := n - 1; b >= 7; b-- {
		dn, dt, dy = dn+1, dt+float64(b), dy+y[b]
		if n-b < 7 {
			continue
		}
		// Normal equations of [1, t, d]: solved by Cramer's rule.
		A := [3][3]float64{{N, st, dn}, {st, stt, dt}, {dn, dt, dn}}
		r := [3]float64{sy, sty, dy}
		det := det3(A)
		if math.Abs(det) < 1e-9 {
			continue
		}
		var c [3]float64
		for i := range 3 {
			M := A
			for j := range 3 {
				M[j][i] = r[j]
			}
			c[i] = det3(M) / det
		}
		rss := syy - (c[0]*r[0] + c[1]*r[1] + c[2]*r[2])
		if rss < bestRSS {
			best, bestRSS = b, rss
		}
	}
	if best == 0 || !(bestRSS > 0) || N*math.Log(rss0/bestRSS) <= shiftPenalty*math.Log(N) {
		return 0
	}
	return best
}

func lineRSS(n, st, stt, sy, sty, syy float64) float64 {
	d := n*stt - st*st
	if d == 0 {
		return syy - sy*sy/n
	}
	b := (n*sty - st*sy) / d
	a := (sy - b*st) / n
	return syy - a*sy - b*sty
}

func det3(m [3][3]float64) float64 {
	return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
}
