package collectors

import "fmt"

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
