package forecast

import (
	"fmt"
	"math"
	"strings"
)

// Options say what to forecast and how.
type Options struct {
	Horizon int // steps ahead, at least 1
	// Periods are the seasonal periods in steps, the main one first; empty
	// (or 1) for none. Only "auto" looks past the first, e.g. at the weekly
	// season of hourly data.
	Periods []int
	Levels  []float64 // interval levels in percent; DefaultLevels when empty
	// Method is "auto" (the default), "ets" (AICc selection over the ETS
	// family), "hw" (additive Holt-Winters), "snaive" (seasonal naive),
	// "theta" (the Theta method), "comb" (the mean of "ets" and "theta"), or an
	// ETS code such as "AAdA".
	Method string
}

// Validate checks the options once, before any series is fitted.
func (o *Options) Validate() error {
	if o.Horizon < 1 {
		return fmt.Errorf("horizon must be at least 1, got %d", o.Horizon)
	}
	for _, p := range o.Periods {
		if p < 1 {
			return fmt.Errorf("seasonal period must be at least 1, got %d", p)
		}
	}
	if len(o.Levels) == 0 {
		o.Levels = defaultLevels
	}
	for _, lv := range o.Levels {
		if !(lv > 0 && lv < 100) {
			return fmt.Errorf("interval level %v is not between 0 and 100", lv)
		}
	}
	switch strings.ToLower(o.Method) {
	case "", "auto":
		o.Method = "auto"
	case "ets", "snaive", "hw", "theta", "comb":
		o.Method = strings.ToLower(o.Method)
	default:
		if _, err := parseSpec(o.Method); err != nil {
			return fmt.Errorf("method: %w", err)
		}
	}
	return nil
}

// Result is a forecast with an account of how it was made.
type Result struct {
	Forecast
	Method string   `json:"method"` // the model or combination actually used
	Notes  []string `json:"notes,omitempty"`
}

// Predict forecasts y (regular, finite, oldest first) with the options'
// method, falling back to a simpler model, and saying so in Notes, when the
// data cannot support the one asked for.
func Predict(y []float64, opts Options) (Result, error) {
	if err := opts.Validate(); err != nil {
		return Result{}, err
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, fmt.Errorf("value %d (%v) is not a finite number", i, v)
		}
	}
	if len(y) == 0 {
		return Result{}, fmt.Errorf("no observations")
	}
	var res Result
	if isConstant(y) {
		res.Method = "constant"
		res.Notes = append(res.Notes, "series is constant: forecast is that constant with zero-width intervals")
		res.Forecast = constantForecast(y[0], opts.Horizon, opts.Levels)
		return res, nil
	}
	if len(y) < 3 {
		res.Method = "naive"
		res.Notes = append(res.Notes, fmt.Sprintf("only %d points: last value carried forward", len(y)))
		res.Forecast = naiveForecast(y, 0, opts.Horizon, opts.Levels)
		return res, nil
	}
	m := mainPeriod(opts.Periods, len(y))
	if asked := mainPeriod(opts.Periods, math.MaxInt); asked > 0 && m == 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("fewer than two seasons (%d points, period %d): non-seasonal model", len(y), asked))
	}
	switch opts.Method {
	case "snaive":
		res.Method = "snaive"
		if m > 0 {
			res.Method = fmt.Sprintf("snaive[%d]", m)
		}
		res.Forecast = naiveForecast(y, m, opts.Horizon, opts.Levels)
		return res, nil
	case "auto":
		r, err := autoForecast(y, opts, res.Notes)
		if err == nil {
			driftBands(y, &r.Forecast)
		}
		return r, err
	case "ets":
		return aiccForecast(y, m, opts, res)
	case "comb":
		return combForecast(y, m, opts, res)
	case "theta":
		theta, err := thetaResult(y, m, opts)
		if err != nil {
			return Result{}, err
		}
		theta.Notes = res.Notes
		return theta, nil
	}
	spec, err := parseSpec(opts.Method)
	if err != nil {
		return Result{}, err
	}
	if spec.Season != noComponent && m == 0 {
		spec.Season = noComponent
	}
	if spec.needsPositive() && !allPositive(y) {
		res.Notes = append(res.Notes, fmt.Sprintf("%s needs positive data: additive components used instead", spec))
		spec.Error = additive
		if spec.Season == multiplicative {
			spec.Season = additive
		}
	}
	mdl, err := fitModel(y, m, spec)
	if err != nil {
		return Result{}, err
	}
	res.Method = mdl.Name()
	res.Forecast = mdl.Forecast(opts.Horizon, opts.Levels)
	return res, nil
}

// mainPeriod is the first of periods when it is a season (at least 2)
// that n points cover twice, and 0 otherwise.
func mainPeriod(periods []int, n int) int {
	if len(periods) == 0 || periods[0] < 2 || n/2 < periods[0] {
		return 0
	}
	return periods[0]
}

func constantForecast(v float64, h int, levels []float64) Forecast {
	mean := make([]float64, h)
	for i := range mean {
		mean[i] = v
	}
	lower, upper := normalBands(mean, make([]float64, h), levels)
	return Forecast{Mean: mean, Levels: levels, Lower: lower, Upper: upper}
}

// naiveForecast repeats the last season (the last value when m is 0) with
// the residual-based normal intervals of R's forecast::snaive.
func naiveForecast(y []float64, m, h int, levels []float64) Forecast {
	lag := max(m, 1)
	if len(y) <= lag {
		lag = 1
	}
	var ss float64
	for i := lag; i < len(y); i++ {
		d := y[i] - y[i-lag]
		ss += d * d
	}
	sigma := 0.0
	if len(y) > lag {
		sigma = math.Sqrt(ss / float64(len(y)-lag))
	}
	mean := make([]float64, h)
	sd := make([]float64, h)
	for k := range h {
		mean[k] = y[len(y)-lag+k%lag]
		sd[k] = sigma * math.Sqrt(float64(k/lag+1))
	}
	lower, upper := normalBands(mean, sd, levels)
	return Forecast{Mean: mean, Levels: levels, Lower: lower, Upper: upper}
}
