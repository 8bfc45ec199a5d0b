package forecast

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestShapeOfASawtooth(t *testing.T) {
	// 200 days growing 1 a day, cut back by 25 every 30 days (days 30,
	// 60, ... 180), with noise of 0.2: three clean-ups in the last 90
	// days (120, 150, 180), 1 a day between them.
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 200)
	for t := range y {
		y[t] = 100 + float64(t) - 25*float64(t/30) + 0.2*rng.NormFloat64()
	}
	s := ShapeOf(y)
	if len(s.Cleanups) != 3 || s.Cleanups[0] != 120 || s.Cleanups[2] != 180 || math.Abs(s.Between-1) > 0.05 {
		t.Errorf("%+v, want clean-ups at 120, 150 and 180, growth 1 a day between them", s)
	}
}

func TestShapeOfWeekdays(t *testing.T) {
	// A weekend dip of 10 every week recovers on Monday: no clean-up.
	rng := rand.New(rand.NewPCG(7, 8))
	y := make([]float64, 200)
	for t := range y {
		y[t] = 50 + 0.05*float64(t) + 0.3*rng.NormFloat64()
		if t%7 >= 5 {
			y[t] -= 10
		}
	}
	if s := ShapeOf(y); len(s.Cleanups) != 0 || s.Shift != 0 {
		t.Errorf("%+v, want neither clean-ups nor a step", s)
	}
}

func TestShapeOfAStep(t *testing.T) {
	// Flat at 10, then 30 from day 150 on.
	y := noisyStep(200, 150, 10, 20, 0.5, 9)
	if s := ShapeOf(y); s.Shift != 150 || math.Abs(s.ShiftSize-20) > 1 {
		t.Errorf("%+v, want a step of 20 at 150", s)
	}
}
