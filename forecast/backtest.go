package forecast

import (
	"fmt"
	"math"
)

// backtestResult is the out-of-sample error of a method at each horizon
// step, from a rolling-origin evaluation.
type backtestResult struct {
	Origins int       // forecast origins evaluated
	MAE     []float64 // mean absolute error at step h+1
	RMSE    []float64 // root mean squared error at step h+1
	// Coverage is the share of actual values inside each interval, per
	// level in the options' order, over all origins and steps.
	Coverage []float64
}

// backtest refits the options' method at origins rolling back from the end
// of y, every `every` steps (the horizon when every < 1), at most origins
// times, forecasts opts.Horizon steps from each, and compares with what
// happened. MAE[h-1] is the error a user should expect h steps ahead.
func backtest(y []float64, opts Options, origins, every int) (backtestResult, error) {
	if err := opts.Validate(); err != nil {
		return backtestResult{}, err
	}
	h := opts.Horizon
	if every < 1 {
		every = h
	}
	res := backtestResult{MAE: make([]float64, h), RMSE: make([]float64, h), Coverage: make([]float64, len(opts.Levels))}
	for o := 0; o < origins; o++ {
		end := len(y) - h - o*every
		if end < 3 {
			break
		}
		r, err := Predict(y[:end], opts)
		if err != nil {
			return backtestResult{}, fmt.Errorf("origin %d (first %d points): %w", o, end, err)
		}
		for k := range h {
			actual := y[end+k]
			e := actual - r.Mean[k]
			res.MAE[k] += math.Abs(e)
			res.RMSE[k] += e * e
			for i := range opts.Levels {
				if actual >= r.Lower[i][k] && actual <= r.Upper[i][k] {
					res.Coverage[i]++
				}
			}
		}
		res.Origins++
	}
	if res.Origins == 0 {
		return backtestResult{}, fmt.Errorf("%d points are too few to backtest a %d-step horizon", len(y), h)
	}
	// Every origin is scored at every step.
	n := float64(res.Origins)
	for k := range h {
		res.MAE[k] /= n
		res.RMSE[k] = math.Sqrt(res.RMSE[k] / n)
	}
	for i := range res.Coverage {
		res.Coverage[i] /= n * float64(h)
	}
	return res, nil
}
