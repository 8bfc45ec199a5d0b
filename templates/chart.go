package templates

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/capplan/capplan/forecast"
	"github.com/capplan/capplan/planner"
	"github.com/capplan/capplan/units"
)

// chartDays is how much history a chart shows before the forecast: four
// months, a third of the year ahead it looks at.
const chartDays = 120

var (
	historyColor = color.NRGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	meanColor    = color.NRGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff}
	band80       = color.NRGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0x66}
	band95       = color.NRGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0x2a}
	peakColor    = color.NRGBA{R: 0x8e, G: 0x44, B: 0xad, A: 0xff}
	warnColor    = color.NRGBA{R: 0xd9, G: 0x8c, B: 0x00, A: 0xff}
	critColor    = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
)

// Chart draws one resource as SVG: the last four months of daily means and
// (where a threshold is on them) daily peaks, the daily forecast of each
// (the means with their 80% and 95% bands) and the monthly forecast
// beyond it, joined to it, with its bands (of the means, and of the
// monthly highest peaks where a threshold is on peaks), every threshold
// (dashed on daily means, dotted on daily peaks) and the capacity, the
// day each threshold is reached and "as early as" marked on its line with
// the date, and today. The legend stands beside the plot, not over the
// data; the methods are named in the report's text. Values are in cores,
// GiB or TiB.
func Chart(p planner.Projection, today time.Time) ([]byte, error) {
	scale, unit := axisUnit(p.Unit, p.Capacity)
	pl := plot.New()
	pl.Title.Text = p.Resource
	pl.X.Label.Text = "date (UTC)"
	pl.Y.Label.Text = unit
	pl.X.Tick.Marker = plot.TimeTicks{Format: "2006-01"}
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = vg.Points(18)
	legend.TextStyle.Font.Size = vg.Points(8)
	legend.Padding = vg.Points(2)
	x := func(t time.Time) float64 { return float64(t.Unix()) }
	top := 0.0 // the highest value that must show
	line := func(xys plotter.XYs, col color.Color, width float64, dashes []vg.Length, name string) error {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = col, vg.Points(width), dashes
		pl.Add(l)
		if name != "" {
			legend.Add(name, l)
		}
		for _, v := range xys {
			top = max(top, v.Y)
		}
		return nil
	}
	band := func(times []time.Time, fc forecast.Forecast, level int, fill color.Color, name string) error {
		i := slices.Index(fc.Levels, float64(level))
		if i < 0 || len(times) == 0 {
			return nil
		}
		poly := make(plotter.XYs, 0, 2*len(times))
		for k, t := range times {
			poly = append(poly, plotter.XY{X: x(t), Y: fc.Upper[i][k] / scale})
		}
		for k := len(times) - 1; k >= 0; k-- {
			poly = append(poly, plotter.XY{X: x(times[k]), Y: fc.Lower[i][k] / scale})
		}
		g, err := plotter.NewPolygon(poly)
		if err != nil {
			return err
		}
		g.Color, g.LineStyle.Width = fill, 0
		pl.Add(g)
		if name != "" {
			legend.Add(name, g)
		}
		return nil
	}
	points := func(times []time.Time, vs []float64) plotter.XYs {
		out := make(plotter.XYs, len(times))
		for k, t := range times {
			out[k] = plotter.XY{X: x(t), Y: vs[k] / scale}
		}
		return out
	}

	days := p.History
	if len(days) > chartDays {
		days = days[len(days)-chartDays:]
	}
	var dates []time.Time
	var means, peaks []float64
	for _, d := range days {
		dates, means, peaks = append(dates, d.Date), append(means, d.Mean), append(peaks, d.Peak)
	}
	// The months after the daily forecast, at their middles, joined to
	// its last day: one forecast, daily then monthly.
	var monthly, monthlyPeak forecast.Forecast
	var months []time.Time
	if n := len(p.Times); n > 0 && len(p.MonthlyMean.Mean) == len(p.Months) {
		for k, m := range p.Months {
			if mid := m.AddDate(0, 0, 14); mid.After(p.Times[n-1]) {
				months = append(months, mid)
				if len(months) == 1 {
					monthly, monthlyPeak = joined(p.Mean, n-1, p.MonthlyMean, k), joined(p.Peak, n-1, p.MonthlyPeak, k)
				}
			}
		}
		if len(months) > 0 {
			months = append([]time.Time{p.Times[n-1]}, months...)
		}
	}
	if err := band(p.Times, p.Mean, 95, band95, "95% interval"); err != nil {
		return nil, err
	}
	if err := band(months, monthly, 95, band95, ""); err != nil {
		return nil, err
	}
	if err := band(p.Times, p.Mean, 80, band80, "80% interval"); err != nil {
		return nil, err
	}
	if err := band(months, monthly, 80, band80, ""); err != nil {
		return nil, err
	}
	// Peaks matter where a threshold is on them; elsewhere (storage) they
	// are the means again.
	withPeaks := slices.ContainsFunc(p.Crossings, func(c planner.Crossing) bool { return c.Peak })
	if withPeaks {
		if err := line(points(dates, peaks), peakColor, 0.8, nil, "daily peak"); err != nil {
			return nil, err
		}
	}
	if err := line(points(dates, means), historyColor, 1, nil, "daily mean"); err != nil {
		return nil, err
	}
	if withPeaks {
		if err := line(points(p.Times, p.Peak.Mean), peakColor, 1.2, []vg.Length{vg.Points(3), vg.Points(2)}, "forecast of peaks"); err != nil {
			return nil, err
		}
	}
	if err := line(points(p.Times, p.Mean.Mean), meanColor, 1.5, nil, "forecast of means"); err != nil {
		return nil, err
	}
	if len(months) > 0 {
		if err := line(points(months, monthly.Mean), meanColor, 1.5, []vg.Length{vg.Points(6), vg.Points(3)}, "monthly forecast"); err != nil {
			return nil, err
		}
		if withPeaks {
			if err := line(points(months, monthlyPeak.Mean), peakColor, 1.2, []vg.Length{vg.Points(6), vg.Points(3)}, "monthly highest peak"); err != nil {
				return nil, err
			}
		}
	}
	first, last := x(dates[0]), x(today.AddDate(0, 0, p.ViewDays))
	if n := len(p.Times); n > 0 && len(months) == 0 {
		last = max(x(p.Times[n-1]), x(today.AddDate(0, 0, p.ViewDays)))
	}
	if err := line(plotter.XYs{{X: first, Y: p.Capacity / scale}, {X: last, Y: p.Capacity / scale}}, color.Gray{Y: 0x40}, 1.5, nil,
		"capacity "+units.Quantity(p.Capacity, p.Unit)); err != nil {
		return nil, err
	}
	var reached, early plotter.XYs
	// Dates above their marks, "as early as" below: the two are often
	// close.
	var dated, earlyDated plotter.XYLabels
	for i, c := range p.Crossings {
		col := warnColor
		if i == len(p.Crossings)-1 && i > 0 {
			col = critColor
		}
		dashes := []vg.Length{vg.Points(5), vg.Points(3)}
		if c.Peak {
			dashes = []vg.Length{vg.Points(1), vg.Points(2)}
		}
		y := c.Level / scale
		if err := line(plotter.XYs{{X: first, Y: y}, {X: last, Y: y}}, col, 1, dashes, fmt.Sprintf("%s %.0f%%", c.Name, 100*c.Fraction)); err != nil {
			return nil, err
		}
		if c.Date != nil {
			reached = append(reached, plotter.XY{X: x(*c.Date), Y: y})
			dated.XYs, dated.Labels = append(dated.XYs, plotter.XY{X: x(*c.Date), Y: y}), append(dated.Labels, c.Date.Format(time.DateOnly))
		}
		if c.Earliest != nil && (c.Date == nil || !c.Earliest.Equal(*c.Date)) {
			early = append(early, plotter.XY{X: x(*c.Earliest), Y: y})
			earlyDated.XYs, earlyDated.Labels = append(earlyDated.XYs, plotter.XY{X: x(*c.Earliest), Y: y}), append(earlyDated.Labels, c.Earliest.Format(time.DateOnly))
		}
	}
	for _, l := range []struct {
		xys    plotter.XYLabels
		offset vg.Length
	}{{dated, vg.Points(6)}, {earlyDated, -vg.Points(13)}} {
		if len(l.xys.XYs) == 0 {
			continue
		}
		labels, err := plotter.NewLabels(l.xys)
		if err != nil {
			return nil, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Font.Size = vg.Points(7)
			labels.TextStyle[i].Color = critColor
			labels.TextStyle[i].XAlign = -0.5
		}
		labels.Offset = vg.Point{Y: l.offset}
		pl.Add(labels)
	}
	for _, m := range []struct {
		xys   plotter.XYs
		shape draw.GlyphDrawer
		name  string
	}{{reached, draw.TriangleGlyph{}, "date reached"}, {early, draw.RingGlyph{}, "as early as"}} {
		if len(m.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(m.xys)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: critColor, Radius: vg.Points(4), Shape: m.shape}
		pl.Add(sc)
		legend.Add(m.name, sc)
	}
	// The data, forecasts and thresholds show whole; a 95% band that
	// runs off further is cut at the top.
	pl.Y.Min, pl.Y.Max = 0, 1.08*top
	pl.Y.Tick.Marker = niceTicks{}
	pl.X.Min, pl.X.Max = first, last
	if err := line(plotter.XYs{{X: x(today), Y: 0}, {X: x(today), Y: pl.Y.Max}}, color.Gray{Y: 0x80}, 1, []vg.Length{vg.Points(1), vg.Points(2)}, "today "+today.Format(time.DateOnly)); err != nil {
		return nil, err
	}

	const width, height, side = 9 * vg.Inch, 4 * vg.Inch, 2.3 * vg.Inch
	canvas := vgsvg.New(width, height)
	dc := draw.New(canvas)
	pl.Draw(draw.Crop(dc, 0, -side, 0, -vg.Points(4)))
	legend.Draw(draw.Crop(dc, width-side+vg.Points(6), 0, -vg.Points(6), -vg.Points(12)))
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, err
	}
	return compactSVG(buf.Bytes()), nil
}

// axisUnit picks the axis unit: cores as they are, bytes in GiB or TiB.
func axisUnit(unit string, capacity float64) (scale float64, label string) {
	switch unit {
	case units.Bytes:
		if capacity >= 1<<40 {
			return 1 << 40, "TiB"
		}
		return 1 << 30, "GiB"
	case units.BytesPerSecond:
		return 1e6, "MB/s"
	case units.Cores:
		return 1, "cores"
	}
	return 1, unit
}

// joined is the monthly forecast m from its month k on, with the daily
// forecast d's last week (to step at, its mean: the week's days without
// their weekday) at its front: the two drawn as one line and band.
func joined(d forecast.Forecast, at int, m forecast.Forecast, k int) forecast.Forecast {
	week := func(v []float64) float64 { return stat.Mean(v[max(0, at-6):at+1], nil) }
	out := forecast.Forecast{Levels: m.Levels, Mean: append([]float64{week(d.Mean)}, m.Mean[k:]...)}
	for i, lv := range m.Levels {
		j := slices.Index(d.Levels, lv)
		if j < 0 {
			return forecast.Forecast{Mean: out.Mean}
		}
		out.Lower = append(out.Lower, append([]float64{week(d.Lower[j])}, m.Lower[i][k:]...))
		out.Upper = append(out.Upper, append([]float64{week(d.Upper[j])}, m.Upper[i][k:]...))
	}
	return out
}

// niceTicks marks an axis every 1, 2 or 5 times a power of ten, five to
// ten marks over its range, with minor marks between.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := (hi - lo) / 6
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := pow
	for _, f := range []float64{1, 2, 5, 10} {
		if step = f * pow; step >= raw {
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step))))
	var ticks []plot.Tick
	for i := math.Ceil(lo / step); i*step <= hi+step*1e-9; i++ {
		v := i * step
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
		if mid := v + step/2; mid <= hi {
			ticks = append(ticks, plot.Tick{Value: mid})
		}
	}
	return ticks
}
