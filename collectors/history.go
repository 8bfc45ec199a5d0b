package collectors

import (
	"fmt"
	"slices"
	"time"
)

// Merge combines histories from several sources, given in order of
// preference. Where more than one covers a series, the one with the most
// days wins (the first given on a tie), and a note records which source
// was used and which were not.
func Merge(hs ...History) (History, []Note) {
	var out History
	var notes []Note
	index := map[string]int{}
	others := map[string][]Series{}
	for _, h := range hs {
		for _, s := range h.Series {
			i, ok := index[s.Name]
			if !ok {
				index[s.Name] = len(out.Series)
				out.Series = append(out.Series, s)
				continue
			}
			if len(s.Days) > len(out.Series[i].Days) {
				others[s.Name] = append(others[s.Name], out.Series[i])
				out.Series[i] = s
			} else {
				others[s.Name] = append(others[s.Name], s)
			}
		}
	}
	for _, s := range out.Series {
		for _, o := range others[s.Name] {
			notes = append(notes, Note{Source: s.Source, Message: fmt.Sprintf(
				"%s: %d days from %s used; %s has %d", s.Name, len(s.Days), s.Source, o.Source, len(o.Days))})
		}
	}
	return out, notes
}

// Stitch continues newer with older: every series of newer keeps all its
// days and gains the days of older's series of the same name that it
// lacks (the days before newer begins, mostly); series only older has are
// kept whole. This is how the history earlier runs recorded extends a
// live source that keeps only weeks. A series whose unit differs between
// the two is taken from newer alone, with a note.
func Stitch(older, newer History) (History, []Note) {
	var out History
	var notes []Note
	old := map[string]Series{}
	for _, s := range older.Series {
		old[s.Name] = s
	}
	for _, s := range newer.Series {
		o, ok := old[s.Name]
		delete(old, s.Name)
		if !ok {
			out.Series = append(out.Series, s)
			continue
		}
		if o.Unit != s.Unit {
			notes = append(notes, Note{Source: o.Source, Message: fmt.Sprintf("%s left out: in %s, %s has it in %s", s.Name, o.Unit, s.Source, s.Unit)})
			out.Series = append(out.Series, s)
			continue
		}
		have := make(map[time.Time]bool, len(s.Days))
		for _, d := range s.Days {
			have[d.Date] = true
		}
		days := slices.Clone(s.Days)
		for _, d := range o.Days {
			if !have[d.Date] {
				days = append(days, d)
			}
		}
		if len(days) > len(s.Days) {
			slices.SortStableFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
			s.Source = fmt.Sprintf("%s, earlier days from %s", s.Source, o.Source)
			s.Days = days
		}
		out.Series = append(out.Series, s)
	}
	for _, s := range older.Series {
		if _, ok := old[s.Name]; ok {
			out.Series = append(out.Series, s)
		}
	}
	return out, notes
}
