package reportrepo

import (
	"path"
	"time"
)

// layout is where one cluster's files are in the repository: a single
// cluster's at the root (reports/<YYYY>/<YYYY-MM-DD>/, history.json,
// README.md), a fleet's cluster's under reports/<cluster>/
// (reports/<cluster>/<YYYY>/<YYYY-MM-DD>/, reports/<cluster>/history.json,
// reports/<cluster>/README.md), beside the fleet's summary at the root.
type layout struct{ cluster string }

// home is the directory of the cluster's history and index: "" for the
// root.
func (l layout) home() string {
	if l.cluster == "" {
		return ""
	}
	return "reports/" + l.cluster
}

// reports is the directory of the cluster's days.
func (l layout) reports() string {
	if l.cluster == "" {
		return "reports"
	}
	return l.home()
}

// day is the directory of a day's report.
func (l layout) day(t time.Time) string {
	t = t.UTC()
	return l.reports() + "/" + t.Format("2006") + "/" + t.Format(time.DateOnly)
}

// file is the path of one of the cluster's files beside its reports
// (HistoryFile, the index).
func (l layout) file(name string) string { return path.Join(l.home(), name) }

// ReportDir is the directory, in the repository, of the report of a
// fleet's cluster on day.
func ReportDir(cluster string, day time.Time) string { return layout{cluster}.day(day) }
