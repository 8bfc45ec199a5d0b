package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Steps is a forecast, step by step. report.json writes it by column:
// the first step's date, the step ("day" or "month"), and one line per
// series of values, each to four significant digits, far finer than the
// forecasts' own intervals. A week's report stays small enough to keep a
// year of them in the report repository.
type Steps []Point

// stepDigits is the significant digits report.json keeps of a forecast.
const stepDigits = 4

// columns are Steps as report.json has them: written as numbers to
// stepDigits, read as float64.
type columns[N json.Number | float64] struct {
	From time.Time `json:"from"`
	Step string    `json:"step"`
	Mean []N       `json:"mean"`
	Lo80 []N       `json:"lo80"`
	Hi80 []N       `json:"hi80"`
	Lo95 []N       `json:"lo95"`
	Hi95 []N       `json:"hi95"`
}

// MarshalJSON writes the steps by column.
func (s Steps) MarshalJSON() ([]byte, error) {
	if len(s) == 0 {
		return []byte("null"), nil
	}
	c := columns[json.Number]{From: s[0].Date, Step: "day"}
	if len(s) > 1 && !s[1].Date.Equal(s[0].Date.AddDate(0, 0, 1)) {
		c.Step = "month"
	}
	for k, p := range s {
		if want := c.at(k); !p.Date.Equal(want) {
			return nil, fmt.Errorf("forecast step %d is on %s, not a %s after the one before", k+1, p.Date.Format(time.DateOnly), c.Step)
		}
		for _, col := range []struct {
			to *[]json.Number
			v  float64
		}{{&c.Mean, p.Mean}, {&c.Lo80, p.Lo80}, {&c.Hi80, p.Hi80}, {&c.Lo95, p.Lo95}, {&c.Hi95, p.Hi95}} {
			n, err := significant(col.v)
			if err != nil {
				return nil, fmt.Errorf("forecast step %d: %w", k+1, err)
			}
			*col.to = append(*col.to, n)
		}
	}
	return json.Marshal(c)
}

func (c columns[N]) at(k int) time.Time {
	if c.Step == "month" {
		return c.From.AddDate(0, k, 0)
	}
	return c.From.AddDate(0, 0, k)
}

// kept is v as report.json keeps a forecast: to stepDigits significant
// digits.
func kept(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', stepDigits, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// keptPtr is kept of *v, nil for nil.
func keptPtr(v *float64) *float64 {
	if v == nil {
		return nil
	}
	k := kept(*v)
	return &k
}

// significant writes v to stepDigits significant digits: in plain
// decimals (20.31, 0.5), or with an exponent where that is shorter
// (1.235e11 bytes).
func significant(v float64) (json.Number, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", fmt.Errorf("%v is not a number JSON can hold", v)
	}
	g := strconv.FormatFloat(v, 'g', stepDigits, 64)
	r, err := strconv.ParseFloat(g, 64)
	if err != nil {
		return "", err
	}
	plain := strconv.FormatFloat(r, 'f', -1, 64)
	if mant, exp, ok := strings.Cut(g, "e"); ok {
		exp = strings.TrimPrefix(exp, "+")
		neg := strings.HasPrefix(exp, "-")
		exp = strings.TrimLeft(strings.TrimPrefix(exp, "-"), "0")
		if neg {
			exp = "-" + exp
		}
		if short := mant + "e" + exp; len(short) < len(plain) {
			return json.Number(short), nil
		}
	}
	return json.Number(plain), nil
}

// UnmarshalJSON reads the columns, or the list of points report.json's
// schema v1 wrote.
func (s *Steps) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*s = nil
		return nil
	}
	if len(data) > 0 && data[0] == '[' {
		var pts []Point
		if err := json.Unmarshal(data, &pts); err != nil {
			return err
		}
		*s = pts
		return nil
	}
	var c columns[float64]
	if err := json.Unmarshal(data, &c); err != nil {
		return err
	}
	steps, err := readSteps(&c)
	*s = steps
	return err
}

// readSteps lays columns read back out step by step; nil without any.
func readSteps(c *columns[float64]) (Steps, error) {
	if c == nil {
		return nil, nil
	}
	if c.Step != "day" && c.Step != "month" {
		return nil, fmt.Errorf("forecast step %q: want day or month", c.Step)
	}
	n := len(c.Mean)
	if len(c.Lo80) != n || len(c.Hi80) != n || len(c.Lo95) != n || len(c.Hi95) != n {
		return nil, fmt.Errorf("forecast columns of %d, %d, %d, %d and %d values: want one length", n, len(c.Lo80), len(c.Hi80), len(c.Lo95), len(c.Hi95))
	}
	out := make(Steps, n)
	for k := range out {
		out[k] = Point{Date: c.at(k), Mean: c.Mean[k], Lo80: c.Lo80[k], Hi80: c.Hi80[k], Lo95: c.Lo95[k], Hi95: c.Hi95[k]}
	}
	return out, nil
}

// oneLineArrays puts each array of numbers in indented JSON on one line:
// json.MarshalIndent gives every value a line of its own.
func oneLineArrays(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	out := make([][]byte, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !bytes.HasSuffix(line, []byte("[")) {
			out = append(out, line)
			continue
		}
		j := i + 1
		var vals [][]byte
		for ; j < len(lines); j++ {
			v := bytes.TrimSuffix(bytes.TrimSpace(lines[j]), []byte(","))
			if len(v) == 0 || !(v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
				break
			}
			vals = append(vals, v)
		}
		end := j < len(lines) && bytes.HasPrefix(bytes.TrimSpace(lines[j]), []byte("]"))
		if len(vals) == 0 || !end {
			out = append(out, line)
			continue
		}
		joined := append(append(bytes.Clone(line), bytes.Join(vals, []byte(", "))...), bytes.TrimSpace(lines[j])...)
		out = append(out, joined)
		i = j
	}
	return bytes.Join(out, []byte("\n"))
}

// generatedLine is report.json's time of writing, as JSON writes it.
var generatedLine = regexp.MustCompile(`(?m)^ "generated": "[^"]*",\n`)

// Ungenerated is report.json without the time it was written: the one
// line a rerun on the same data changes.
func Ungenerated(reportJSON []byte) []byte {
	return generatedLine.ReplaceAll(reportJSON, nil)
}
