package csvfile

import (
	"fmt"
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

// History turns series read from a file into daily history: each UTC
// day's mean and peak of the observations that fall in it. The seed's
// columns become capplan's series (cpu in cores; memory and disk in GiB,
// converted to bytes; network in MB/s, converted to bytes per second);
// capplan's own series names (cpu/usage, node/NAME/memory/usage,
// ceph/stored...) are in capplan's units: cores, bytes, bytes per second;
// other names are kept as they are, in the file's own unit, and noted.
// Days without observations are left out and counted in a note.
func History(series []Series, source string) (collectors.History, []collectors.Note) {
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
	return h, notes
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
