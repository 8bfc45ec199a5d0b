package forecast

import (
	"math"
)

// maxOrigins bounds the forecast origins of empiricalBands: errors from
// neighbouring origins share most of their path, so more of them add cost,
// not information.
const maxOrigins = 200

// empiricalBands runs the model over its own sample and, from origins
// after a burn-in (thinned to about maxOrigins), forecasts up to h steps;
// the quantiles of those in-sample errors at each step give bounds that
// reflect what the model has actually missed by, level shifts and outliers
// included. Errors are relative for multiplicative-error models. ok is
// false when the sample is too short to give each step at least 40 errors.
func (m *model) empiricalBands(y []float64, h int, levels []float64, mean []float64) (lower, upper [][]float64, ok bool) {
	burn := max(2*m.Period, 10)
	origins := len(y) - burn - h
	if origins < 40 {
		return nil, nil, false
	}
	x := m.Initial.clone()
	if r := filter(m.Spec, m.Params, &x, y[:burn], 0, nil); !r.ok {
		return nil, nil, false
	}
	stride := max(1, origins/maxOrigins)
	perStep := (origins+h)/stride + 2
	flat := make([]float64, h*perStep)
	errs := make([][]float64, h)
	for k := range errs {
		errs[k] = flat[k*perStep : k*perStep : (k+1)*perStep]
	}
	buf := make([]float64, h)
	mult := m.Spec.Error == multiplicative
	for t := burn; t < len(y)-1; t++ {
		if (len(y)-1-t)%stride == 0 {
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
		}
		if r := filter(m.Spec, m.Params, &x, y[t:t+1], t, nil); !r.ok {
			return nil, nil, false
		}
	}
	var ranksBuf []int
	var sel orderStatSelector
	lower, upper = newBands(len(levels), h)
	for k := range h {
		e := errs[k]
		nk := len(e)
		if nk < 40 {
			return nil, nil, false
		}
		ranksBuf = quantileRanks(nk, levels, ranksBuf)
		stats := sel.orderStats(e, ranksBuf)
		for i, lv := range levels {
			tail := (1 - lv/100) / 2
			lo, hi := typeSeven(ranksBuf, stats, nk, tail), typeSeven(ranksBuf, stats, nk, 1-tail)
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
func (fc *Forecast) envelop(m *model, y []float64) {
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
