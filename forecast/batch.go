package forecast

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// SeriesForecast is the outcome for one series of a batch.
type SeriesForecast struct {
	Series  Regular
	Periods []int       // seasonal periods considered for this series
	Times   []time.Time // timestamps of the forecast steps
	Result
	Err error
}

// ForecastAll regularises and forecasts every series on up to workers
// goroutines (all cores when workers < 1). Empty opts.Periods mean "from
// each series' spacing" (Step.DefaultPeriods); use [1] for no season. Results
// keep the input order; a series that fails carries its error and the
// others go on.
func ForecastAll(ctx context.Context, in []Series, opts Options, workers int) ([]SeriesForecast, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]SeriesForecast, len(in))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(in)) {
		wg.Go(func() {
			for i := range jobs {
				out[i] = forecastOne(in[i], opts)
			}
		})
	}
feed:
	for i := range in {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func forecastOne(s Series, opts Options) SeriesForecast {
	reg, err := Regularize(s)
	if err != nil {
		return SeriesForecast{Err: err}
	}
	sf := SeriesForecast{Series: reg}
	if len(opts.Periods) == 0 {
		opts.Periods = reg.Step.DefaultPeriods()
	}
	sf.Periods = opts.Periods
	if reg.Step == (Step{}) {
		sf.Err = fmt.Errorf("series %q: a single observation has no spacing to continue", s.Name)
		return sf
	}
	sf.Result, err = Predict(reg.Values, opts)
	if err != nil {
		sf.Err = fmt.Errorf("series %q: %w", s.Name, err)
		return sf
	}
	if n := len(reg.Filled); n > 0 {
		sf.Notes = append(sf.Notes, fmt.Sprintf("%d missing step(s) filled by linear interpolation, first at %s",
			n, reg.Time(reg.Filled[0]).Format(time.RFC3339)))
	}
	sf.Times = make([]time.Time, opts.Horizon)
	for k := range sf.Times {
		sf.Times[k] = reg.Time(len(reg.Values) + k)
	}
	return sf
}
