// Package csvfile reads metric history from CSV files in the two layouts
// capplan accepts: long (series,timestamp,value; many series per file) and
// wide (timestamp followed by one column per series, e.g.
// timestamp,cpu,memory,disk,network).
package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Series is one named series as read, sorted by time. Lines[i] is the
// file line that Values[i] came from.
type Series struct {
	Name   string
	Times  []time.Time
	Values []float64
	Lines  []int
}

// ReadFile reads a long or wide CSV file.
func ReadFile(path string) ([]Series, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parse(data, path)
}

// Read parses CSV from r; name is used in error messages. The layout is
// told by the header: "series,timestamp,value" is long, a first column
// named "timestamp" (or "time", "date") is wide. Series come back in the
// order they first appear. Empty cells in a wide file are missing
// observations, not zeros.
func Read(r io.Reader, name string) ([]Series, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return parse(data, name)
}

func parse(data []byte, name string) ([]Series, error) {
	var cr records
	if bytes.IndexByte(data, '"') < 0 {
		// Without quotes, CSV is plain comma splitting, several times faster
		// than encoding/csv and without an allocation per line.
		cr = &plainRecords{data: string(data)}
	} else {
		c := csv.NewReader(bytes.NewReader(data))
		c.ReuseRecord = true
		c.FieldsPerRecord = -1
		cr = csvRecords{c}
	}
	header, _, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, want a header", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	header = slices.Clone(header)
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	p := &parser{name: name, index: map[string]int{}}
	switch {
	case slices.Equal(cols, []string{"series", "timestamp", "value"}):
		err = p.readLong(cr)
	case len(cols) >= 2 && (cols[0] == "timestamp" || cols[0] == "time" || cols[0] == "date"):
		err = p.readWide(cr, header[1:])
	default:
		return nil, fmt.Errorf("%s:1: header %q: want series,timestamp,value or timestamp followed by series names", name, strings.Join(header, ","))
	}
	if err != nil {
		return nil, err
	}
	series, err := p.finish()
	if err == nil && !slices.ContainsFunc(series, func(s Series) bool { return len(s.Values) > 0 }) {
		err = fmt.Errorf("%s: no observation under the header: nothing to read", name)
	}
	return series, err
}

// records yields a file's records with the line each starts on.
type records interface {
	Read() (rec []string, line int, err error)
}

type csvRecords struct{ r *csv.Reader }

func (c csvRecords) Read() ([]string, int, error) {
	rec, err := c.r.Read()
	if err != nil {
		return nil, 0, err
	}
	line, _ := c.r.FieldPos(0)
	return rec, line, nil
}

// plainRecords splits unquoted CSV. Like encoding/csv it skips empty lines
// and accepts CRLF endings.
type plainRecords struct {
	data   string
	line   int
	fields []string
}

func (p *plainRecords) Read() ([]string, int, error) {
	for p.data != "" {
		l := p.data
		if i := strings.IndexByte(p.data, '\n'); i >= 0 {
			l, p.data = p.data[:i], p.data[i+1:]
		} else {
			p.data = ""
		}
		p.line++
		l = strings.TrimSuffix(l, "\r")
		if l == "" {
			continue
		}
		p.fields = p.fields[:0]
		for {
			j := strings.IndexByte(l, ',')
			if j < 0 {
				p.fields = append(p.fields, l)
				break
			}
			p.fields = append(p.fields, l[:j])
			l = l[j+1:]
		}
		return p.fields, p.line, nil
	}
	return nil, 0, io.EOF
}

type parser struct {
	name   string
	series []*Series
	index  map[string]int
}

func (p *parser) get(name string) *Series {
	i, ok := p.index[name]
	if !ok {
		i = len(p.series)
		p.index[name] = i
		p.series = append(p.series, &Series{Name: strings.Clone(name)})
	}
	return p.series[i]
}

func (p *parser) readLong(cr records) error {
	return p.each(cr, func(rec []string, line int) error {
		if len(rec) != 3 {
			return fmt.Errorf("%s:%d: %d fields, want 3 (series,timestamp,value)", p.name, line, len(rec))
		}
		if rec[0] == "" {
			return fmt.Errorf("%s:%d:1: empty series name", p.name, line)
		}
		ts, err := parseTime(rec[1])
		if err != nil {
			return fmt.Errorf("%s:%d:2: %w", p.name, line, err)
		}
		v, err := parseValue(rec[2])
		if err != nil {
			return fmt.Errorf("%s:%d:3: series %q at %s: %w", p.name, line, rec[0], rec[1], err)
		}
		s := p.get(rec[0])
		s.Times = append(s.Times, ts)
		s.Values = append(s.Values, v)
		s.Lines = append(s.Lines, line)
		return nil
	})
}

// each calls fn for every record after the header, with its line.
func (p *parser) each(cr records, fn func(rec []string, line int) error) error {
	for {
		rec, line, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

func (p *parser) readWide(cr records, names []string) error {
	cols := make([]*Series, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			return fmt.Errorf("%s:1:%d: empty column name", p.name, i+2)
		}
		if _, dup := p.index[n]; dup {
			return fmt.Errorf("%s:1:%d: column %q appears twice", p.name, i+2, n)
		}
		cols[i] = p.get(n)
	}
	return p.each(cr, func(rec []string, line int) error {
		if len(rec) != len(names)+1 {
			return fmt.Errorf("%s:%d: %d fields, want %d as in the header", p.name, line, len(rec), len(names)+1)
		}
		ts, err := parseTime(rec[0])
		if err != nil {
			return fmt.Errorf("%s:%d:1: %w", p.name, line, err)
		}
		for i, cell := range rec[1:] {
			if strings.TrimSpace(cell) == "" {
				continue
			}
			v, err := parseValue(cell)
			if err != nil {
				return fmt.Errorf("%s:%d:%d: series %q at %s: %w", p.name, line, i+2, cols[i].Name, rec[0], err)
			}
			cols[i].Times = append(cols[i].Times, ts)
			cols[i].Values = append(cols[i].Values, v)
			cols[i].Lines = append(cols[i].Lines, line)
		}
		return nil
	})
}

// finish sorts each series by time (sources usually deliver it sorted,
// which is checked first) and rejects duplicate timestamps, which would
// otherwise silently drop one of two observations.
func (p *parser) finish() ([]Series, error) {
	out := make([]Series, 0, len(p.series))
	for _, s := range p.series {
		if !slices.IsSortedFunc(s.Times, time.Time.Compare) {
			s = sortByTime(s)
		}
		for i := 1; i < len(s.Times); i++ {
			if s.Times[i].Equal(s.Times[i-1]) {
				return nil, fmt.Errorf("%s:%d: series %q has timestamp %s again (first on line %d)", p.name,
					max(s.Lines[i], s.Lines[i-1]), s.Name, s.Times[i].Format(time.RFC3339), min(s.Lines[i], s.Lines[i-1]))
			}
		}
		out = append(out, *s)
	}
	return out, nil
}

func sortByTime(s *Series) *Series {
	idx := make([]int, len(s.Times))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return s.Times[a].Compare(s.Times[b]) })
	sorted := &Series{Name: s.Name, Times: make([]time.Time, len(idx)), Values: make([]float64, len(idx)), Lines: make([]int, len(idx))}
	for i, j := range idx {
		sorted.Times[i], sorted.Values[i], sorted.Lines[i] = s.Times[j], s.Values[j], s.Lines[j]
	}
	return sorted
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// parseTime accepts RFC 3339 and the common zone-less layouts, which are
// taken as UTC, and Unix seconds.
func parseTime(s string) (time.Time, error) {
	if t, ok := parseUTCSeconds(s); ok {
		return t, nil
	}
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil && secs > 0 {
		return time.Unix(0, int64(secs*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("timestamp %q is not RFC 3339, YYYY-MM-DD[ HH:MM[:SS]] or Unix seconds", s)
}

func parseValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("value %q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q is not a finite number", s)
	}
	return v, nil
}

// parseUTCSeconds reads the commonest layout, YYYY-MM-DDTHH:MM:SSZ, without
// the generality (and a third of the cost of a whole line) of time.Parse.
// Anything else, or any out-of-range field, is left to time.Parse.
func parseUTCSeconds(s string) (time.Time, bool) {
	if len(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d { // 31 April and the like: time.Parse reports the error
		return time.Time{}, false
	}
	return t, true
}
