package reportrepo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/capplan/capplan/collectors"
)

// historySchema identifies the layout of history.json.
const historySchema = "capplan.history/v2"

// HistoryFile is the history file's name, beside the cluster's reports
// (layout.file).
const HistoryFile = "history.json"

// legacySchema is the per-report history.json of earlier layouts.
const legacySchema = "capplan.history/v1"

// file is history.json. Days are written one to a line, so that a week's
// run changes a few lines per series and git's delta stays small.
type file struct {
	Schema string `json:"schema"`
	// Through is the last day the file holds.
	Through string   `json:"through"`
	Series  []series `json:"series"`
}

type series struct {
	Name   string    `json:"name"`
	Unit   string    `json:"unit"`
	Source string    `json:"source"`
	Days   []fileDay `json:"days"`
}

// fileDay carries its values in full precision (encoding/json writes the
// shortest form that reads back bit for bit), so that stitching is exact.
// Peak is left out where it equals the mean (requests, capacities, stored
// bytes: most series), which keeps the file a quarter smaller.
type fileDay struct {
	Date string   `json:"date"`
	Mean float64  `json:"mean"`
	Peak *float64 `json:"peak,omitempty"`
}

// marshal renders h as history.json.
func marshal(h collectors.History) ([]byte, error) {
	var b bytes.Buffer
	var through time.Time
	for _, s := range h.Series {
		if n := len(s.Days); n > 0 && s.Days[n-1].Date.After(through) {
			through = s.Days[n-1].Date
		}
	}
	// A history without a day has no last day: no zero date is written.
	fields := map[string]string{"schema": historySchema}
	if !through.IsZero() {
		fields["through"] = through.UTC().Format(time.DateOnly)
	}
	head, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	b.Write(head[:len(head)-1])
	b.WriteString(`,"series":[`)
	for i, s := range h.Series {
		if i > 0 {
			b.WriteByte(',')
		}
		meta, err := json.Marshal(series{Name: s.Name, Unit: s.Unit, Source: s.Source})
		if err != nil {
			return nil, err
		}
		// {"name":…,"source":…,"days":null} opened up at its days.
		b.WriteString("\n")
		b.Write(meta[:len(meta)-len(`null}`)])
		b.WriteString("[")
		line := make([]byte, 0, 96)
		for j, d := range s.Days {
			// encoding/json's form, written without its reflection: a
			// five-year history is tens of thousands of lines.
			line = append(line[:0], `{"date":"`...)
			line = d.Date.UTC().AppendFormat(line, time.DateOnly)
			line = append(line, `","mean":`...)
			var err error
			if line, err = appendFloat(line, d.Mean); err == nil && d.Peak != d.Mean {
				line = append(line, `,"peak":`...)
				line, err = appendFloat(line, d.Peak)
			}
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", s.Name, d.Date.Format(time.DateOnly), err)
			}
			line = append(line, '}')
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n")
			b.Write(line)
		}
		b.WriteString("]}")
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// appendFloat writes v as encoding/json does: the shortest decimal that
// reads back bit for bit, with an exponent only below 1e-6 or from 1e21.
func appendFloat(b []byte, v float64) ([]byte, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return b, fmt.Errorf("%v is not a number JSON can hold", v)
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' {
		// e-09 to e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// unmarshal reads a history.json, of this layout or, as an earlier run
// may have left it waiting to be published, of the earlier one; name says
// which file, in errors.
func unmarshal(data []byte, name string) (collectors.History, error) {
	if h, ok := readLines(data); ok {
		return h, nil
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return collectors.History{}, fmt.Errorf("%s: not a history file: %w", name, err)
	}
	if f.Schema == legacySchema {
		var lf legacyFile
		if err := json.Unmarshal(data, &lf); err != nil {
			return collectors.History{}, fmt.Errorf("%s: not a history file: %w", name, err)
		}
		return collectors.History{Series: lf.Series}, nil
	}
	if f.Schema != historySchema {
		return collectors.History{}, fmt.Errorf("%s: schema %q, this capplan reads %q", name, f.Schema, historySchema)
	}
	var h collectors.History
	for _, s := range f.Series {
		out := collectors.Series{Name: s.Name, Unit: s.Unit, Source: s.Source, Days: make([]collectors.Day, 0, len(s.Days))}
		for _, d := range s.Days {
			date, err := time.Parse(time.DateOnly, d.Date)
			if err != nil {
				return collectors.History{}, fmt.Errorf("%s: %s: date %q: %w", name, s.Name, d.Date, err)
			}
			peak := d.Mean
			if d.Peak != nil {
				peak = *d.Peak
			}
			out.Days = append(out.Days, collectors.Day{Date: date, Mean: d.Mean, Peak: peak})
		}
		h.Series = append(h.Series, out)
	}
	return h, nil
}

// readLines reads the layout marshal writes, a day to a line, without
// encoding/json's reflection, which takes tens of milliseconds a run on
// a few years of history; ok is false for anything else, which unmarshal
// then reads as JSON.
func readLines(data []byte) (collectors.History, bool) {
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) < 2 || !bytes.HasPrefix(lines[0], []byte(`{"schema":"`+historySchema+`",`)) || !bytes.HasSuffix(lines[0], []byte(`"series":[`)) {
		return collectors.History{}, false
	}
	var h collectors.History
	var cur *collectors.Series
	closed := false
	for _, line := range lines[1:] {
		switch {
		case closed:
			if len(line) > 0 {
				return collectors.History{}, false
			}
		case cur == nil && bytes.HasPrefix(line, []byte(`{"name":`)) && bytes.HasSuffix(line, []byte(`"days":[`)):
			var s series
			if err := json.Unmarshal(append(bytes.Clone(line), "]}"...), &s); err != nil {
				return collectors.History{}, false
			}
			h.Series = append(h.Series, collectors.Series{Name: s.Name, Unit: s.Unit, Source: s.Source})
			cur = &h.Series[len(h.Series)-1]
		case cur != nil:
			d, rest, ok := dayLine(line)
			if !ok {
				return collectors.History{}, false
			}
			cur.Days = append(cur.Days, d)
			switch string(rest) {
			case ",":
			case "]}", "]},":
				cur = nil
			default:
				return collectors.History{}, false
			}
		case string(line) == "]}":
			closed = true
		default:
			return collectors.History{}, false
		}
	}
	return h, closed
}

// dayLine reads {"date":"2026-11-23","mean":1.5,"peak":2} (or without
// its peak, then the mean) and returns what follows it on the line.
func dayLine(line []byte) (collectors.Day, []byte, bool) {
	rest, ok := bytes.CutPrefix(line, []byte(`{"date":"`))
	if !ok || len(rest) < 10 {
		return collectors.Day{}, nil, false
	}
	date, err := time.Parse(time.DateOnly, string(rest[:10]))
	if err != nil {
		return collectors.Day{}, nil, false
	}
	rest, ok = bytes.CutPrefix(rest[10:], []byte(`","mean":`))
	if !ok {
		return collectors.Day{}, nil, false
	}
	i := bytes.IndexByte(rest, '}')
	if i < 0 {
		return collectors.Day{}, nil, false
	}
	values, rest := rest[:i], rest[i+1:]
	mean, peak, hasPeak := bytes.Cut(values, []byte(`,"peak":`))
	m, err := strconv.ParseFloat(string(mean), 64)
	if err != nil {
		return collectors.Day{}, nil, false
	}
	p := m
	if hasPeak {
		if p, err = strconv.ParseFloat(string(peak), 64); err != nil {
			return collectors.Day{}, nil, false
		}
	}
	return collectors.Day{Date: date, Mean: m, Peak: p}, rest, true
}

// update is the history the file holds after a run: older (the file's)
// continued with newer (the run's), newer winning on the days both have,
// less the days more than keepDays before last. Series only older has are
// kept. A series is said to come from the source of whichever holds its
// latest day (a replayed earlier week does not rename it).
func update(older, newer collectors.History, last time.Time, keepDays int) collectors.History {
	cut := last.UTC().Truncate(24*time.Hour).AddDate(0, 0, -keepDays)
	lastDay := func(s collectors.Series) time.Time {
		if len(s.Days) == 0 {
			return time.Time{}
		}
		return s.Days[len(s.Days)-1].Date
	}
	sources := map[string]string{}
	olderEnd := map[string]time.Time{}
	for _, s := range older.Series {
		olderEnd[s.Name], sources[s.Name] = lastDay(s), s.Source
	}
	for _, s := range newer.Series {
		if end, ok := olderEnd[s.Name]; !ok || !lastDay(s).Before(end) {
			sources[s.Name] = s.Source
		}
	}
	merged, _ := collectors.Stitch(older, newer)
	var out collectors.History
	for _, s := range merged.Series {
		s.Source = sources[s.Name]
		i, _ := slices.BinarySearchFunc(s.Days, cut, func(d collectors.Day, t time.Time) int { return d.Date.Compare(t) })
		if s.Days = s.Days[i:]; len(s.Days) > 0 {
			out.Series = append(out.Series, s)
		}
	}
	return out
}

// readHistory reads the history at the repository's HEAD (dir is its working
// tree): history.json at the root, or, in a repository of the earlier
// layout, every reports/…/<date>/history.json stitched. name is what the
// repository is called in sources and notes: its work tree, or the remote
// a temporary clone came from. A file that cannot be read is left out
// with a note naming it; a repository that cannot be opened is an error.
func readHistory(dir, name string, l layout) (collectors.History, []collectors.Note, error) {
	tree, err := head(dir)
	if err != nil {
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	source := "git " + name
	f, err := tree.File(l.file(HistoryFile))
	switch {
	case errors.Is(err, object.ErrFileNotFound) && l.cluster == "":
		return legacy(tree, source)
	case errors.Is(err, object.ErrFileNotFound):
		return collectors.History{}, nil, nil
	case err != nil:
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	data, err := read(f)
	if err != nil {
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	h, err := unmarshal(data, HistoryFile)
	if err != nil {
		// An error, not a note: the file is not to be replaced by a run
		// that could not read it.
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", name, err)
	}
	for i := range h.Series {
		h.Series[i].Source = source
	}
	return h, nil, nil
}

func head(dir string) (*object.Tree, error) {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return nil, err
	}
	ref, err := repo.Head()
	if err != nil {
		return nil, err
	}
	commit, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, err
	}
	return commit.Tree()
}

func read(f *object.File) ([]byte, error) {
	r, err := f.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// legacyFile is a history.json of the earlier layout.
type legacyFile struct {
	Schema    string              `json:"schema"`
	Generated time.Time           `json:"generated"`
	Series    []collectors.Series `json:"series"`
}

// legacy reads the earlier layout: one history.json per report, stitched
// by day, the newest report winning where they overlap.
func legacy(tree *object.Tree, source string) (collectors.History, []collectors.Note, error) {
	var notes []collectors.Note
	note := func(format string, args ...any) {
		notes = append(notes, collectors.Note{Source: source, Message: fmt.Sprintf(format, args...)})
	}
	type report struct {
		day  time.Time
		file legacyFile
	}
	var reports []report
	err := tree.Files().ForEach(func(f *object.File) error {
		dirName, base := path.Split(f.Name)
		day, perr := time.Parse(time.DateOnly, path.Base(dirName))
		if base != HistoryFile || !strings.HasPrefix(f.Name, "reports/") || perr != nil {
			return nil
		}
		data, err := read(f)
		if err != nil {
			note("%s not read: %v", f.Name, err)
			return nil
		}
		var lf legacyFile
		if err := json.Unmarshal(data, &lf); err != nil {
			note("%s left out: not a history file: %v", f.Name, err)
			return nil
		}
		if lf.Schema != legacySchema {
			note("%s left out: schema %q, this capplan reads %q", f.Name, lf.Schema, legacySchema)
			return nil
		}
		reports = append(reports, report{day, lf})
		return nil
	})
	if err != nil {
		return collectors.History{}, notes, err
	}
	if len(reports) == 0 {
		return collectors.History{}, notes, nil
	}
	note("%d history files of the earlier layout (one per report) read; the next published report replaces them with %s", len(reports), HistoryFile)
	slices.SortFunc(reports, func(a, b report) int { return a.day.Compare(b.day) })
	days := map[string]map[time.Time]collectors.Day{}
	units := map[string]string{}
	var order []string
	for _, r := range reports {
		for _, s := range r.file.Series {
			if days[s.Name] == nil {
				days[s.Name] = map[time.Time]collectors.Day{}
				order = append(order, s.Name)
			}
			units[s.Name] = s.Unit
			for _, d := range s.Days {
				days[s.Name][d.Date.UTC()] = d
			}
		}
	}
	var h collectors.History
	for _, name := range order {
		s := collectors.Series{Name: name, Unit: units[name], Source: source}
		for _, day := range slices.SortedFunc(maps.Keys(days[name]), time.Time.Compare) {
			s.Days = append(s.Days, days[name][day])
		}
		h.Series = append(h.Series, s)
	}
	return h, notes, nil
}
