package forecast

import (
	"fmt"
	"math"
	"strings"
)

// thetaForecast is the Theta method of Assimakopoulos and Nikolopoulos
// (2000), the M3 competition's winner, in the form Hyndman and Billah
// (2003) showed it to be and R's forecast::thetaf computes: simple
// exponential smoothing with a drift of half the slope of a straight line
// fitted to the series, on the seasonally adjusted series when a season
// is significant (a 90% test on the autocorrelation at the period), then
// seasonal again. Its intervals are those of the exponential smoothing,
// reseasonalized. used is the period taken out and put back: m, or 0 when
// there was no season to take out.
func thetaForecast(y []float64, m, h int, levels []float64) (fc Forecast, used int, err error) {
	n := len(y)
	adjusted, index := y, []float64(nil)
	if m >= 2 && n >= 2*m && seasonalACF(y, m) {
		adjusted, index = deseason(y, m)
	}
	ses, err := fitModel(adjusted, 0, etsSpec{Error: additive, Trend: noComponent, Season: noComponent})
	if err != nil {
		return Forecast{}, 0, fmt.Errorf("theta: %w", err)
	}
	fc = ses.Forecast(h, levels)
	alpha := ses.Params.Alpha
	_, slope := line(adjusted)
	slope /= 2
	// The drift of SES on a linear trend: b (k - 1 + (1 - (1-α)^n) / α).
	lead := (1 - math.Pow(1-alpha, float64(n))) / alpha
	for k := range h {
		d := slope * (float64(k) + lead)
		s := 1.0
		if index != nil {
			s = index[(n+k)%m]
		}
		fc.Mean[k] = (fc.Mean[k] + d) * s
		for i := range fc.Lower {
			fc.Lower[i][k] = (fc.Lower[i][k] + d) * s
			fc.Upper[i][k] = (fc.Upper[i][k] + d) * s
		}
	}
	if index == nil {
		return fc, 0, nil
	}
	return fc, m, nil
}

// thetaName names the Theta method with the period it used.
func thetaName(used int) string {
	if used == 0 {
		return "Theta"
	}
	return fmt.Sprintf("Theta[%d]", used)
}

// seasonalACF tests the autocorrelation at lag m against its standard
// error under no season beyond lag m-1 (Bartlett), at 90% two-sided, as
// forecast::thetaf does.
func seasonalACF(y []float64, m int) bool {
	n := len(y)
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	var c0 float64
	for _, v := range y {
		c0 += (v - mean) * (v - mean)
	}
	if c0 == 0 {
		return false
	}
	r := func(k int) float64 {
		var s float64
		for t := k; t < n; t++ {
			s += (y[t] - mean) * (y[t-k] - mean)
		}
		return s / c0
	}
	sum := 0.0
	for k := 1; k < m; k++ {
		sum += r(k) * r(k)
	}
	return math.Abs(r(m)) > 1.6449*math.Sqrt((1+2*sum)/float64(n))
}

// deseason divides a series by the seasonal indices of a classical
// multiplicative decomposition (a centred moving average of one period;
// each position's mean ratio to it, scaled to average 1). index holds the
// factors by position, index[t%m] for step t. Zeros in the series are
// fine (counts at night): the ratios divide by the moving average, which
// is used where positive. A position without a ratio, or an index near
// zero, which would blow the forecast up when the series is divided by
// it, leaves the series as it is, with no index (R's thetaf: "seasonal
// indexes close to zero").
func deseason(y []float64, m int) (adjusted, index []float64) {
	n := len(y)
	trend := make([]float64, n)
	half := m / 2
	for t := half; t+half < n; t++ {
		var s float64
		if m%2 == 0 {
			s = y[t-half]/2 + y[t+half]/2
			for k := t - half + 1; k < t+half; k++ {
				s += y[k]
			}
		} else {
			for k := t - half; k <= t+half; k++ {
				s += y[k]
			}
		}
		trend[t] = s / float64(m)
	}
	sums, counts := make([]float64, m), make([]float64, m)
	for t := half; t+half < n; t++ {
		if trend[t] > 0 {
			sums[t%m] += y[t] / trend[t]
			counts[t%m]++
		}
	}
	index = make([]float64, m)
	total := 0.0
	for i := range index {
		if counts[i] == 0 {
			return y, nil
		}
		index[i] = sums[i] / counts[i]
		total += index[i]
	}
	for i := range index {
		index[i] *= float64(m) / total
		if !(math.Abs(index[i]) >= 1e-4) {
			return y, nil
		}
	}
	adjusted = make([]float64, n)
	for t, v := range y {
		adjusted[t] = v / index[t%m]
	}
	return adjusted, index
}

// line is the least-squares line of y against its steps: its value at the
// middle step, (n−1)/2, which is the mean of y, and its slope.
func line(y []float64) (mean, slope float64) {
	n := float64(len(y))
	mx := (n - 1) / 2
	for _, v := range y {
		mean += v
	}
	mean /= n
	var sxy, sxx float64
	for t, v := range y {
		dx := float64(t) - mx
		sxy += dx * (v - mean)
		sxx += dx * dx
	}
	if sxx == 0 {
		return mean, 0
	}
	return mean, sxy / sxx
}

// combForecast is the mean of the ETS model of lowest AICc and the Theta
// method: their means and each of their bounds averaged. Where a series
// holds few seasons, one validation window judges poorly and each method
// errs its own way; their mean errs less than either on the monthly and
// short daily sets (docs/BENCHMARKS.md).
func combForecast(y []float64, m int, opts Options, res Result) (Result, error) {
	ets, err := aiccForecast(y, m, opts, Result{})
	if err != nil {
		return Result{}, err
	}
	theta, err := thetaResult(y, m, opts)
	if err != nil {
		return Result{}, err
	}
	return averaged(res, []Result{ets, theta}), nil
}

// thetaResult is the Theta method at period m, named.
func thetaResult(y []float64, m int, opts Options) (Result, error) {
	fc, used, err := thetaForecast(y, m, opts.Horizon, opts.Levels)
	if err != nil {
		return Result{}, err
	}
	return Result{Method: thetaName(used), Forecast: fc}, nil
}

// averaged is res with the mean of the members' forecasts (meanOf, which
// overwrites the first's), named "mean of A, B and C".
func averaged(res Result, members []Result) Result {
	names := make([]string, len(members))
	others := make([]Forecast, 0, len(members)-1)
	for i, r := range members {
		names[i] = r.Method
		if i > 0 {
			others = append(others, r.Forecast)
		}
	}
	res.Forecast = meanOf(members[0].Forecast, others...)
	res.Method = "mean of " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	return res
}

// meanOf is the mean of forecasts of the same steps and levels: of their
// means and of each of their bounds. The first is overwritten.
func meanOf(first Forecast, others ...Forecast) Forecast {
	w := 1 / float64(1+len(others))
	for k := range first.Mean {
		mean := first.Mean[k]
		for _, o := range others {
			mean += o.Mean[k]
		}
		first.Mean[k] = mean * w
		for i := range first.Lower {
			lo, hi := first.Lower[i][k], first.Upper[i][k]
			for _, o := range others {
				lo += o.Lower[i][k]
				hi += o.Upper[i][k]
			}
			first.Lower[i][k], first.Upper[i][k] = lo*w, hi*w
		}
	}
	return first
}
