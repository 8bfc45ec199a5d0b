package reportrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/templates"
	"github.com/capplan/capplan/units"
)

// WriteFiles writes a report's files into dir, each through a temporary
// file and a rename, so that a failed run never leaves half a file.
func WriteFiles(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report directory: %w", err)
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.Name), f.Data); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// replaceDay makes day's directory in the repository hold exactly files:
// a second run on the same day replaces the first one's report, unless
// the two differ only in when they were generated. The history is not a
// day's file: it goes to the repository's history.json (addHistory).
func replaceDay(repo, day string, files []File) error {
	files = slices.DeleteFunc(slices.Clone(files), func(f File) bool { return f.Name == HistoryFile })
	dir := filepath.Join(repo, filepath.FromSlash(day))
	old, err := readDay(dir)
	if err != nil {
		return err
	}
	if sameReport(old, files) {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("replace %s: %w", day, err)
	}
	return WriteFiles(dir, files)
}

// readDay reads the files of a report's directory; none when it does not
// exist.
func readDay(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", dir, err)
	}
	var files []File
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".tmp-") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", dir, err)
		}
		files = append(files, File{e.Name(), data})
	}
	return files, nil
}

// keepPending replaces the report of day (its directory) in dir/pending with files,
// and returns where: a report waits there until it is published.
func keepPending(dir, day string, files []File) (string, error) {
	kept := filepath.Join(dir, "pending", filepath.FromSlash(day))
	if err := os.RemoveAll(kept); err != nil {
		return kept, err
	}
	return kept, WriteFiles(kept, files)
}

// sameReport tells whether two reports' files are the same but for when
// report.json was generated.
func sameReport(a, b []File) bool {
	if len(a) != len(b) {
		return false
	}
	byName := map[string][]byte{}
	for _, f := range a {
		byName[f.Name] = f.Data
	}
	for _, f := range b {
		old, ok := byName[f.Name]
		if !ok {
			return false
		}
		if f.Name == "report.json" {
			old, f.Data = report.Ungenerated(old), report.Ungenerated(f.Data)
		}
		if !bytes.Equal(old, f.Data) {
			return false
		}
	}
	return true
}

// addHistory continues the repository's history.json with ours, a run's
// history, keeping keepDays before now. A history.json that cannot be
// read is not replaced: the run fails to publish instead of losing it.
func addHistory(repo string, l layout, ours collectors.History, now time.Time, keepDays int) error {
	path := filepath.Join(repo, filepath.FromSlash(l.file(HistoryFile)))
	var theirs collectors.History
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("report repository: %w", err)
	default:
		if theirs, err = unmarshal(old, HistoryFile); err != nil {
			return fmt.Errorf("report repository: %w", err)
		}
	}
	out, err := marshal(update(theirs, ours, now, keepDays))
	if err != nil {
		return fmt.Errorf("%s: %w", HistoryFile, err)
	}
	if bytes.Equal(out, old) {
		return nil
	}
	return writeAtomic(path, out)
}

// removeLegacy removes the per-report history files of the earlier
// layout, now that history.json holds them, and returns their paths.
func removeLegacy(repo string) ([]string, error) {
	days, err := reportDays(repo, layout{})
	if err != nil {
		return nil, fmt.Errorf("index of reports: %w", err)
	}
	var gone []string
	for _, d := range days {
		name := d + "/" + HistoryFile
		err := os.Remove(filepath.Join(repo, filepath.FromSlash(name)))
		switch {
		case err == nil:
			gone = append(gone, name)
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("earlier layout: %w", err)
		}
	}
	return gone, nil
}

// pendingDays lists the report directories waiting under pending, oldest
// first, as reports/YYYY/YYYY-MM-DD.
func pendingDays(pending string, l layout) ([]string, error) {
	days, err := reportDays(pending, l)
	slices.Reverse(days)
	return days, err
}

// reportDays lists the cluster's report directories under root, newest
// first.
func reportDays(root string, l layout) ([]string, error) {
	var days []string
	err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(l.reports())), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if _, perr := time.Parse(time.DateOnly, d.Name()); perr == nil {
			rel, _ := filepath.Rel(root, path)
			days = append(days, filepath.ToSlash(rel))
			return fs.SkipDir
		}
		return nil
	})
	slices.SortFunc(days, func(a, b string) int { return strings.Compare(b, a) })
	return days, err
}

// writeIndex keeps the cluster's README.md (at the repository's root
// for a single cluster): the latest report's summary (r, in the
// repository's directory day) and a list of every report, newest first,
// linked from where the index is.
func writeIndex(repo string, l layout, day string, r report.Report) error {
	days, err := reportDays(repo, l)
	if err != nil {
		return fmt.Errorf("index of reports: %w", err)
	}
	if h := l.home(); h != "" {
		day = strings.TrimPrefix(day, h+"/")
		for i := range days {
			days[i] = strings.TrimPrefix(days[i], h+"/")
		}
	}
	path := filepath.Join(repo, filepath.FromSlash(l.file(indexFile)))
	var b bytes.Buffer
	if len(days) > 0 && days[0] > day {
		// A report of an earlier day (a replayed week): the latest report's
		// summary stays, and the list gains the day.
		old, err := os.ReadFile(path)
		if err == nil {
			if head, _, ok := bytes.Cut(old, []byte(listHeading)); ok {
				b.Write(head)
				writeList(&b, days)
				return writeAtomic(path, b.Bytes())
			}
		}
	}
	fmt.Fprintf(&b, "# Capacity reports: %s\n\n", templates.Inline(r.Cluster))
	fmt.Fprintf(&b, "Written by capplan every week. Latest: [%s](%s/report.md).\n\n", r.Date, day)
	b.WriteString("| resource | now | runway | status |\n|---|---:|---|---|\n")
	for _, res := range r.Resources {
		now := units.Quantity(res.Today, res.Unit)
		if res.Capacity > 0 {
			now += fmt.Sprintf(" (%.0f%%)", 100*res.Today/res.Capacity)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", templates.Inline(res.Name), now, runway(res.Runway, ""), res.Status)
	}
	for _, u := range r.Unknown {
		fmt.Fprintf(&b, "| %s | unknown | unknown | unknown: %s |\n", templates.Inline(u.Resource), templates.Inline(u.Reason))
	}
	if len(r.Gaps) > 0 {
		fmt.Fprintf(&b, "\nThe latest report is incomplete: %d stage(s) failed; see its first lines.\n", len(r.Gaps))
	}
	b.WriteString("\n")
	writeList(&b, days)
	return writeAtomic(path, b.Bytes())
}

const listHeading = "## All reports\n"

// indexFile is the index's name, beside the cluster's reports.
const indexFile = "README.md"

// writeList lists every report, newest first.
func writeList(b *bytes.Buffer, days []string) {
	b.WriteString(listHeading + "\n")
	for _, d := range days {
		fmt.Fprintf(b, "- [%s](%s/report.md)\n", filepath.Base(d), d)
	}
}

// commitMessage summarises the report: its day, whether it is
// incomplete, then the resources that need attention and those unknown.
func commitMessage(r report.Report) string {
	var b strings.Builder
	incomplete := ""
	if len(r.Gaps) > 0 {
		incomplete = " (incomplete)"
	}
	fmt.Fprintf(&b, "Capacity report %s: %s%s\n\n", r.Date, r.Cluster, incomplete)
	for _, res := range r.Resources {
		if res.Status == "ok" {
			continue
		}
		fmt.Fprintf(&b, "- %s: %s, %s\n", res.Name, res.Status, runway(res.Runway, " of runway"))
	}
	for _, u := range r.Unknown {
		fmt.Fprintf(&b, "- %s: unknown (%s)\n", u.Resource, u.Reason)
	}
	for _, g := range r.Gaps {
		fmt.Fprintf(&b, "- incomplete: the %s stage failed: %s\n", g.Stage, g.Error)
	}
	return strings.TrimSpace(b.String()) + "\n"
}

// runway words a resource's runway in whole days, or says it is beyond the
// forecasts.
func runway(days *float64, suffix string) string {
	if days == nil {
		return "beyond the forecasts"
	}
	return fmt.Sprintf("%.0f days%s", *days, suffix)
}
