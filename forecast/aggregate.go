package forecast

import (
	"fmt"
	"math"
	"time"
)

// Reducer combines the values of one aggregation bucket.
type Reducer int

const (
	sum Reducer = iota
	Mean
	Max
)

func (r Reducer) String() string {
	switch r {
	case sum:
		return "sum"
	case Mean:
		return "mean"
	case Max:
		return "max"
	}
	return fmt.Sprintf("Reducer(%d)", int(r))
}

// Period is a calendar bucket for aggregation.
type Period int

const (
	weekly  Period = iota // ISO weeks, Monday to Sunday
	Monthly               // calendar months
)

// Bucket is one aggregated value.
type Bucket struct {
	Start time.Time // first instant of the bucket (UTC midnight)
	Value float64
	Count int // observations that fell in the bucket
}

// Aggregate groups a regular daily (or finer) series into weeks or months
// and reduces each bucket. Partial buckets at either end are kept, with
// their Count telling how complete they are, so the caller decides whether
// a half-finished month may stand beside full ones.
func Aggregate(r Regular, p Period, how Reducer) ([]Bucket, error) {
	if r.Step.Months > 0 || r.Step.Duration <= 0 || r.Step.Duration > 24*time.Hour {
		return nil, fmt.Errorf("series %q: aggregation needs daily or finer steps, got %s", r.Name, r.Step)
	}
	var out []Bucket
	for i, v := range r.Values {
		start := bucketStart(r.Time(i), p)
		if len(out) == 0 || !out[len(out)-1].Start.Equal(start) {
			out = append(out, Bucket{Start: start, Value: v, Count: 1})
			continue
		}
		b := &out[len(out)-1]
		b.Count++
		switch how {
		case sum, Mean:
			b.Value += v
		case Max:
			b.Value = math.Max(b.Value, v)
		}
	}
	if how == Mean {
		for i := range out {
			out[i].Value /= float64(out[i].Count)
		}
	}
	return out, nil
}

func bucketStart(t time.Time, p Period) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if p == Monthly {
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	return day.AddDate(0, 0, -back)
}
