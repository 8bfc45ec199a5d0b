package forecast

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Series is a named series of observations in time order, as a source
// delivered it: possibly with missing steps.
type Series struct {
	Name   string
	Times  []time.Time
	Values []float64
}

// Step is a series' spacing: a fixed duration, or whole calendar months
// (which have no fixed duration).
type Step struct {
	Duration time.Duration
	Months   int
}

// Add moves t by k steps.
func (s Step) Add(t time.Time, k int) time.Time {
	if s.Months > 0 {
		return t.AddDate(0, k*s.Months, 0)
	}
	return t.Add(time.Duration(k) * s.Duration)
}

func (s Step) String() string {
	if s.Months > 0 {
		return fmt.Sprintf("%dmo", s.Months)
	}
	return s.Duration.String()
}

// DefaultPeriods are the seasonal periods implied by a spacing, the main
// one first: the day and the week of sub-daily data, the week of daily data,
// the year of weekly or monthly data. Empty for any other spacing.
func (s Step) DefaultPeriods() []int {
	switch {
	case s.Months == 1:
		return []int{12}
	case s.Months > 0:
		return nil
	case s.Duration == 7*24*time.Hour:
		return []int{52}
	case s.Duration == 24*time.Hour:
		return []int{7}
	case s.Duration > 0 && s.Duration < 24*time.Hour && (24*time.Hour)%s.Duration == 0:
		day := int(24 * time.Hour / s.Duration)
		return []int{day, 7 * day}
	}
	return nil
}

// Regular is a series on a regular time grid.
type Regular struct {
	Name   string
	Start  time.Time
	Step   Step
	Values []float64
	// Filled lists the indices of steps that were missing from the source and
	// were filled by linear interpolation between their neighbours.
	Filled []int
}

// Time is the timestamp of step i (i may run past the end of the data).
func (r Regular) Time(i int) time.Time { return r.Step.Add(r.Start, i) }

// Regularize puts s on a regular grid. The spacing is the most common gap
// between consecutive timestamps; longer gaps that are whole multiples of it
// are filled by linear interpolation and reported in Filled. Non-finite
// values, timestamps out of order or off the grid are errors that name the
// series and timestamp.
func Regularize(s Series) (Regular, error) {
	if len(s.Times) != len(s.Values) {
		return Regular{}, fmt.Errorf("series %q: %d timestamps but %d values", s.Name, len(s.Times), len(s.Values))
	}
	if len(s.Values) == 0 {
		return Regular{}, fmt.Errorf("series %q: no observations", s.Name)
	}
	for i, v := range s.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Regular{}, fmt.Errorf("series %q at %s: value %v is not a finite number", s.Name, s.Times[i].Format(time.RFC3339), v)
		}
		if i > 0 && !s.Times[i].After(s.Times[i-1]) {
			return Regular{}, fmt.Errorf("series %q at %s: timestamp not after the previous one (%s)", s.Name,
				s.Times[i].Format(time.RFC3339), s.Times[i-1].Format(time.RFC3339))
		}
	}
	out := Regular{Name: s.Name, Start: s.Times[0]}
	if len(s.Values) == 1 {
		out.Values = []float64{s.Values[0]}
		return out, nil
	}
	out.Step = detectStep(s.Times)
	out.Values = append(out.Values, s.Values[0])
	for i := 1; i < len(s.Times); i++ {
		k := stepsBetween(out.Step, s.Times[i-1], s.Times[i])
		if k < 1 || !out.Step.Add(s.Times[i-1], k).Equal(s.Times[i]) {
			return Regular{}, fmt.Errorf("series %q at %s: timestamp is off the %s grid that starts at %s", s.Name,
				s.Times[i].Format(time.RFC3339), out.Step, out.Start.Format(time.RFC3339))
		}
		prev := s.Values[i-1]
		for j := 1; j < k; j++ {
			out.Filled = append(out.Filled, len(out.Values))
			out.Values = append(out.Values, prev+(s.Values[i]-prev)*float64(j)/float64(k))
		}
		out.Values = append(out.Values, s.Values[i])
	}
	return out, nil
}

// detectStep finds the most common spacing. Gaps of 28 to 31 days are
// counted as one calendar month.
func detectStep(times []time.Time) Step {
	counts := map[Step]int{}
	for i := 1; i < len(times); i++ {
		d := times[i].Sub(times[i-1])
		st := Step{Duration: d}
		if d >= 28*24*time.Hour && d <= 31*24*time.Hour && times[i-1].AddDate(0, 1, 0).Equal(times[i]) {
			st = Step{Months: 1}
		}
		counts[st]++
	}
	var best Step
	bestN := -1
	keys := make([]Step, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	// Ties go to the shorter step so that the result does not depend on map order.
	slices.SortFunc(keys, func(a, b Step) int {
		if a.Months != b.Months {
			return a.Months - b.Months
		}
		return int(a.Duration - b.Duration)
	})
	for _, k := range keys {
		if counts[k] > bestN {
			best, bestN = k, counts[k]
		}
	}
	return best
}

// stepsBetween is how many steps separate a and b, rounded down.
func stepsBetween(s Step, a, b time.Time) int {
	if s.Months > 0 {
		months := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
		return months / s.Months
	}
	return int(b.Sub(a) / s.Duration)
}
