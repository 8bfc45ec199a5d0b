package forecast

import "time"

// Bound selects which line of a forecast is compared with a threshold.
type Bound struct {
	Level float64 // interval level in percent; 0 for the mean
	Upper bool    // the upper bound of that interval (the lower one if false)
}

// Crossing is the first forecast step at which a line reaches a threshold.
type Crossing struct {
	Step int       // 0-based forecast step
	Time time.Time // its timestamp
}

// FirstCrossing returns the first step at which the chosen line of fc is at
// or above threshold (rising) or at or below it (rising false), and false
// when it never gets there within the horizon. times are the forecast's
// timestamps. A threshold already crossed at the first step reports step 0.
func FirstCrossing(fc Forecast, times []time.Time, b Bound, threshold float64, rising bool) (Crossing, bool) {
	line := fc.Line(b)
	if line == nil {
		return Crossing{}, false
	}
	for i, v := range line {
		if (rising && v >= threshold) || (!rising && v <= threshold) {
			c := Crossing{Step: i}
			if i < len(times) {
				c.Time = times[i]
			}
			return c, true
		}
	}
	return Crossing{}, false
}

// Line returns the mean or one interval bound; nil when the forecast has no
// interval at that level.
func (fc Forecast) Line(b Bound) []float64 {
	if b.Level == 0 {
		return fc.Mean
	}
	for i, lv := range fc.Levels {
		if lv == b.Level {
			if b.Upper {
				return fc.Upper[i]
			}
			return fc.Lower[i]
		}
	}
	return nil
}
