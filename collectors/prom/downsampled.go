package prom

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/api"
	"github.com/prometheus/prometheus/promql/parser"
)

// Thanos keeps raw samples for a while, then only their 5-minute and
// 1-hour aggregates (its compactor's downsampling), and Query reads raw
// samples alone unless a query's max_source_resolution allows more. The
// days a series has no raw samples for, before its first one, are asked
// again of the 5-minute aggregates, which the default queries' 15-minute
// rates and 5-minute subqueries read as they read raw samples, then the
// days still missing of the hourly ones, with windows made for them.
// Other servers ignore the parameter, and have nothing more to give.
var tiers = []tier{
	{resolution: "5m", what: "5-minute"},
	{resolution: "1h", what: "hourly", coarse: true},
}

type tier struct {
	resolution, what string
	// coarse widens the query's windows: a rate over two hourly
	// aggregates, a subquery step one of them.
	coarse bool
}

const (
	coarseRange = 2 * time.Hour
	coarseStep  = time.Hour
)

type resolutionKey struct{}

// withResolution asks the queries of ctx for data of resolution res at
// most (Thanos' max_source_resolution); without it, raw samples.
func withResolution(ctx context.Context, res string) context.Context {
	return context.WithValue(ctx, resolutionKey{}, res)
}

// resolutionClient adds the context's max_source_resolution to a query.
// Thanos reads the parameter from the URL whether the query is sent as
// GET or as a POST form.
type resolutionClient struct{ api.Client }

func (c resolutionClient) Do(ctx context.Context, req *http.Request) (*http.Response, []byte, error) {
	res, _ := ctx.Value(resolutionKey{}).(string)
	if res == "" {
		return c.Client.Do(ctx, req)
	}
	q := req.URL.Query()
	q.Set("max_source_resolution", res)
	req.URL.RawQuery = q.Encode()
	return c.Client.Do(ctx, req)
}

// coarse is expr for hourly aggregates: every range at least coarseRange
// and every subquery step at least coarseStep, so that a rate has two
// points and a step one.
func coarse(expr string) (string, error) {
	e, err := promql.ParseExpr(expr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", expr, err)
	}
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		switch n := node.(type) {
		case *parser.MatrixSelector:
			n.Range = max(n.Range, coarseRange)
		case *parser.SubqueryExpr:
			n.Step = max(n.Step, coarseStep)
		}
		return nil
	})
	return e.String(), nil
}

// older asks t's aggregates for the days from first to the first day
// means has, when that is later than first, and adds what they give to
// means and peaks: on how many days, and the day they end before. A
// server that has none of t's twice in a row is not asked again.
func (c *Collector) older(ctx context.Context, t tier, mean, peak summary, label string, first time.Time, means, peaks map[string]map[time.Time]float64) (int, time.Time, error) {
	earliest := time.Time{}
	for _, days := range means {
		for d := range days {
			if earliest.IsZero() || d.Before(earliest) {
				earliest = d
			}
		}
	}
	if c.misses[t.resolution] >= 2 || !earliest.After(first) {
		return 0, earliest, nil
	}
	// The first day may be a part of a day: the finer data may begin in
	// its middle, where a block of them began. It is asked again too, and
	// the coarser data's whole day replaces it.
	through := earliest.AddDate(0, 0, 1)
	ctx = withResolution(ctx, t.resolution)
	if t.coarse {
		var err error
		if mean, err = mean.coarse(); err != nil {
			return 0, earliest, err
		}
		if peak, err = peak.coarse(); err != nil {
			return 0, earliest, err
		}
	}
	oldMeans, err := c.daily(ctx, mean, label, first, through)
	if err != nil {
		return 0, earliest, err
	}
	if len(oldMeans) == 0 {
		c.misses[t.resolution]++
		return 0, earliest, nil
	}
	c.misses[t.resolution] = 0
	oldPeaks, err := c.daily(ctx, peak, label, first, through)
	if err != nil {
		return 0, earliest, err
	}
	filled := map[time.Time]bool{}
	for key, days := range oldMeans {
		if means[key] == nil {
			means[key], peaks[key] = map[time.Time]float64{}, map[time.Time]float64{}
		}
		for d, v := range days {
			if d.After(earliest) {
				continue
			}
			means[key][d], peaks[key][d] = v, oldPeaks[key][d]
			if d.Before(earliest) {
				filled[d] = true
			}
		}
	}
	return len(filled), earliest, nil
}

// coarse is s for hourly aggregates: its inner ranges and its step
// widened (coarse).
func (s summary) coarse() (summary, error) {
	inner, err := coarse(s.inner)
	s.inner, s.step = inner, max(s.step, coarseStep)
	return s, err
}
