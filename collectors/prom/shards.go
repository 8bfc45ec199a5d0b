package prom

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// A part of a day that the server refuses for its size even for one
// step (a store's limit on series, more samples at one step than it
// loads) is asked in parts of the series: the values of a label its
// selectors carry (the query's own, else a pod's, node's or target's
// name), halved until each part is answered. The parts' sums are added
// step by step: every default query is a sum, and a sum of parts is the
// sum. The label must be on every selector's series: a series left whole
// in every part would be added once a part, and a join (a pod's requests
// and its phase, on the pod) keeps its pairs only when both sides are
// cut by the same values.

// shardLabels are the labels tried after a query's own, in order.
var shardLabels = []string{"pod", "node", "instance"}

// byShards evaluates q (scoped) over r in parts of a label's values.
func (c *Collector) byShards(ctx context.Context, q, own string, r v1.Range) (model.Matrix, string, error) {
	e, err := promql.ParseExpr(q)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", q, err)
	}
	from, to := r.Start.Add(-24*time.Hour), r.End
	names := map[string][]model.LabelName{}
	var order []string
	var inspectErr error
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		vs, ok := node.(*parser.VectorSelector)
		if !ok || inspectErr != nil {
			return nil
		}
		s := vs.String()
		if _, seen := names[s]; seen {
			return nil
		}
		ns, _, _, err := c.api.LabelNames(ctx, []string{s}, from, to)
		if err != nil {
			inspectErr = err
		}
		names[s] = ns
		order = append(order, s)
		return nil
	})
	if inspectErr != nil {
		return nil, "", inspectErr
	}
	candidates := shardLabels
	if own != "" {
		candidates = append([]string{own}, shardLabels...)
	}
	for _, label := range candidates {
		if !slices.ContainsFunc(order, func(s string) bool { return slices.Contains(names[s], model.LabelName(label)) }) ||
			slices.ContainsFunc(order, func(s string) bool { return !slices.Contains(names[s], model.LabelName(label)) }) {
			continue
		}
		vals, _, _, err := c.api.LabelValues(ctx, label, order, from, to)
		if err != nil {
			return nil, label, err
		}
		if len(vals) < 2 {
			continue
		}
		values := make([]string, len(vals))
		for i, v := range vals {
			values[i] = string(v)
		}
		m, err := c.shard(ctx, q, label, values, r)
		return m, label, err
	}
	return nil, "", fmt.Errorf("refused for its size at one step, and its selectors share no label of several values to divide it by (%s)", strings.Join(candidates, ", "))
}

// shard evaluates q with the label matching values on every selector,
// halving values while the server refuses the part for its size.
func (c *Collector) shard(ctx context.Context, q, label string, values []string, r v1.Range) (model.Matrix, error) {
	if len(values) == 0 {
		return nil, nil
	}
	e, err := promql.ParseExpr(q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	m, err := labels.NewMatcher(labels.MatchRegexp, label, strings.Join(quoted, "|"))
	if err != nil {
		return nil, err
	}
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok {
			vs.LabelMatchers = append(vs.LabelMatchers, m)
		}
		return nil
	})
	val, warnings, _, err := c.api.QueryRange(ctx, e.String(), r)
	if err != nil && len(values) > 1 && tooLarge(err) {
		half := len(values) / 2
		a, err := c.shard(ctx, q, label, values[:half], r)
		if err != nil {
			return nil, err
		}
		b, err := c.shard(ctx, q, label, values[half:], r)
		return append(a, b...), err
	}
	if err != nil {
		return nil, err
	}
	return matrixOf(val, warnings)
}

// matrixOf is a range query's answer as a matrix; warnings (a store
// behind Thanos that did not answer) make it an error.
func matrixOf(val model.Value, warnings v1.Warnings) (model.Matrix, error) {
	if len(warnings) > 0 {
		return nil, fmt.Errorf("warnings: %s", strings.Join(warnings, "; "))
	}
	matrix, ok := val.(model.Matrix)
	if !ok {
		return nil, fmt.Errorf("range query returned %s, not a matrix", val.Type())
	}
	return matrix, nil
}

// add adds a range query's answer to out, by the label's value and day.
func add(out map[string]map[time.Time]float64, val model.Value, warnings v1.Warnings, label string) error {
	matrix, err := matrixOf(val, warnings)
	if err != nil {
		return err
	}
	for _, stream := range matrix {
		key := string(stream.Metric[model.LabelName(label)])
		if out[key] == nil {
			out[key] = map[time.Time]float64{}
		}
		for _, sample := range stream.Values {
			out[key][sample.Timestamp.Time().UTC().Truncate(24*time.Hour)] = float64(sample.Value)
		}
	}
	return nil
}
