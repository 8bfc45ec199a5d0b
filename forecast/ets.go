package forecast

import "math"

// params are the smoothing parameters of an ETS model in the conventional
// parameterisation: 0 < Beta < Alpha, 0 < Gamma < 1-Alpha, 0.8 <= Phi <= 0.98.
// Beta, Gamma and Phi are zero when the model has no trend, season or damping
// (Phi is 1 for an undamped trend).
type params struct {
	Alpha float64 `json:"alpha"`
	Beta  float64 `json:"beta,omitempty"`
	Gamma float64 `json:"gamma,omitempty"`
	Phi   float64 `json:"phi,omitempty"`
}

// states are the level, trend and seasonal states at one time. Season[j] is
// the seasonal index that applies to the steps whose phase (step index modulo
// the period) is j.
type states struct {
	Level  float64   `json:"level"`
	Trend  float64   `json:"trend,omitempty"`
	Season []float64 `json:"season,omitempty"`
}

func (s states) clone() states {
	s.Season = append([]float64(nil), s.Season...)
	return s
}

// filterResult carries what one pass of the state recursions produced.
type filterResult struct {
	sse    float64 // sum of squared one-step errors (relative errors for M error)
	sumLog float64 // sum of log|one-step forecast|, the Jacobian term of M error
	ok     bool    // false when a forecast or seasonal index made the model undefined
}

// filter runs the ETS recursions (Hyndman et al. 2008, ch. 2, in the
// error-free update form used by R's forecast::ets) over y from the initial
// states x, leaving the final states in x. When resid is not nil it receives
// the one-step errors. Phases start at phase0 so that a continuation keeps the
// seasonal alignment.
func filter(spec etsSpec, p params, x *states, y []float64, phase0 int, resid []float64) filterResult {
	m := len(x.Season)
	level, trend := x.Level, x.Trend
	phi := p.Phi
	hasTrend := spec.Trend != noComponent
	if !hasTrend {
		phi, trend = 0, 0
	}
	bRatio := 0.0
	if hasTrend {
		bRatio = p.Beta / p.Alpha
	}
	// The level and trend updates are linear in (level, trend, a), where a
	// is the deseasonalised observation; written that way the dependency
	// chain from one step to the next is one multiply-add deep, which is
	// what bounds the speed of this loop.
	alpha, gamma := p.Alpha, p.Gamma
	ll, lt := 1-alpha, (1-alpha)*phi
	ab := alpha * bRatio
	tl, tt := -ab, phi*(1-ab)
	multErr := spec.Error == multiplicative
	addSeason := spec.Season == additive
	multSeason := spec.Season == multiplicative
	season := x.Season
	var r filterResult
	k := 0
	if m > 0 {
		k = phase0 % m
	}
	// The log-Jacobian of multiplicative errors is accumulated as a product,
	// renormalised by Frexp only when it drifts far from 1: a multiply per
	// step instead of a Log.
	prod, exp := 1.0, 0
	for t, obs := range y {
		q := level + phi*trend
		f, a := q, obs
		if addSeason {
			s := season[k]
			f = q + s
			a = obs - s
			season[k] = s + gamma*(obs-q-s)
		} else if multSeason {
			s := season[k]
			if !(s > 0) || q == 0 {
				return r
			}
			f = q * s
			a = obs / s
			season[k] = s + gamma*(obs/q-s)
		}
		e := obs - f
		if multErr {
			if !(f > 0) || f > math.MaxFloat64 {
				return r
			}
			e /= f
			prod *= f
			if prod > 1e150 || prod < 1e-150 {
				var fe int
				prod, fe = math.Frexp(prod)
				exp += fe
			}
		}
		if resid != nil {
			resid[t] = e
		}
		r.sse += e * e
		aa := alpha * a
		level, trend = ll*level+lt*trend+aa, tl*level+tt*trend+bRatio*aa
		if m > 0 {
			k++
			if k == m {
				k = 0
			}
		}
	}
	if multErr {
		r.sumLog = math.Log(prod) + float64(exp)*math.Ln2
	}
	if math.IsNaN(r.sse) || math.IsInf(r.sse, 0) || math.IsNaN(r.sumLog) || math.IsNaN(level) || math.IsNaN(trend) {
		return r
	}
	x.Level, x.Trend = level, trend
	r.ok = true
	return r
}

// pointForecast writes the h-step means from the final states x, whose next
// step has phase phase0.
func pointForecast(spec etsSpec, p params, x states, phase0 int, out []float64) {
	m := len(x.Season)
	damp := 0.0
	phiPow := 1.0
	for h := range out {
		f := x.Level
		if spec.Trend != noComponent {
			if spec.Damped {
				phiPow *= p.Phi
				damp += phiPow
			} else {
				damp = float64(h + 1)
			}
			f += damp * x.Trend
		}
		switch spec.Season {
		case additive:
			f += x.Season[(phase0+h)%m]
		case multiplicative:
			f *= x.Season[(phase0+h)%m]
		}
		out[h] = f
	}
}
