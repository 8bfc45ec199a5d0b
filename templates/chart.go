package templates

import (
	"bytes"
	"fmt"
	"image/color"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/planner"
)

// chartDays is how much history a chart shows before the forecast.
const chartDays = 180

var (
	historyColor = color.NRGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	meanColor    = color.NRGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff}
	band80       = color.NRGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0x66}
	band95       = color.NRGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0x2a}
	warnColor    = color.NRGBA{R: 0xd9, G: 0x8c, B: 0x00, A: 0xff}
	critColor    = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
)

// Chart draws one resource as SVG: the last half year of daily means, the
// forecast mean with its 80% and 95% bands, each threshold on daily means
// as a line, and today. Values are in cores, GiB or TiB.
func Chart(p planner.Projection, h collectors.Series, today time.Time) ([]byte, error) {
	scale, unit := axisUnit(p.Unit, p.Capacity)
	pl := plot.New()
	pl.Title.Text = p.Resource
	pl.X.Label.Text = "date (UTC)"
	pl.Y.Label.Text = unit + " (daily mean)"
	pl.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02"}
	pl.Legend.Top, pl.Legend.Left = true, true
	x := func(t time.Time) float64 { return float64(t.Unix()) }

	days := h.Days
	if len(days) > chartDays {
		days = days[len(days)-chartDays:]
	}
	past := make(plotter.XYs, len(days))
	for i, d := range days {
		past[i] = plotter.XY{X: x(d.Date), Y: d.Mean / scale}
	}
	band := func(level int, fill color.Color, name string) error {
		i := slices.Index(p.Mean.Levels, float64(level))
		if i < 0 {
			return nil
		}
		poly := make(plotter.XYs, 0, 2*len(p.Times))
		for k, t := range p.Times {
			poly = append(poly, plotter.XY{X: x(t), Y: p.Mean.Upper[i][k] / scale})
		}
		for k := len(p.Times) - 1; k >= 0; k-- {
			poly = append(poly, plotter.XY{X: x(p.Times[k]), Y: p.Mean.Lower[i][k] / scale})
		}
		g, err := plotter.NewPolygon(poly)
		if err != nil {
			return err
		}
		g.Color, g.LineStyle.Width = fill, 0
		pl.Add(g)
		pl.Legend.Add(name, g)
		return nil
	}
	if err := band(95, band95, "95% interval"); err != nil {
		return nil, err
	}
	if err := band(80, band80, "80% interval"); err != nil {
		return nil, err
	}
	hist, err := plotter.NewLine(past)
	if err != nil {
		return nil, err
	}
	hist.Color, hist.Width = historyColor, vg.Points(1)
	pl.Add(hist)
	pl.Legend.Add("daily mean", hist)
	future := make(plotter.XYs, len(p.Times))
	for k, t := range p.Times {
		future[k] = plotter.XY{X: x(t), Y: p.Mean.Mean[k] / scale}
	}
	fc, err := plotter.NewLine(future)
	if err != nil {
		return nil, err
	}
	fc.Color, fc.Width = meanColor, vg.Points(1.5)
	pl.Add(fc)
	pl.Legend.Add("forecast ("+p.Method+")", fc)

	first, last := x(days[0].Date), x(p.Times[len(p.Times)-1])
	// The chart shows daily means, so only thresholds on daily means are
	// drawn; peak thresholds are in the report's tables.
	drawn := 0
	for _, c := range p.Crossings {
		if c.Peak {
			continue
		}
		col := warnColor
		if drawn > 0 {
			col = critColor
		}
		drawn++
		line, err := plotter.NewLine(plotter.XYs{{X: first, Y: c.Level / scale}, {X: last, Y: c.Level / scale}})
		if err != nil {
			return nil, err
		}
		line.Color, line.Dashes = col, []vg.Length{vg.Points(4), vg.Points(3)}
		pl.Add(line)
		pl.Legend.Add(fmt.Sprintf("%s (%.0f%%)", c.Name, 100*c.Fraction), line)
	}
	// Room above the data for the legend, which sits top left.
	pl.Y.Min, pl.Y.Max = 0, 1.5*pl.Y.Max
	now, err := plotter.NewLine(plotter.XYs{{X: x(today), Y: 0}, {X: x(today), Y: pl.Y.Max}})
	if err != nil {
		return nil, err
	}
	now.Color, now.Dashes = color.Gray{Y: 0x80}, []vg.Length{vg.Points(1), vg.Points(2)}
	pl.Add(now)
	pl.Legend.Add("today "+today.Format(time.DateOnly), now)
	pl.Legend.ThumbnailWidth = vg.Points(18)
	pl.Legend.TextStyle.Font.Size = vg.Points(8)
	pl.Legend.Padding = vg.Points(2)

	w, err := pl.WriterTo(8*vg.Inch, 4*vg.Inch, "svg")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return compactSVG(buf.Bytes()), nil
}

// axisUnit picks the axis unit: cores as they are, bytes in GiB or TiB.
func axisUnit(unit string, capacity float64) (scale float64, label string) {
	switch unit {
	case collectors.Bytes:
		if capacity >= 1<<40 {
			return 1 << 40, "TiB"
		}
		return 1 << 30, "GiB"
	case collectors.BytesPerSecond:
		return 1e6, "MB/s"
	case collectors.Cores:
		return 1, "cores"
	}
	return 1, unit
}
