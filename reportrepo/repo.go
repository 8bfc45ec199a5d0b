// Package reportrepo is the report repository: a Git repository that
// holds a directory a report (reports/<YYYY>/<YYYY-MM-DD>/: report.json,
// report.md, one chart a resource), the daily history every run planned
// on in one history.json at the root, and a README.md that indexes the
// reports with the latest one's summary, so that capacity history is
// reviewed like code. It reads the history and the last report for the
// next run, and publishes a run's report with go-git: committed locally,
// or pushed to a remote, where a report that cannot be pushed waits in
// the work directory's pending/ for the next run.
//
// history.json is updated in place by each run: git stores the week's
// change as a delta, and a run reads one file however many weeks have
// passed. Repositories written before that kept a copy of the whole
// history in each day's directory (schema capplan.history/v1); they are
// read once, stitched, and replaced by the single file when the next
// report is published.
package reportrepo

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/report"
)

// File is one file of a report, named relative to the report's directory.
type File struct {
	Name string
	Data []byte
}

// Repository is the report repository the configuration names.
type Repository struct {
	git     config.Git
	layout  layout
	creds   credentials
	log     *slog.Logger
	backoff time.Duration // before the second push; tests shorten it
}

// New is the repository of g, with the secrets it may need; log, when not
// nil, hears of retries and of reports published from pending/.
func New(g config.Git, s config.Secrets, log *slog.Logger) *Repository {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if g.Dir == "" {
		g.Dir = filepath.Join(os.TempDir(), "capplan")
	}
	return &Repository{git: g, layout: layout{g.Cluster}, log: log,
		creds: credentials{Username: g.Username, Token: s.GitToken, SSHKey: []byte(s.GitSSHKey), KnownHosts: g.KnownHostsFile}}
}

// Dir is the work directory: the repository itself without a remote.
func (r *Repository) Dir() string { return r.git.Dir }

func (r *Repository) options(now time.Time) (gitOptions, error) {
	o := gitOptions{URL: r.git.URL, Dir: r.git.Dir, Branch: r.git.Branch, AuthorName: r.git.AuthorName,
		AuthorEmail: r.git.AuthorEmail, When: now, Tries: r.git.Tries, Backoff: r.backoff, Logger: r.log}
	if r.git.URL == "" {
		return o, nil
	}
	var err error
	o.Auth, err = authFor(r.git.URL, r.creds)
	return o, err
}

// Earlier is how many earlier reports Read reads: a year of Mondays, what
// a report's track record looks back over.
const Earlier = 52

// Read reads the history committed to the repository and the reports
// before now's day, newest first, Earlier of them at most. A repository
// yet to be made, or without a commit, has neither.
func (r *Repository) Read(ctx context.Context, now time.Time) (collectors.History, []report.Previous, []collectors.Note, error) {
	dir, name := r.git.Dir, r.git.Dir
	if r.git.URL != "" {
		o, err := r.options(now)
		if err != nil {
			return collectors.History{}, nil, nil, err
		}
		_, d, cleanup, err := checkout(ctx, o)
		if err != nil {
			return collectors.History{}, nil, nil, err
		}
		defer cleanup()
		dir, name = d, redact.URL(r.git.URL)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		return collectors.History{}, nil, nil, nil
	}
	h, notes, err := readHistory(dir, name, r.layout)
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return collectors.History{}, nil, notes, nil
		}
		return h, nil, notes, err
	}
	earlier, err := previous(dir, r.layout, now)
	return h, earlier, notes, err
}

// ReadHistory reads the history committed to the repository whose work
// tree is dir (another repository's, history_git), named by dir.
func ReadHistory(dir string) (collectors.History, []collectors.Note, error) {
	return readHistory(dir, dir, layout{})
}

// previous reads the report.json files before now's day, newest first,
// Earlier of them at most. They are decoded side by side: a year of them
// is most of what a weekly run reads.
func previous(dir string, l layout, now time.Time) ([]report.Previous, error) {
	days, err := reportDays(dir, l)
	if err != nil {
		return nil, err
	}
	today := l.day(now)
	var names []string
	var files [][]byte
	var unread error
	for _, d := range days {
		if d >= today {
			continue
		}
		if len(names) == Earlier {
			break
		}
		name := d + "/report.json"
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			unread = err
			break
		}
		names, files = append(names, name), append(files, data)
	}
	out := make([]report.Previous, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range names {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			out[i], errs[i] = report.ReadPrevious(files[i], names[i])
		})
	}
	wg.Wait()
	// The reports newer than the first that cannot be read stand.
	for i, err := range errs {
		if err != nil {
			return out[:i], err
		}
	}
	return out, unread
}

// HistoryJSON is history.json holding h alone, its days from keepDays
// before now: the history a report kept outside the repository (a dry
// run's output, a report waiting in pending/) carries with it.
func HistoryJSON(h collectors.History, now time.Time, keepDays int) ([]byte, error) {
	return marshal(update(collectors.History{}, h, now, keepDays))
}

// Keep keeps a report of now's day in the work directory's pending/, in
// place of any kept that day, and returns where.
func (r *Repository) Keep(now time.Time, files []File) (string, error) {
	return keepPending(r.git.Dir, r.layout.day(now), files)
}

// SetAside keeps a report of now's day that is not to be published (it
// plans nothing) in the work directory's unpublished/, in place of any set
// aside that day, and returns where: it is never committed, and the next
// run does not publish it.
func (r *Repository) SetAside(now time.Time, files []File) (string, error) {
	dir := filepath.Join(r.git.Dir, "unpublished", filepath.FromSlash(r.layout.day(now)))
	if err := os.RemoveAll(dir); err != nil {
		return dir, err
	}
	return dir, WriteFiles(dir, files)
}

// Published says what Publish did.
type Published struct {
	// Dir is where the report is: in the repository without a remote,
	// else its directory in the remote's tree.
	Dir string
	// Commit is the commit holding the report: the new one, or the head
	// when nothing changed.
	Commit  string
	Changed bool
}

// Publish commits the report (its files, and the history it was planned
// on into history.json) with the reports earlier runs left in pending/,
// and pushes when there is a remote; a report that cannot be pushed is
// left in pending/. A remote the credentials cannot reach is a
// configuration error.
func (r *Repository) Publish(ctx context.Context, rep report.Report, files []File, hist collectors.History, now time.Time) (Published, error) {
	day := r.layout.day(now)
	o, err := r.options(now)
	if err != nil {
		return Published{}, config.Error{Err: err}
	}
	if r.git.URL == "" {
		res, err := commitAndPush(ctx, o, func(dir string) ([]string, error) {
			return applyReports(dir, r.layout, []kept{{day, files, &hist}}, rep, now, r.git.KeepDays)
		}, commitMessage(rep))
		return Published{Dir: filepath.Join(r.git.Dir, filepath.FromSlash(day)), Commit: res.Commit, Changed: res.Changed}, err
	}
	// With a remote, the report waits in pending/ until it is pushed, so
	// that a run that cannot push leaves it for the next one.
	pending := filepath.Join(o.Dir, "pending")
	keptDir, err := keepPending(o.Dir, day, files)
	if err != nil {
		return Published{}, err
	}
	days, err := pendingDays(pending, r.layout)
	if err != nil {
		return Published{Dir: keptDir}, err
	}
	var waiting []kept
	for _, d := range days {
		if d == day {
			// This run's report, at hand.
			waiting = append(waiting, kept{day, files, &hist})
			continue
		}
		dayFiles, err := readDay(filepath.Join(pending, filepath.FromSlash(d)))
		if err != nil {
			return Published{Dir: keptDir}, err
		}
		waiting = append(waiting, kept{day: d, files: dayFiles})
	}
	res, err := commitAndPush(ctx, o, func(dir string) ([]string, error) {
		return applyReports(dir, r.layout, waiting, rep, now, r.git.KeepDays)
	}, commitMessage(rep))
	if err != nil {
		return Published{Dir: keptDir}, err
	}
	if len(waiting) > 1 {
		r.log.Info("published reports kept by earlier runs", "days", days)
	}
	for _, d := range days {
		if err := os.RemoveAll(filepath.Join(pending, filepath.FromSlash(d))); err != nil {
			r.log.Warn("published report left in the work directory", "dir", d, "error", err)
		}
	}
	return Published{Dir: day, Commit: res.Commit, Changed: res.Changed}, nil
}

// kept is a report to publish: its day's directory and its files, and
// the history it was planned on when the run has it at hand (else it is
// read from the files' history.json).
type kept struct {
	day     string
	files   []File
	history *collectors.History
}

// applyReports writes reports, oldest first, into the repository's work
// tree at dir: each day's directory, its history into history.json, the
// earlier layout's history files removed, and the index with latest's
// summary. It returns the paths it wrote or removed, to be committed.
func applyReports(dir string, l layout, reports []kept, latest report.Report, now time.Time, keepDays int) ([]string, error) {
	var paths []string
	for _, k := range reports {
		if err := replaceDay(dir, k.day, k.files); err != nil {
			return nil, err
		}
		paths = append(paths, k.day)
		h := k.history
		for _, f := range k.files {
			if f.Name == HistoryFile && h == nil {
				kh, err := unmarshal(f.Data, k.day+"/"+HistoryFile)
				if err != nil {
					return nil, err
				}
				h = &kh
			}
		}
		if h != nil {
			if err := addHistory(dir, l, *h, now, keepDays); err != nil {
				return nil, err
			}
			paths = append(paths, l.file(HistoryFile))
		}
	}
	if l.cluster == "" {
		gone, err := removeLegacy(dir)
		if err != nil {
			return nil, err
		}
		paths = append(paths, gone...)
	}
	if err := writeIndex(dir, l, reports[len(reports)-1].day, latest); err != nil {
		return nil, err
	}
	return append(paths, l.file(indexFile)), nil
}

// PublishFleet commits a fleet's summary (its files, at the repository's
// root beside the clusters' reports/<cluster>/) and pushes it when there
// is a remote. A summary that cannot be pushed is not kept: the next run
// writes its own.
func (r *Repository) PublishFleet(ctx context.Context, files []File, message string, now time.Time) (Published, error) {
	o, err := r.options(now)
	if err != nil {
		return Published{}, config.Error{Err: err}
	}
	res, err := commitAndPush(ctx, o, func(dir string) ([]string, error) {
		var paths []string
		for _, f := range files {
			if err := writeAtomic(filepath.Join(dir, f.Name), f.Data); err != nil {
				return nil, err
			}
			paths = append(paths, f.Name)
		}
		return paths, nil
	}, message)
	return Published{Dir: o.Dir, Commit: res.Commit, Changed: res.Changed}, err
}
