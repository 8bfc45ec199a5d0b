package job

import (
	"errors"
	"log/slog"
	"sort"
)

// Log writes the one line a run ends with: what it used and found, and
// how it failed when err is not nil.
func (res Result) Log(log *slog.Logger, err error) {
	r := res.Report
	runway := map[string]any{}
	for _, x := range r.Resources {
		if x.Runway != nil {
			runway[x.Name] = *x.Runway
		} else {
			runway[x.Name] = "beyond"
		}
	}
	sources := make([]string, 0, len(r.Sources))
	for part, src := range r.Sources {
		sources = append(sources, part+": "+src)
	}
	sort.Strings(sources)
	attrs := []any{
		"date", r.Date, "cluster", r.Cluster, "published", res.Published, "commit", res.Commit, "changed", res.Changed,
		"report", res.Dir, "sources", sources, "runway_days", runway, "gaps", len(r.Gaps),
		"seconds", res.Duration.Seconds(),
	}
	if r.Narrative != nil {
		attrs = append(attrs, "narrative", r.Narrative.Source)
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
		switch {
		case errors.Is(err, ErrNotPublished):
			log.Error("capplan run: report not published; kept in the work directory", attrs...)
		case errors.Is(err, ErrNothingPlanned):
			log.Error("capplan run: the report plans no resource", attrs...)
		case errors.Is(err, ErrIncomplete):
			log.Warn("capplan run: the report is incomplete", attrs...)
		default:
			log.Error("capplan run failed", attrs...)
		}
		return
	}
	log.Info("capplan run", attrs...)
}

// File is the content of the report's file name; nil when the run wrote
// none of that name.
func (res Result) File(name string) []byte {
	for _, f := range res.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}
