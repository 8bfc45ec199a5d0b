package prom

import (
	"fmt"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// promql parses PromQL as Prometheus does. Adding a matcher to every
// selector of an expression (default queries and a user's overrides
// alike) needs the expression's syntax tree: a selector can sit in a
// subquery, a join or a function's argument.
var promql = parser.NewParser(parser.Options{})

// ParseMatchers reads label matchers written as a selector without a
// metric name: {cluster="a"} or {cluster=~"a|b", env!="dev"}.
func ParseMatchers(s string) ([]*labels.Matcher, error) {
	ms, err := promql.ParseMetricSelector(s)
	if err != nil {
		return nil, fmt.Errorf("label matchers %q: %w", s, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("label matchers %q: none given", s)
	}
	return ms, nil
}

// scoped is expr with ms added to each of its selectors, so that a
// store holding several clusters answers for one.
func scoped(expr string, ms []*labels.Matcher) (string, error) {
	if len(ms) == 0 {
		return expr, nil
	}
	e, err := promql.ParseExpr(expr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", expr, err)
	}
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok {
			vs.LabelMatchers = append(vs.LabelMatchers, ms...)
		}
		return nil
	})
	return e.String(), nil
}
