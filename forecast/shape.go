package forecast

import (
	"math"
	"slices"
)

// Shape is what a history's course holds beside its trend: the step its
// level took (LevelShift) and the clean-ups that cut it back, or, for a
// series that changes in steps only, how many it took.
type Shape struct {
	// Steps is how many steps a series that changes in steps took (see
	// Futures), Last the step of the latest; 0 for any other series.
	Steps, Last int
	// Shift is the step at which the level stepped, 0 for none, and
	// ShiftSize how far: the week after it against the week before.
	Shift     int
	ShiftSize float64
	// Cleanups are the steps at which the series was cut back within
	// the last cleanupDays, and Between its growth a step between them:
	// the median slope of the stretches they leave.
	Cleanups []int
	Between  float64
}

// cleanupDays is how far back clean-ups are counted: a quarter.
const cleanupDays = 90

// ShapeOf finds y's step and clean-ups. A step (LevelShift) counts when
// it moved the level, the week after against the week before, by more
// than six robust standard deviations of the step-to-step changes (1.4826
// times their median absolute deviation). A clean-up is a fall from one
// step to the next of more than that, which the week after does not make
// up: the mean of the week after stays below the week before's by at
// least half the fall. A weekday's dip recovers within the week and is
// none.
func ShapeOf(y []float64) Shape {
	var s Shape
	n := len(y)
	if steps, ok := stepwise(y); ok {
		s.Steps = len(steps)
		for t := n - 1; t > 0 && s.Last == 0; t-- {
			if y[t] != y[t-1] {
				s.Last = t
			}
		}
		return s
	}
	if n < 28 {
		return s
	}
	d := make([]float64, n-1)
	for t := 1; t < n; t++ {
		d[t-1] = y[t] - y[t-1]
	}
	scale := 1.4826 * mad(d)
	if !(scale > 0) {
		return s
	}
	if b := LevelShift(y); b > 0 {
		after, _ := line(y[b:min(n, b+7)])
		before, _ := line(y[max(0, b-7):b])
		if size := after - before; math.Abs(size) > 6*scale {
			s.Shift, s.ShiftSize = b, size
		}
	}
	for t := max(7, n-cleanupDays); t < n; t++ {
		fall := y[t-1] - y[t]
		if fall <= 6*scale {
			continue
		}
		before, _ := line(y[t-7 : t])
		after, _ := line(y[t:min(n, t+7)])
		if before-after >= fall/2 {
			s.Cleanups = append(s.Cleanups, t)
		}
	}
	if len(s.Cleanups) < 2 {
		return s
	}
	var slopes []float64
	from := max(0, n-cleanupDays)
	for _, c := range append(slices.Clone(s.Cleanups), n) {
		if c-from >= 7 {
			_, slope := line(y[from:c])
			slopes = append(slopes, slope)
		}
		from = c
	}
	if len(slopes) > 0 {
		slices.Sort(slopes)
		s.Between = slopes[len(slopes)/2]
	}
	return s
}

// mad is the median absolute deviation of v from its median.
func mad(v []float64) float64 {
	w := slices.Clone(v)
	slices.Sort(w)
	med := w[len(w)/2]
	for i, x := range w {
		w[i] = math.Abs(x - med)
	}
	slices.Sort(w)
	return w[len(w)/2]
}
