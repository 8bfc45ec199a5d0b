package templates

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// pathData and plainText are what gonum's SVG canvas writes most of: a
// line's points as absolute coordinates of five digits, and each label's
// full font description.
var (
	pathData  = regexp.MustCompile(`d="([^"]*)"`)
	plainText = regexp.MustCompile(`style="font-family:([^;"]*);font-variant:normal;font-weight:normal;font-style:normal;font-size:([0-9.]+px)"`)
	pathStep  = regexp.MustCompile(`([MLZ])([^MLZ]*)`)
)

// compactSVG writes a chart's lines as whole points relative to the one
// before (the chart is 576 by 288 points: a point is a third of a
// millimetre) and its plain labels as two attributes, which halves a
// chart with no visible change, so that a year of weekly reports stays
// small. Paths with curves, and anything it does not recognise, are kept
// as they are.
func compactSVG(svg []byte) []byte {
	svg = pathData.ReplaceAllFunc(svg, func(m []byte) []byte {
		d := string(m[len(`d="`) : len(m)-1])
		if short, ok := relativePath(d); ok {
			return []byte(`d="` + short + `"`)
		}
		return m
	})
	svg = plainText.ReplaceAll(svg, []byte(`font-family="$1" font-size="$2"`))
	return mergeStrokes(svg)
}

// strokeLine is a path element alone on its line, as gonum writes them.
var strokeLine = regexp.MustCompile(`^<path d="([^"]*)" style="(fill:none;[^"]*)" />$`)

// mergeStrokes joins consecutive lines drawn with the same stroke and no
// fill (the axes' ticks) into one path: its subpaths draw the same.
func mergeStrokes(svg []byte) []byte {
	lines := strings.Split(string(svg), "\n")
	out := make([]string, 0, len(lines))
	var d []string
	style := ""
	flush := func() {
		if len(d) > 0 {
			out = append(out, `<path d="`+strings.Join(d, "")+`" style="`+style+`" />`)
			d = nil
		}
	}
	for _, line := range lines {
		m := strokeLine.FindStringSubmatch(line)
		if m == nil || m[2] != style {
			flush()
		}
		if m == nil {
			out = append(out, line)
			continue
		}
		d, style = append(d, m[1]), m[2]
	}
	flush()
	return []byte(strings.Join(out, "\n"))
}

// relativePath rewrites path data made of M, L and Z steps.
func relativePath(d string) (string, bool) {
	steps := pathStep.FindAllStringSubmatch(d, -1)
	covered := 0
	for _, s := range steps {
		covered += len(s[0])
	}
	if len(steps) == 0 || covered != len(d) {
		return "", false
	}
	var b strings.Builder
	var x, y int64
	line := false // the last step written was a relative line
	// Coordinates are kept in tenths of a point, finer than a screen
	// shows at the chart's size, so that a line is smooth, not stepped.
	// A step in the same direction as the one before extends it: the
	// points between lie on the line exactly (collinear at that
	// precision), so a flat or straight stretch is written once.
	var pdx, pdy int64
	pending := false
	flush := func() {
		if !pending {
			return
		}
		switch {
		case !line:
			b.WriteString("l")
		case pdx >= 0:
			b.WriteString(" ")
		}
		b.WriteString(tenths(pdx))
		if pdy >= 0 {
			b.WriteString(" ")
		}
		b.WriteString(tenths(pdy))
		line, pending = true, false
	}
	for _, s := range steps {
		if s[1] == "Z" {
			flush()
			b.WriteString("Z")
			line = false
			continue
		}
		xs, ys, ok := strings.Cut(s[2], ",")
		if !ok {
			return "", false
		}
		fx, errx := strconv.ParseFloat(xs, 64)
		fy, erry := strconv.ParseFloat(ys, 64)
		if errx != nil || erry != nil {
			return "", false
		}
		nx, ny := int64(math.Round(10*fx)), int64(math.Round(10*fy))
		if s[1] == "M" {
			flush()
			b.WriteString("M" + tenths(nx) + " " + tenths(ny))
			x, y, line = nx, ny, false
			continue
		}
		dx, dy := nx-x, ny-y
		if dx == 0 && dy == 0 {
			continue
		}
		if pending && pdx*dy == pdy*dx && pdx*dx+pdy*dy > 0 {
			pdx, pdy = pdx+dx, pdy+dy
		} else {
			flush()
			pdx, pdy, pending = dx, dy, true
		}
		x, y = nx, ny
	}
	flush()
	return b.String(), true
}

// tenths writes v tenths of a point: 12.3, -0.5, 7.
func tenths(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if v%10 == 0 {
		return sign + strconv.FormatInt(v/10, 10)
	}
	return sign + strconv.FormatInt(v/10, 10) + "." + strconv.FormatInt(v%10, 10)
}
