package forecast

import "math"

// seasonalIndices estimates one season of indices by classical decomposition
// (a centred moving average of order m as the trend) over the first ten
// seasons at most, as R's forecast::ets does for its starting values. Index j
// belongs to phase j. It needs at least two full seasons.
func seasonalIndices(y []float64, m int, mult bool) []float64 {
	y = y[:min(len(y), 10*m)]
	sums := make([]float64, m)
	counts := make([]int, m)
	centredMA(y, m, func(t int, trend float64) {
		d := y[t] - trend
		if mult {
			if trend == 0 {
				return
			}
			d = y[t] / trend
		}
		sums[t%m] += d
		counts[t%m]++
	})
	idx := make([]float64, m)
	var mean float64
	for j := range idx {
		if counts[j] > 0 {
			idx[j] = sums[j] / float64(counts[j])
		} else if mult {
			idx[j] = 1
		}
		mean += idx[j]
	}
	mean /= float64(m)
	for j := range idx {
		if mult {
			if mean > 0 {
				idx[j] /= mean
			}
			idx[j] = math.Max(idx[j], 1e-2)
		} else {
			idx[j] -= mean
		}
	}
	return idx
}

// initialStates gives starting values for the states: seasonal indices from
// a decomposition, then level and trend from a straight line through the
// first seasonally adjusted points.
func initialStates(spec etsSpec, y []float64, m int) states {
	var x states
	adj := y
	if spec.Season != noComponent {
		x.Season = seasonalIndices(y, m, spec.Season == multiplicative)
		adj = make([]float64, min(len(y), max(10, 2*m)))
		for t := range adj {
			if spec.Season == multiplicative {
				adj[t] = y[t] / x.Season[t%m]
			} else {
				adj[t] = y[t] - x.Season[t%m]
			}
		}
	}
	k := min(len(adj), max(10, 2*m))
	adj = adj[:k]
	if spec.Trend == noComponent {
		var s float64
		for _, v := range adj {
			s += v
		}
		x.Level = s / float64(k)
		return x
	}
	// Least-squares line v = a + b*t over t = 1..k, so that a is the level one
	// step before the first observation.
	var st, sv, stt, stv float64
	for i, v := range adj {
		t := float64(i + 1)
		st += t
		sv += v
		stt += t * t
		stv += t * v
	}
	fk := float64(k)
	den := fk*stt - st*st
	b := 0.0
	if den != 0 {
		b = (fk*stv - st*sv) / den
	}
	x.Level = (sv - b*st) / fk
	x.Trend = b
	if spec.Error == multiplicative && math.Abs(x.Level+x.Trend) < 1e-8 {
		x.Level *= 1 + 1e-3
		x.Trend *= 1 - 1e-3
	}
	return x
}

// centredMA calls visit with the centred moving average of order m (2×m
// when m is even) at every t where it is defined.
func centredMA(y []float64, m int, visit func(t int, trend float64)) {
	half := m / 2
	var window float64
	for t := half; t < len(y)-half; t++ {
		var trend float64
		if m%2 == 1 {
			if t == half {
				for j := 0; j < m; j++ {
					window += y[j]
				}
			} else {
				window += y[t+half] - y[t-half-1]
			}
			trend = window / float64(m)
		} else {
			if t == half {
				for j := 1; j < m; j++ {
					window += y[j]
				}
			} else {
				window += y[t+half-1] - y[t-half]
			}
			trend = (window + 0.5*(y[t-half]+y[t+half])) / float64(m)
		}
		visit(t, trend)
	}
}

// seasonalStrength is 1 - Var(remainder)/Var(detrended) of an additive
// classical decomposition with period m (Wang, Smith & Hyndman 2006): near
// 1 when the season explains the detrended series, near 0 when it does not.
func seasonalStrength(y []float64, m int) float64 {
	if m < 2 || len(y) < 2*m {
		return 0
	}
	idx := seasonalIndices(y, m, false)
	var n, sd, sdd, sr, srr float64
	centredMA(y, m, func(t int, trend float64) {
		d := y[t] - trend
		r := d - idx[t%m]
		n++
		sd += d
		sdd += d * d
		sr += r
		srr += r * r
	})
	varD := sdd/n - (sd/n)*(sd/n)
	varR := srr/n - (sr/n)*(sr/n)
	if varD <= 0 {
		return 0
	}
	return math.Max(0, 1-varR/varD)
}
