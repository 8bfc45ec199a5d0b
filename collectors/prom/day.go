package prom

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// summary is a day's value of an expression: fn (avg_over_time,
// max_over_time) of inner at every step of the day, as a subquery.
type summary struct {
	fn, inner string
	step      time.Duration
}

func (s summary) expr() string {
	return fmt.Sprintf("%s((%s)[1d:%s])", s.fn, s.inner, model.Duration(s.step))
}

// of is the summary of a day's points.
func (s summary) of(points []float64) float64 {
	if s.fn == "max_over_time" {
		return slices.Max(points)
	}
	sum := 0.0
	for _, p := range points {
		sum += p
	}
	return sum / float64(len(points))
}

// withinDay is s's value on day when the server refuses the whole day at
// once: inner's points at the subquery's steps (00:00 to the last step
// before midnight, as the subquery evaluated a second before midnight has
// them) asked in parts of the day, halved while the server refuses one
// for its size, and summarised here as avg_over_time and max_over_time
// summarise them. A part of one step still refused is asked in parts of
// its series (byShards), whose sums are added step by step.
func (c *Collector) withinDay(ctx context.Context, s summary, label string, day time.Time, out map[string]map[time.Time]float64) error {
	inner, err := scoped(s.inner, c.matchers)
	if err != nil {
		return err
	}
	c.days++
	points := map[string][]float64{}
	part, end := 12*time.Hour, day.Add(24*time.Hour)
	for from := day; from.Before(end); {
		to := from.Add(part)
		if to.After(end) {
			to = end
		}
		r := v1.Range{Start: from, End: to.Add(-s.step), Step: s.step}
		val, warnings, _, err := c.api.QueryRange(ctx, inner, r)
		var matrix model.Matrix
		switch {
		case err != nil && part > s.step && tooLarge(err):
			part = max(s.step, (part / 2).Truncate(s.step))
			continue
		case err != nil && tooLarge(err):
			var by string
			if matrix, by, err = c.byShards(ctx, inner, label, r); err == nil {
				c.split[by]++
			}
		case err == nil:
			matrix, err = matrixOf(val, warnings)
		}
		if err != nil {
			return err
		}
		// The parts of a sharded step are added.
		steps := map[string]map[model.Time]float64{}
		for _, stream := range matrix {
			key := string(stream.Metric[model.LabelName(label)])
			if steps[key] == nil {
				steps[key] = map[model.Time]float64{}
			}
			for _, p := range stream.Values {
				if v := float64(p.Value); !math.IsNaN(v) {
					steps[key][p.Timestamp] += v
				}
			}
		}
		for key, byStep := range steps {
			for _, v := range byStep {
				points[key] = append(points[key], v)
			}
		}
		c.parts++
		from = to
	}
	for key, ps := range points {
		if out[key] == nil {
			out[key] = map[time.Time]float64{}
		}
		out[key][day] = s.of(ps)
	}
	return nil
}
