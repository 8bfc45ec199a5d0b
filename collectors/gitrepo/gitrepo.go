// Package gitrepo reads the history that earlier capplan runs committed to
// the report repository, so that history grows week by week even where
// Prometheus keeps only days of data. Each run commits the daily series it
// used as reports/<YYYY>/<YYYY-MM-DD>/history.json; stitching them back is a
// union of days, the newest report winning where they overlap.
package gitrepo

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/capplan/capplan/collectors"
)

// Schema identifies the layout of history.json files.
const Schema = "capplan.history/v1"

// File is one run's history.json: the daily series it used, values in
// full precision (encoding/json writes float64 so that it reads back
// bit for bit), so that stitching is exact.
type File struct {
	Schema    string              `json:"schema"`
	Generated time.Time           `json:"generated"`
	Series    []collectors.Series `json:"series"`
}

// Dir is the directory of a day's report in the repository.
func Dir(day time.Time) string {
	day = day.UTC()
	return "reports/" + day.Format("2006") + "/" + day.Format(time.DateOnly)
}

// Path is where the run of a day stores its history in the repository.
func Path(day time.Time) string {
	return Dir(day) + "/history.json"
}

// Marshal renders h as a history.json file.
func Marshal(h collectors.History, generated time.Time) ([]byte, error) {
	return json.MarshalIndent(File{Schema: Schema, Generated: generated.UTC(), Series: h.Series}, "", " ")
}

// History reads every history.json in a reports/…/<date>/ directory at
// the repository's HEAD (dir is its working tree) and stitches them. name
// is what the repository is called in sources and notes: its work tree,
// or the remote a temporary clone came from. A file that cannot be read
// is left out with a note naming it; a repository that cannot be opened
// is an error.
func History(dir, name string) (collectors.History, []collectors.Note, error) {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	head, err := repo.Head()
	if err != nil {
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	commit, err := repo.CommitObject(head.Hash())
	if err != nil {
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return collectors.History{}, nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	source := "git " + name
	var notes []collectors.Note
	note := func(format string, args ...any) {
		notes = append(notes, collectors.Note{Source: source, Message: fmt.Sprintf(format, args...)})
	}
	type report struct {
		day  time.Time
		file File
	}
	var reports []report
	err = tree.Files().ForEach(func(f *object.File) error {
		dirName, base := path.Split(f.Name)
		day, perr := time.Parse(time.DateOnly, path.Base(dirName))
		if base != "history.json" || !strings.HasPrefix(f.Name, "reports/") || perr != nil {
			return nil
		}
		r, err := f.Reader()
		if err != nil {
			note("%s not read: %v", f.Name, err)
			return nil
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			note("%s not read: %v", f.Name, err)
			return nil
		}
		var file File
		if err := json.Unmarshal(data, &file); err != nil {
			note("%s left out: not a history file: %v", f.Name, err)
			return nil
		}
		if file.Schema != Schema {
			note("%s left out: schema %q, this capplan reads %q", f.Name, file.Schema, Schema)
			return nil
		}
		reports = append(reports, report{day, file})
		return nil
	})
	if err != nil {
		return collectors.History{}, notes, fmt.Errorf("report repository %s: %w", dir, err)
	}
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
		s := collectors.Series{Name: name, Unit: units[name], Source: fmt.Sprintf("%s (%d reports)", source, len(reports))}
		for _, day := range slices.SortedFunc(maps.Keys(days[name]), time.Time.Compare) {
			s.Days = append(s.Days, days[name][day])
		}
		h.Series = append(h.Series, s)
	}
	return h, notes, nil
}
