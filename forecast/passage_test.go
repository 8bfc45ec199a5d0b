package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// noisyLine is 10 + 0.1 t with a weekly swing and N(0, 0.5²) noise.
func noisyLine(n int) []float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	y := make([]float64, n)
	for t := range y {
		y[t] = 10 + 0.1*float64(t) + []float64{0, 1, 1, 1, 1, 0, -2}[t%7] + 0.5*rng.NormFloat64()
	}
	return y
}

// noisyStep is n steps at level with N(0, sd²) noise, step higher from
// step at on; seed seeds the noise.
func noisyStep(n, at int, level, step, sd float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	y := make([]float64, n)
	for t := range y {
		y[t] = level + sd*rng.NormFloat64()
		if t >= at {
			y[t] += step
		}
	}
	return y
}

func TestFirstPassageOfALine(t *testing.T) {
	y := noisyLine(200)
	// The line is at 30 at t = 200; 40 is 100 days on (t = 300, step 99),
	// but the weekday swing (+1) and the noise reach it earlier.
	got, err := FirstPassage(y, []float64{40, 60, 1e6}, PassageOptions{Horizon: 365, Period: 7})
	if err != nil {
		t.Fatal(err)
	}
	if p := got[0]; p.Median < 75 || p.Median > 99 || p.Early > p.Median || p.Early < 30 || p.Probability < 0.9 {
		t.Errorf("40: %+v, want a median in 75-99 days, earlier than the line's 99, and an early date before it", p)
	}
	if p := got[1]; p.Median <= got[0].Median || p.Median < 270 || p.Median > 330 {
		t.Errorf("60: %+v, want later than 40's and near the line's 299 (the slope's spread and the flat scenario put it after)", p)
	}
	// No future reaches it; the calibrated chance keeps a trace of doubt.
	if p := got[2]; p.Median != -1 || p.Early != -1 || p.Probability > 0.01 {
		t.Errorf("1e6: %+v, want never", p)
	}
	again, err := FirstPassage(y, []float64{40, 60, 1e6}, PassageOptions{Horizon: 365, Period: 7})
	if err != nil || !slices.Equal(got, again) {
		t.Errorf("a second run gave %+v (%v), want %+v: the simulation is seeded", again, err, got)
	}
}

func TestFirstPassageOfAFlatSeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	y := make([]float64, 120)
	for t := range y {
		y[t] = 50 + rng.NormFloat64()
	}
	got, err := FirstPassage(y, []float64{70, 51}, PassageOptions{Horizon: 365, Period: 7})
	if err != nil {
		t.Fatal(err)
	}
	// 20 standard deviations above the level: never. One above: within
	// days, by noise alone.
	if got[0].Median != -1 || got[0].Probability > 0.2 {
		t.Errorf("70: %+v, want not reached by most futures", got[0])
	}
	if got[1].Median < 0 || got[1].Median > 14 {
		t.Errorf("51: %+v, want reached within two weeks", got[1])
	}
}

// A flat series that stepped up 20 days ago: the 30- and 90-day lines
// must not read the step as growth.
func TestFirstPassageAfterAStepUp(t *testing.T) {
	y := noisyStep(365, 345, 50, 5, 0.2, 5)
	got, err := FirstPassage(y, []float64{60}, PassageOptions{Horizon: 365, Period: 7})
	if err != nil {
		t.Fatal(err)
	}
	// The level is 55 and has not moved since: 60 is 25 standard
	// deviations of its noise above it, and no slope leads there.
	if p := got[0]; p.Median != -1 || p.Probability > 0.3 {
		t.Errorf("60: %+v, want no date: the step is not a trend", p)
	}
}

func TestFirstPassageShortHistory(t *testing.T) {
	// Two weeks rising a core a day: not 14 days of evidence for a year,
	// but the level 10 days on is half-likely reached by then.
	y := noisyLine(14)
	got, err := FirstPassage(y, []float64{y[13] + 1}, PassageOptions{Horizon: 90, Period: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Median < 0 || got[0].Median > 30 {
		t.Errorf("%+v, want a median within a month", got[0])
	}
}

func TestFirstPassageRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		y    []float64
		opts PassageOptions
		want string
	}{
		{[]float64{1, 2}, PassageOptions{Horizon: 10}, "2 point(s), need at least 3"},
		{[]float64{1, 2, 3}, PassageOptions{}, "horizon 0"},
		{[]float64{1, math.NaN(), 3}, PassageOptions{Horizon: 10}, "missing or infinite"},
	} {
		if _, err := FirstPassage(tc.y, []float64{5}, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.y, err, tc.want)
		}
	}
}
