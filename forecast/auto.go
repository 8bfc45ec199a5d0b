package forecast

import (
	"errors"
	"fmt"
	"math"
)

// candidates lists the models that automatic selection considers, in the
// order they are tried: the combinations of R's forecast::ets with its
// default restrictions (no multiplicative trend, no additive error with a
// multiplicative season).
func candidates(seasonal, positive bool) []etsSpec {
	var out []etsSpec
	errs := []component{additive}
	if positive {
		errs = append(errs, multiplicative)
	}
	seasons := []component{noComponent}
	if seasonal {
		seasons = append(seasons, additive)
		if positive {
			seasons = append(seasons, multiplicative)
		}
	}
	for _, s := range seasons {
		for _, e := range errs {
			if e == additive && s == multiplicative {
				continue
			}
			out = append(out,
				etsSpec{Error: e, Trend: noComponent, Season: s},
				etsSpec{Error: e, Trend: additive, Season: s},
				etsSpec{Error: e, Trend: additive, Damped: true, Season: s})
		}
	}
	return out
}

// selectETS fits every candidate model as auto screens its pool (initial
// level and trend left at their heuristic values, a looser convergence
// test, damped models started from their undamped fits) and returns the
// one with the lowest AICc, polished by a full fit from there. Fitting
// every candidate in full, as R does, took 40% more CPU on m3-monthly
// and forecast no better (MASE 0.841 against 0.839; docs/BENCHMARKS.md).
func selectETS(y []float64, m int) (*model, error) {
	seasonal := m >= 2 && len(y) >= 2*m
	var best *model
	var errs []error
	fitted := map[poolMember]*params{}
	for _, spec := range candidates(seasonal, allPositive(y)) {
		c := poolMember{spec: spec}
		if spec.Season != noComponent {
			c.period = m
		}
		mdl, err := screen(y, c, fitted)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fitted[c] = &mdl.Params
		if best == nil || mdl.AICc < best.AICc {
			best = mdl
		}
	}
	if best == nil {
		return nil, fmt.Errorf("no ETS model could be fitted: %w", errors.Join(errs...))
	}
	return fitETS(y, best.Period, best.Spec, fitOptions{estimateInit: true, start: &best.Params})
}

func allPositive(y []float64) bool {
	for _, v := range y {
		if !(v > 0) {
			return false
		}
	}
	return true
}

func isConstant(y []float64) bool {
	for _, v := range y[1:] {
		if v != y[0] {
			return false
		}
	}
	return true
}

// poolMember is one forecaster that automatic selection may pick: an ETS
// model, seasonal naive, or the mean of Theta and seasonal naive.
type poolMember struct {
	spec       etsSpec // the ETS model; unused for the others
	period     int     // 0 when non-seasonal
	naive      bool
	thetaNaive bool
}

func (p poolMember) name() string {
	switch {
	case p.thetaNaive:
		return fmt.Sprintf("mean of Theta[%d] and snaive[%d]", p.period, p.period)
	case p.naive && p.period > 0:
		return fmt.Sprintf("snaive[%d]", p.period)
	case p.naive:
		return "naive"
	case p.period > 0:
		return fmt.Sprintf("%s[%d]", p.spec, p.period)
	}
	return p.spec.String()
}

// fewSeasons: a history of fewer seasons of its main period than this is
// forecast with Theta in the mix: one validation window of a few seasons
// judges the pool poorly, and Theta errs differently. For a period of 12
// or more (months), the mean of the AICc ETS and Theta (as comb);
// for a shorter one (weeks of days), the mean of the validated choice and
// Theta. Chosen on the tuning halves of m3-monthly, m3-monthly-24 and
// synthetic-short, the short-period form on three fresh seeds of the
// synthetic-short generator (docs/BENCHMARKS.md).
const fewSeasons = 12

// shortSeasons: a history of fewer seasons than this is forecast with a
// damped seasonal model (ETS(A,Ad,A)) and seasonal naive in the mean. From
// two or three seasons neither AICc (whose correction for m seasonal
// states is enormous at n = 2m) nor Theta's 90% test keeps the season,
// and a forecast without it misses every month's swing; for months the
// AICc choice is left out (on m3-monthly-24 its undamped trend without a
// season made 37 of the 1,428 series more than 3x worse than seasonal
// naive). Chosen on the tuning halves (MASE with ETS(A,Ad,A) added, at 0,
// 3, 4, 5, 6, 8 seasons: m3-monthly-24 1.273, then 1.183 from 3 on;
// synthetic-short 3.271, 3.271, 3.270, 3.297, 3.290, 3.290; m3-monthly
// 0.853 to 4, 0.852 at 5 and 6; ETS(A,Ad,A) over ETS(A,N,A): 1.183 against
// 1.196; then seasonal naive added 1.165, without the AICc choice 1.171,
// both 1.165 with 1 series over 3x seasonal naive against 3).
// docs/BENCHMARKS.md has the reporting halves.
const shortSeasons = 4

// strongSeason is the seasonal strength above which models without a
// season are not screened: when the main season explains 70% of the
// detrended variance they never forecast the held-out points better (none
// won on M4 Hourly, NAB or synthetic-daily), and skipping them saves a
// seventh of the work on seasonal data.
const strongSeason = 0.7

// pool lists the forecasters worth validating for a sample of length n:
// the linear and damped trends without a season (unless the main season is
// strong: strength is seasonalStrength at the main period) and with the
// main season, the multiplicative season for positive data, seasonal
// naive, and at each longer period the simple seasonal models and the
// mean of Theta and seasonal naive.
//
// That last one is for a week of hours: an ETS model's 168 seasonal
// states are learnt from the few weeks a history holds, and learnt badly.
// Theta's weekly profile is the average of every week, seasonal naive's
// is last week's; their mean is a profile between the two, and forecast
// nab-hourly-weekly and M4 Hourly better than either or any ETS model on
// the tuning halves (docs/BENCHMARKS.md). At the main period it did not
// (M4 Hourly's tuning half 0.898 → 0.905), so it is not offered there.
func pool(n int, periods []int, positive bool, strength float64) []poolMember {
	var seasonal []poolMember
	ets := func(to *[]poolMember, code string, period int) {
		spec, _ := parseSpec(code)
		if spec.needsPositive() && !positive {
			return
		}
		*to = append(*to, poolMember{spec: spec, period: period})
	}
	for i, m := range periods {
		if m < 2 || n < 2*m {
			continue
		}
		if i == 0 {
			for _, code := range []string{"ANA", "AAA", "AAdA", "MNM", "MAdM"} {
				ets(&seasonal, code, m)
			}
			seasonal = append(seasonal, poolMember{naive: true, period: m})
			continue
		}
		ets(&seasonal, "ANA", m)
		ets(&seasonal, "MNM", m)
		seasonal = append(seasonal, poolMember{thetaNaive: true, period: m})
	}
	var out []poolMember
	if len(seasonal) == 0 || strength < strongSeason {
		for _, code := range []string{"ANN", "AAN", "AAdN"} {
			ets(&out, code, 0)
		}
	}
	if len(seasonal) == 0 {
		return append(out, poolMember{naive: true})
	}
	return append(out, seasonal...)
}

// aiccPreference is how much lower (relative mean absolute error on the
// held-out points) another forecaster's error must be to displace the
// pool's AICc winner. One held-out window is a noisy judge; AICc uses the
// whole fitted sample, so it keeps the choice unless validation clearly
// disagrees.
const aiccPreference = 0.05

// autoForecast chooses among the pool by forecasting the last h points of
// the sample (at most a quarter of it) from a fit to the rest: the ETS
// model with the lowest AICc on that fit is kept unless another
// forecaster's mean absolute error on the held-out points is lower by more
// than aiccPreference. The choice is then refitted on the whole sample.
// Validation on the forecast horizon itself is what keeps an undamped trend
// that fits the past well from being extrapolated into nonsense.
//
// The intervals may come from another model: the one whose likelihood over
// the whole sample is best (AICc at the parameters fitted without the
// held-out points, so that those points are scored as one-step forecasts),
// provided its held-out forecasts were about as good: within one typical
// step of the series (its mean absolute change) per point. A small
// validation win says which forecast to centre on; it says little about
// spread, which the likelihood measures on every point. This matters after
// level shifts and spikes, where the model that forecasts the quiet
// held-out window best underrates how far the series can move.
func autoForecast(y []float64, opts Options, notes []string) (Result, error) {
	m := mainPeriod(opts.Periods, len(y))
	if m < 2 || len(y) >= fewSeasons*m {
		return validatedForecast(y, opts, notes)
	}
	// Few seasons: ETS (by AICc for months, the validated choice for a
	// few weeks of days) and Theta, averaged. Under shortSeasons a damped
	// seasonal model and seasonal naive join them, and for months the
	// AICc choice leaves: it cannot pay for a season from so few points,
	// and its trend without one is what ran away.
	short := len(y) < shortSeasons*m
	res := Result{Notes: notes}
	var members []Result
	switch {
	case m < 12:
		v, err := validatedForecast(y, opts, notes)
		if err != nil {
			return Result{}, err
		}
		res.Notes, members = v.Notes, append(members, v)
	case !short:
		ets, err := aiccForecast(y, m, opts, Result{})
		if err != nil {
			return Result{}, err
		}
		members = append(members, ets)
	}
	theta, err := thetaResult(y, m, opts)
	if err != nil {
		return Result{}, err
	}
	members = append(members, theta)
	if short {
		if seasonal, err := fitModel(y, m, etsSpec{Error: additive, Trend: additive, Damped: true, Season: additive}); err == nil {
			members = append(members, Result{Method: seasonal.Name(), Forecast: seasonal.Forecast(opts.Horizon, opts.Levels)})
		}
		members = append(members, Result{Method: fmt.Sprintf("snaive[%d]", m), Forecast: naiveForecast(y, m, opts.Horizon, opts.Levels)})
	}
	return averaged(res, members), nil
}

// validatedForecast is auto's choice by validation, below.
func validatedForecast(y []float64, opts Options, notes []string) (Result, error) {
	h := opts.Horizon
	hold := min(h, len(y)/4)
	res := Result{Notes: notes}
	if hold < 1 || len(y)-hold < 3 {
		res.Notes = append(res.Notes, fmt.Sprintf("only %d points: too few to validate, ETS chosen by AICc", len(y)))
		return aiccForecast(y, mainPeriod(opts.Periods, len(y)), opts, res)
	}
	train, test := y[:len(y)-hold], y[len(y)-hold:]
	type scored struct {
		member poolMember
		params *params
		aicc   float64 // on the training part
		whole  float64 // over the whole sample, at the training part's parameters
		mae    float64 // on the held-out points
	}
	inf := math.Inf(1)
	best := scored{mae: inf}
	byAICc := scored{aicc: inf, mae: inf}
	byWhole := scored{whole: inf, mae: inf}
	fc := make([]float64, hold)
	fitted := map[poolMember]*params{}
	strength := 0.0
	if len(opts.Periods) > 0 {
		strength = seasonalStrength(train, opts.Periods[0])
	}
	for _, c := range pool(len(train), opts.Periods, allPositive(y), strength) {
		cand := scored{member: c, aicc: inf, whole: inf}
		switch {
		case c.naive:
			copy(fc, naiveForecast(train, c.period, hold, nil).Mean)
		case c.thetaNaive:
			mean, ok := thetaNaive(train, c.period, hold, nil)
			if !ok {
				continue
			}
			copy(fc, mean.Mean)
		default:
			mdl, err := screen(train, c, fitted)
			if err != nil {
				continue
			}
			fitted[c] = &mdl.Params
			mdl.pointForecast(fc)
			cand.params, cand.aicc, cand.whole = &mdl.Params, mdl.AICc, mdl.aiccOver(y)
		}
		for i, v := range test {
			cand.mae += math.Abs(v - fc[i])
		}
		if cand.mae < best.mae {
			best = cand
		}
		if cand.aicc < byAICc.aicc {
			byAICc = cand
		}
		if cand.whole < byWhole.whole {
			byWhole = cand
		}
	}
	if math.IsInf(best.mae, 1) {
		return aiccForecast(y, mainPeriod(opts.Periods, len(y)), opts, res)
	}
	if !math.IsInf(byAICc.aicc, 1) && best.mae >= (1-aiccPreference)*byAICc.mae {
		best = byAICc
	}
	res.Method = best.member.name()
	if best.member.thetaNaive {
		if fc, ok := thetaNaive(y, best.member.period, h, opts.Levels); ok {
			res.Forecast = fc
			return res, nil
		}
		// The whole sample has a position of the season at zero, which
		// the training part had not: the likelihood's choice instead.
		res.Notes = append(res.Notes, fmt.Sprintf("%s chosen, but the whole history has no seasonal index at %d", res.Method, best.member.period))
		best = byAICc
		res.Method = best.member.name()
	}
	// wide is the likelihood's choice's forecast when its held-out
	// forecasts were about as good as the choice's (above); nil otherwise.
	// Its spread needs smoothing parameters fitted to the whole sample;
	// the initial states, which the point forecast's own fit polishes,
	// barely move the width of its intervals.
	var wide *Forecast
	if byWhole.member != best.member && !math.IsInf(byWhole.whole, 1) &&
		(byWhole.mae-best.mae)/float64(hold) <= spread(train) {
		if sm, err := fitETS(y, byWhole.member.period, byWhole.member.spec, fitOptions{start: byWhole.params}); err == nil {
			fc := sm.Forecast(h, opts.Levels)
			fc.envelop(sm, y)
			wide = &fc
			res.Method += ", intervals " + byWhole.member.name()
		}
	}
	if best.member.naive {
		res.Forecast = naiveForecast(y, best.member.period, h, opts.Levels)
		// Seasonal naive's own intervals are a seasonal random walk's,
		// growing with the square root of the seasons ahead; a series
		// whose last season forecast best is seldom one. The likelihood's
		// choice knows its spread (synthetic-daily's spiky_05: MSIS 34.4,
		// R's comb 9.8, 95% bounds 13 weeks out 3.6 times as far apart as
		// next week's).
		if wide != nil {
			wide.centreOn(res.Forecast.Mean)
			res.Forecast = *wide
		}
		return res, nil
	}
	mdl, err := fitETS(y, best.member.period, best.member.spec, fitOptions{estimateInit: true, start: best.params})
	if err != nil {
		return Result{}, err
	}
	if wide != nil {
		wide.useMeanOf(mdl)
		res.Forecast = *wide
		return res, nil
	}
	res.Forecast = mdl.Forecast(h, opts.Levels)
	res.Forecast.envelop(mdl, y)
	return res, nil
}

// thetaNaive is the mean of Theta and seasonal naive at period m: of their
// means and of each of their bounds. ok is false unless Theta found and
// took out the season: a Theta without it follows the last hours' level
// (the night's zeros, say) for the whole week.
func thetaNaive(y []float64, m, h int, levels []float64) (fc Forecast, ok bool) {
	theta, used, err := thetaForecast(y, m, h, levels)
	if err != nil || used == 0 {
		return Forecast{}, false
	}
	return meanOf(theta, naiveForecast(y, m, h, levels)), true
}

// screen fits a pool member to the training part. A damped model starts
// from the fit of the same model without damping (or, for a multiplicative
// one, without trend), which the pool's order puts first: it saves a third
// of the evaluations.
func screen(train []float64, c poolMember, fitted map[poolMember]*params) (*model, error) {
	var start *params
	if c.spec.Damped {
		sibling := c
		sibling.spec.Damped = false
		if c.spec.Error == multiplicative {
			sibling.spec.Trend = noComponent
		}
		start = fitted[sibling]
	}
	return fitETS(train, c.period, c.spec, fitOptions{start: start, related: true})
}

// aiccForecast forecasts with the ETS model of lowest AICc at period m.
func aiccForecast(y []float64, m int, opts Options, res Result) (Result, error) {
	mdl, err := selectETS(y, m)
	if err != nil {
		return Result{}, err
	}
	res.Method = mdl.Name()
	res.Forecast = mdl.Forecast(opts.Horizon, opts.Levels)
	return res, nil
}
