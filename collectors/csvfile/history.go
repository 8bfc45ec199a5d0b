package csvfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// seedColumns maps the columns of the seed's wide layout
// (timestamp,cpu,memory,disk,network) to history series and units.
var seedColumns = map[string]struct {
	series, unit string
	scale        float64
}{
	"cpu":     {"cpu/usage", units.Cores, 1},
	"memory":  {"memory/usage", units.Bytes, 1 << 30},
	"disk":    {"disk/used", units.Bytes, 1 << 30},
	"network": {"network/receive", units.BytesPerSecond, 1e6},
}

// History turns series read from the file named file into daily history:
// each UTC day's mean and peak of the observations that fall in it. The
// seed's columns become capplan's series (cpu in cores; memory and disk in
// GiB, converted to bytes; network in MB/s, converted to bytes per
// second); capplan's own series names (cpu/usage, node/NAME/memory/usage,
// ceph/stored...) are in capplan's units: cores, bytes, bytes per second;
// other names are kept as they are, in the file's own unit, and noted.
// Days without observations are left out and counted in a note.
//
// What no cluster can report is refused, naming the line and the value:
// an observation after now, a negative amount of cores or bytes, and one
// beyond what any cluster holds (plausible); in any unit, a value whose
// daily sums would overflow.
func History(series []Series, file string, now time.Time) (collectors.History, []collectors.Note, error) {
	source := "csv file " + file
	var h collectors.History
	var notes []collectors.Note
	for _, in := range series {
		name, unit, scale := in.Name, "", 1.0
		if c, ok := seedColumns[in.Name]; ok {
			name, unit, scale = c.series, c.unit, c.scale
		} else if u := unitOf(in.Name); u != "" {
			unit = u
		} else {
			notes = append(notes, collectors.Note{Source: source, Message: fmt.Sprintf("series %q kept under its own name, in the file's unit", in.Name)})
		}
		if err := check(in, file, unit, scale, now); err != nil {
			return collectors.History{}, nil, err
		}
		out := collectors.Series{Name: name, Unit: unit, Source: source}
		var sum float64
		var n int
		flush := func() {
			if n > 0 {
				d := &out.Days[len(out.Days)-1]
				d.Mean = sum / float64(n) * scale
				d.Peak *= scale
			}
		}
		for i, t := range in.Times {
			day := t.UTC().Truncate(24 * time.Hour)
			v := in.Values[i]
			if len(out.Days) == 0 || !out.Days[len(out.Days)-1].Date.Equal(day) {
				flush()
				out.Days = append(out.Days, collectors.Day{Date: day, Peak: v})
				sum, n = 0, 0
			}
			d := &out.Days[len(out.Days)-1]
			d.Peak = max(d.Peak, v)
			sum += v
			n++
		}
		flush()
		if len(out.Days) == 0 {
			continue
		}
		span := int(out.Days[len(out.Days)-1].Date.Sub(out.Days[0].Date).Hours()/24) + 1
		if missing := span - len(out.Days); missing > 0 {
			notes = append(notes, collectors.Note{Source: source, Message: fmt.Sprintf("%s: %d of %d days have no observations", name, missing, span)})
		}
		h.Series = append(h.Series, out)
	}
	return h, notes, nil
}

// plausible bounds what one observation of each unit can be: more cores
// than ten million, more bytes than a zettabyte or more than a petabyte
// a second is no cluster's; in a unit of the file's own, a value whose
// sums over a day would not be finite.
var plausible = map[string]struct {
	most float64
	what string
}{
	units.Cores:          {1e7, "more cores than any cluster has"},
	units.Bytes:          {1e21, "more bytes than any cluster holds"},
	units.BytesPerSecond: {1e15, "more bytes a second than any network carries"},
	"":                   {1e250, "too large to add up over a day"},
}

// check refuses the observations of in that no source could report,
// naming file, line and value.
func check(in Series, file, unit string, scale float64, now time.Time) error {
	bound := plausible[unit]
	for i, v := range in.Values {
		// Where, only for the observation refused: files run to millions.
		at := func() string {
			return fmt.Sprintf("%s:%d: %s at %s", file, in.Lines[i], in.Name, in.Times[i].UTC().Format(time.RFC3339))
		}
		switch {
		case in.Times[i].After(now):
			return fmt.Errorf("%s: the timestamp is after now (%s): history cannot be of the future", at(), now.UTC().Format(time.RFC3339))
		case v < 0 && unit != "":
			return fmt.Errorf("%s: value %s: a quantity in %s cannot be negative", at(), strconv.FormatFloat(v, 'g', -1, 64), unit)
		case math.Abs(v*scale) > bound.most:
			return fmt.Errorf("%s: value %s: %s (at most %g): a wrong unit or a broken export", at(), strconv.FormatFloat(v, 'g', -1, 64), bound.what, bound.most/scale)
		}
	}
	return nil
}

// unitOf is the unit of one of capplan's series names: by its first part,
// or by its third for a node's ("node/NAME/cpu/usage"); "" for others.
func unitOf(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) < 2 {
		return ""
	}
	kind := parts[0]
	if kind == "node" && len(parts) >= 4 {
		kind = parts[2]
	}
	switch kind {
	case "cpu":
		return units.Cores
	case "memory", "ceph", "volumes", "disk":
		return units.Bytes
	case "network":
		return units.BytesPerSecond
	}
	return ""
}
