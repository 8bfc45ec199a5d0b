package forecast

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
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
	passageEarly = 0.25
	// slopeSpread is the standard deviation of the log of the factor the
	// slope is scaled by in each future: the coming year's growth is not
	// the past's (a factor within 0.45-2.2 nine times in ten).
	slopeSpread = 0.5
	// shiftPenalty is how much better, in n·log(RSS) per log(n), a line
	// with a jump must fit the history than one without for the jump to
	// be taken as a step in the level (BIC's penalty is 1 a parameter;
	// the break's place is searched for, so it asks more).
	shiftPenalty = 3
	// compoundDays is the least history a line through the logarithms is
	// fitted to: over a few weeks compounding and a straight line look
	// alike, and the compounding one, carried a year on, runs away.
	compoundDays = 90
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
	paths, err := Futures(y, opts)
	if err != nil {
		return nil, err
	}
	return Passages(paths, levels, opts.Horizon), nil
}

// Passages dates each of levels over the futures paths (Futures'), within
// their first horizon steps, as FirstPassage does.
func Passages(paths [][]float64, levels []float64, horizon int) []Passage {
	out := make([]Passage, len(levels))
	first := make([]int, len(paths))
	for j, level := range levels {
		for p, path := range paths {
			first[p] = slices.IndexFunc(path[:min(horizon, len(path))], func(v float64) bool { return v >= level })
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
		out[j] = summarize(first, horizon, passageCalibration)
	}
	return out
}

// Below is the least level that the futures paths reach within their
// first horizon steps at a chance under one half: the level whose
// Passages' median is beyond the horizon.
func Below(paths [][]float64, horizon int) float64 {
	peaks := make([]float64, len(paths))
	for p, path := range paths {
		peaks[p] = slices.Max(path[:min(horizon, len(path))])
	}
	// Highest first: a level above the k-th highest is reached by k-1
	// futures.
	slices.SortFunc(peaks, func(a, b float64) int { return cmp.Compare(b, a) })
	n := float64(len(paths))
	for k := range peaks {
		if passageCalibration.chance(float64(k+1), n) >= 0.5 {
			// Just above it, by more than the rounding of a capacity
			// scaled up and back.
			return peaks[k] + math.Max(math.Abs(peaks[k])*1e-9, math.SmallestNonzeroFloat64)
		}
	}
	return peaks[len(peaks)-1]
}

// bandTails are, for each band level, the share of the futures left out
// on either side: the scenarios' tails are lighter than those of what
// comes (a step, a change of course), so the 95% band is their central
// 99.3% and the 80% band their central 78%. Chosen on the tuning half of
// planner's BenchmarkIntervalCalibration histories, where they covered
// 0.86, 0.80 and 0.78 (daily means, daily peaks, monthly means) and 0.95,
// 0.91 and 0.93 (docs/BENCHMARKS.md).
var bandTails = map[float64]float64{80: 0.13, 95: 0.005}

// Bands summarizes futures step by step: values[k] holds every future's
// value at step k. The mean is their median; the 80% and 95% intervals
// are central intervals of them (bandTails).
func Bands(values [][]float64) Forecast {
	fc := Forecast{Levels: []float64{80, 95}, Mean: make([]float64, len(values)), Lower: make([][]float64, 2), Upper: make([][]float64, 2)}
	for i := range fc.Levels {
		fc.Lower[i], fc.Upper[i] = make([]float64, len(values)), make([]float64, len(values))
	}
	for k, v := range values {
		v = slices.Clone(v)
		slices.Sort(v)
		fc.Mean[k] = quantileSorted(v, 0.5)
		for i, level := range fc.Levels {
			fc.Lower[i][k], fc.Upper[i][k] = quantileSorted(v, bandTails[level]), quantileSorted(v, 1-bandTails[level])
		}
	}
	return fc
}

// quantileSorted is the q quantile of sorted v, interpolated linearly
// between order statistics (type 7, R's default).
func quantileSorted(v []float64, q float64) float64 {
	h := q * float64(len(v)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// Futures simulates the futures FirstPassage reads its dates from, over
// opts.Horizon steps after y: one path a row, in y's units. The same
// history gives the same futures.
func Futures(y []float64, opts PassageOptions) ([][]float64, error) {
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
	if jumps, ok := stepwise(y); ok {
		return jumpFutures(y[len(y)-1], jumps, len(y)-1, opts.Horizon), nil
	}
	n := len(y)
	scenarios, logY := scenariosOf(y)
	weights := make([]float64, len(scenarios))
	fits := make([]*lineFit, len(scenarios))
	hold := min(n/4, 60)
	for i, sc := range scenarios {
		y := y
		if sc.log {
			y = logY
		}
		if fits[i] = fitLine(y, sc, opts.Period); fits[i] == nil {
			continue
		}
		fits[i].wander = wander(y, sc, opts.Period)
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
			mae += math.Abs(past.back(y[n-hold+k]) - past.back(past.mean(n-hold+k, past.beta)))
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
	paths := make([][]float64, 0, passagePaths)
	for i, f := range fits {
		if weights[i] == 0 {
			continue
		}
		for range int(math.Round(passagePaths * weights[i] / total)) {
			path := make([]float64, opts.Horizon)
			f.simulate(rng, path)
			paths = append(paths, path)
		}
	}
	if len(paths) == 0 {
		return nil, errors.New("first passage: no scenario could be fitted")
	}
	return paths, nil
}

// scenariosOf is the scenarios Futures fits to y, and y's logarithms when
// one of them is a line through them (nil otherwise).
func scenariosOf(y []float64) ([]scenario, []float64) {
	n := len(y)
	scenarios := []scenario{{window: n}, {window: 90}, {window: 30}, {window: 28, flat: true}}
	// A step up inside a short window would pass for growth: the line
	// takes the level after it instead (a drop is left to the slope). A
	// line over the whole series has the step scenario below.
	for i, sc := range scenarios {
		if sc.window < n || sc.flat {
			scenarios[i].shift = stepUp(y, sc.window)
		}
	}
	if b := LevelShift(y); b > 0 {
		scenarios = append(scenarios, scenario{window: n, shift: b})
	}
	var logY []float64
	if n >= compoundDays && !slices.ContainsFunc(y, func(v float64) bool { return v <= 0 }) {
		logY = make([]float64, n)
		for i, v := range y {
			logY[i] = math.Log(v)
		}
		scenarios = append(scenarios, scenario{window: n, log: true})
	}
	return scenarios, logY
}

// calibration maps F, the share of the simulated futures that have
// reached a level by a step, to the chance that the series has:
// logit G = a + b·logit F.
type calibration struct{ a, b float64 }

// chance is G for k of n futures. A share of 0 or 1 is held off the ends,
// as by one future more of each kind.
func (cal calibration) chance(k, n float64) float64 {
	return logistic(cal.a+cal.b*logit((k+0.5)/(n+1), 0, 1), 0, 1)
}

// summarize reads a Passage off the ordered first steps of the futures.
func summarize(first []int, horizon int, cal calibration) Passage {
	n := float64(len(first))
	reached := 0
	for reached < len(first) && first[reached] >= 0 && first[reached] < horizon {
		reached++
	}
	out := Passage{Median: -1, Early: -1, Probability: cal.chance(float64(reached), n)}
	for k, step := range first[:reached] {
		g := cal.chance(float64(k+1), n)
		if out.Early < 0 && g >= passageEarly*out.Probability {
			out.Early = step
		}
		if out.Median < 0 && g >= 0.5 {
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
	log          bool          // fitted to the logarithms
	beta         []float64     // level, slope, then the profile's steps 1..period-1
	chol         *mat.TriDense // of the parameters' covariance; nil when not known
	sigma        float64       // of the errors' innovations
	rho          float64       // the errors' autocorrelation at lag 1
	last         float64       // the last error
	// wander is the variance a step of a random walk the level takes
	// beyond the line and its errors, as the series' own history showed
	// (see wander).
	wander float64
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
	f := &lineFit{n: n, m: m, period: period, last: prev, shift: sc.shift, log: sc.log}
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

// back is a value of the line in the series' units: itself, or its
// exponential for a line through the logarithms.
func (f *lineFit) back(v float64) float64 {
	if f.log {
		return math.Exp(v)
	}
	return v
}

// simulate draws one future of len(path) steps into path, in the series'
// units.
func (f *lineFit) simulate(rng *rand.Rand, path []float64) {
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
	e := f.last
	base := beta[0] + beta[1]*float64(f.n-1)
	if f.shift > 0 {
		base += beta[len(beta)-1]
	}
	// The coming year's growth is not the past's; but a compounding
	// line's growth already grows, and scaled as well it runs away.
	spread := slopeSpread
	if f.log {
		spread = 0
	}
	slope := beta[1] * math.Exp(spread*rng.NormFloat64())
	walk, step := 0.0, math.Sqrt(f.wander)
	for h := range path {
		e = f.rho*e + f.sigma*rng.NormFloat64()
		if step > 0 {
			walk += step * rng.NormFloat64()
		}
		v := base + slope*float64(h+1) + e + walk
		if s := (f.n + h) % f.period; s > 0 {
			v += beta[1+s]
		}
		path[h] = f.back(v)
	}
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

// stepUp is the step of the last window steps of y at which LevelShift
// finds the level jumping up, as an index of y; 0 for none. Chosen on the
// runway benchmark's tuning seeds (and the real trees' tuning half), where
// it took 10 days off the step shape's date error; with drops too, the
// sawtooth shape lost 5.
func stepUp(y []float64, window int) int {
	from := max(0, len(y)-window)
	b := LevelShift(y[from:])
	if b == 0 {
		return 0
	}
	b += from
	if stat.Mean(y[b:b+7], nil) <= stat.Mean(y[b-7:b], nil) {
		return 0
	}
	return b
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

// stepwiseShare is the share of days a series must hold its value
// exactly, day to day, to be taken as one that changes in steps: what is
// requested or provisioned (volume claims, quotas) rather than used.
const stepwiseShare = 0.8

// stepwise tells whether y changes in steps (stepwiseShare), and returns
// the steps it took: each a run of days changing the same way (a step
// within a day moves two daily means; a change rolled out over days moves
// several).
func stepwise(y []float64) (steps [][]float64, ok bool) {
	same := 0
	for t := 1; t < len(y); t++ {
		d := y[t] - y[t-1]
		switch {
		case d == 0:
			same++
		case t > 1 && len(steps) > 0 && y[t-1]-y[t-2] != 0 && (d > 0) == (y[t-1]-y[t-2] > 0):
			steps[len(steps)-1] = append(steps[len(steps)-1], d)
		default:
			steps = append(steps, []float64{d})
		}
	}
	return steps, len(y) >= 28 && float64(same) >= stepwiseShare*float64(len(y)-1)
}

// jumpFutures are the futures of a series that changes in steps: from its
// last value, a step starts on each day with the chance a day started one
// in the history (days of history in all), as one of the history's steps
// drawn at random, day by day. A series that never stepped stays where it
// is.
func jumpFutures(last float64, steps [][]float64, days, horizon int) [][]float64 {
	rng := rand.New(rand.NewPCG(0x6a756d70, 0x6361706c616e))
	rate := float64(len(steps)) / float64(days)
	paths := make([][]float64, passagePaths)
	for p := range paths {
		moves := make([]float64, horizon)
		for h := range moves {
			if len(steps) > 0 && rng.Float64() < rate {
				for k, d := range steps[rng.IntN(len(steps))] {
					if h+k < horizon {
						moves[h+k] += d
					}
				}
			}
		}
		v := last
		for h, d := range moves {
			v += d
			moves[h] = v
		}
		paths[p] = moves
	}
	return paths
}

// wanderHorizons are the steps ahead at which wander compares the line's
// errors with what the line expects of them.
var wanderHorizons = [...]int{7, 30, 90}

// wander is how far the series strayed from sc's line beyond what the
// line's errors allow, as a random walk's variance a step: from origins a
// fortnight apart over the last year of the history, sc fitted to what came
// before each and its errors 7, 30 and 90 steps on, their mean square
// against the errors' own variance; the excess grows with the steps ahead
// as a random walk's does, and its rate is fitted by least squares. 0 when
// the history is too short to tell, or the line's errors account for all.
func wander(y []float64, sc scenario, period int) float64 {
	n := len(y)
	var sum, expect [len(wanderHorizons)]float64
	var count [len(wanderHorizons)]int
	for o := n - wanderHorizons[0]; o >= max(28, n-365); o -= 14 {
		g := fitLine(y[:o], sc, period)
		if g == nil {
			continue
		}
		v := g.sigma * g.sigma / (1 - g.rho*g.rho)
		for j, h := range wanderHorizons {
			if t := o + h - 1; t < n {
				e := y[t] - g.mean(t, g.beta)
				sum[j], expect[j], count[j] = sum[j]+e*e, expect[j]+v, count[j]+1
			}
		}
	}
	// The excess d(h) = q·h + r·h²: a walk's q, and r for a slope that
	// drifts, which the slope's spread stands for; least squares, both
	// at least 0.
	var a11, a12, a22, b1, b2 float64
	for j, h := range wanderHorizons {
		if count[j] < 3 {
			continue
		}
		d, x := (sum[j]-expect[j])/float64(count[j]), float64(h)
		a11, a12, a22, b1, b2 = a11+x*x, a12+x*x*x, a22+x*x*x*x, b1+x*d, b2+x*x*d
	}
	if a11 == 0 {
		return 0
	}
	if det := a11*a22 - a12*a12; det > 0 {
		q, r := (a22*b1-a12*b2)/det, (a11*b2-a12*b1)/det
		if r >= 0 {
			return math.Max(0, q)
		}
	}
	// No room for a drifting slope: the walk alone.
	return math.Max(0, b1/a11)
}
