package reportrepo

// Committing and pushing with go-git. A report is never lost to a
// concurrent run: when the remote has moved on, the run's files are
// written again onto a fresh clone of the new head and pushed again, with
// backoff.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/redact"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// gitOptions say where and as whom to publish.
type gitOptions struct {
	// URL is the remote (https://, ssh://, user@host:path or file://).
	// Empty publishes into the repository at Dir and pushes nothing.
	URL string
	// Dir is the work tree: the repository itself when URL is empty,
	// else the parent of the clones made while publishing.
	Dir         string
	Branch      string
	AuthorName  string
	AuthorEmail string
	// When is the commit's time; the time of the commit when zero.
	When time.Time
	Auth transport.AuthMethod
	// Tries is how many pushes are attempted when the remote keeps moving
	// (default 5); Backoff the wait before the second (default 1 s),
	// doubled before each next one, with jitter.
	Tries   int
	Backoff time.Duration
	Logger  *slog.Logger
}

// applyFunc writes a run's files into the work tree at dir and returns the
// paths it wrote or removed (files or directories, relative to dir, with
// slashes): only those are committed, whatever else the work tree holds.
// It is called once per attempt, on a fresh clone of the remote's head,
// so it must write everything the run adds and may read what is already
// there (an index of reports, say).
type applyFunc func(dir string) ([]string, error)

// pushed says what was published.
type pushed struct {
	// Commit is the hash of the commit holding the report: the new one,
	// or the head when nothing changed.
	Commit string
	// Changed is false when the report was already there, byte for byte.
	Changed bool
	Pushed  bool
	Tries   int
}

// errRejected is a push the remote refused because its branch moved.
var errRejected = errors.New("push rejected: the remote branch has moved")

// commitAndPush applies the run's files, commits them with message and
// pushes.
func commitAndPush(ctx context.Context, o gitOptions, apply applyFunc, message string) (pushed, error) {
	if o.Branch == "" {
		o.Branch = "main"
	}
	if o.Tries <= 0 {
		o.Tries = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.URL == "" {
		repo, err := openOrInit(o.Dir, o.Branch)
		if err != nil {
			return pushed{}, err
		}
		// Two runs into one local repository take turns.
		unlock, err := lock(ctx, filepath.Join(o.Dir, ".git", "capplan.lock"))
		if err != nil {
			return pushed{}, err
		}
		defer unlock()
		res, err := commit(repo, o, apply, message)
		res.Tries = 1
		return res, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return pushed{}, fmt.Errorf("work directory: %w", err)
	}
	wait := o.Backoff
	var last error
	for try := 1; try <= o.Tries; try++ {
		res, err := attempt(ctx, o, apply, message)
		res.Tries = try
		if !errors.Is(err, errRejected) {
			return res, err
		}
		last = err
		if try == o.Tries {
			break
		}
		d := wait/2 + rand.N(wait)
		o.Logger.Info("push rejected, retrying on the new head", "try", try, "wait", d.String())
		select {
		case <-ctx.Done():
			return res, fmt.Errorf("publish: %w (after %v)", ctx.Err(), last)
		case <-time.After(d):
		}
		wait *= 2
	}
	return pushed{Tries: o.Tries}, redacted(o, fmt.Errorf("publish to %s: %w, %d tries", redact.URL(o.URL), last, o.Tries))
}

// attempt clones the remote's head afresh, commits the run's files on it
// and pushes. A fresh shallow clone per attempt keeps every retry on the
// exact head that rejected the last push, without deepening a shallow
// history.
func attempt(ctx context.Context, o gitOptions, apply applyFunc, message string) (pushed, error) {
	repo, _, cleanup, err := checkout(ctx, o)
	if err != nil {
		return pushed{}, err
	}
	defer cleanup()
	branch := plumbing.NewBranchReferenceName(o.Branch)
	var base plumbing.Hash
	if head, err := repo.Head(); err == nil {
		base = head.Hash()
	}
	res, err := commit(repo, o, apply, message)
	if err != nil || !res.Changed {
		return res, err
	}
	err = repo.PushContext(ctx, &git.PushOptions{
		RemoteName: git.DefaultRemoteName, Auth: o.Auth,
		RefSpecs: []config.RefSpec{config.RefSpec(branch + ":" + branch)},
	})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		res.Pushed = true
		return res, nil
	case rejected(err), moved(ctx, repo, o, base):
		return res, fmt.Errorf("%w (%v)", errRejected, err)
	default:
		return res, redacted(o, fmt.Errorf("push to %s: %w", redact.URL(o.URL), err))
	}
}

// checkout clones the remote's branch, shallow, into a new directory
// under o.Dir, and returns it opened, with a function that removes it. An
// empty remote, which go-git cannot clone, gives a new repository with
// the remote set, so that the first report starts the history. err is
// named so that every failure removes the clone's directory.
func checkout(ctx context.Context, o gitOptions) (_ *git.Repository, _ string, _ func(), err error) {
	if o.Branch == "" {
		o.Branch = "main"
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, "", nil, fmt.Errorf("work directory: %w", err)
	}
	tmp, err := os.MkdirTemp(o.Dir, "clone-")
	if err != nil {
		return nil, "", nil, fmt.Errorf("work directory: %w", err)
	}
	remove := func() { os.RemoveAll(tmp) }
	defer func() {
		if err != nil {
			remove()
		}
	}()
	clone := func() (*git.Repository, error) {
		if err := os.RemoveAll(tmp); err != nil {
			return nil, fmt.Errorf("work directory: %w", err)
		}
		return git.PlainCloneContext(ctx, tmp, false, &git.CloneOptions{
			URL: o.URL, Auth: o.Auth, ReferenceName: plumbing.NewBranchReferenceName(o.Branch), SingleBranch: true, Depth: 1, Tags: git.NoTags,
		})
	}
	repo, err := clone()
	// go-git v5 fails a fetch now and then with "closing input: EOF" when
	// an SSH server ends the session before the client closes its side
	// (go-git#1685, fixed after v5.19.3): the clone is tried again.
	for try := 1; try < 3 && err != nil && strings.HasSuffix(err.Error(), ": EOF") && ctx.Err() == nil; try++ {
		repo, err = clone()
	}
	switch {
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		if err = os.RemoveAll(tmp); err != nil {
			return nil, "", nil, fmt.Errorf("work directory: %w", err)
		}
		if repo, err = initRepo(tmp, o.Branch); err != nil {
			return nil, "", nil, err
		}
		if _, err = repo.CreateRemote(&config.RemoteConfig{Name: git.DefaultRemoteName, URLs: []string{o.URL}}); err != nil {
			return nil, "", nil, fmt.Errorf("report repository: %w", err)
		}
	case err != nil:
		return nil, "", nil, redacted(o, fmt.Errorf("clone %s (branch %s): %w", redact.URL(o.URL), o.Branch, err))
	}
	return repo, tmp, remove, nil
}

// redacted keeps the credentials written into the remote's URL out of an
// error: go-git's messages echo the URL it was given.
func redacted(o gitOptions, err error) error {
	return redact.New([]string{o.URL}).Error(err)
}

// rejected tells a push refused because the branch moved. go-git returns
// ErrNonFastForwardUpdate when it sees that before sending, and a plain
// error from the remote's report otherwise; git-receive-pack words the
// second "fetch first" or "non-fast-forward".
func rejected(err error) bool {
	if errors.Is(err, git.ErrNonFastForwardUpdate) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// moved tells whether the remote's branch is no longer at base, the head
// this attempt cloned: a push from a shallow clone onto a head it has
// never seen fails in go-git as "object not found" rather than as a
// rejection.
func moved(ctx context.Context, repo *git.Repository, o gitOptions, base plumbing.Hash) bool {
	remote, err := repo.Remote(git.DefaultRemoteName)
	if err != nil {
		return false
	}
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: o.Auth})
	if err != nil {
		return false
	}
	for _, r := range refs {
		if r.Name() == plumbing.NewBranchReferenceName(o.Branch) {
			return r.Hash() != base
		}
	}
	return !base.IsZero()
}

// commit applies the run's files to repo's work tree and commits them
// when they change anything.
func commit(repo *git.Repository, o gitOptions, apply applyFunc, message string) (pushed, error) {
	wt, err := repo.Worktree()
	if err != nil {
		return pushed{}, fmt.Errorf("report repository: %w", err)
	}
	dir := wt.Filesystem.Root()
	paths, err := apply(dir)
	if err != nil {
		return pushed{}, err
	}
	changed, err := stage(repo, wt, paths)
	if err != nil {
		return pushed{}, err
	}
	if !changed {
		head, err := repo.Head()
		if err != nil {
			return pushed{}, fmt.Errorf("report repository: %w", err)
		}
		return pushed{Commit: head.Hash().String()}, nil
	}
	when := o.When
	if when.IsZero() {
		when = time.Now()
	}
	hash, err := wt.Commit(message, &git.CommitOptions{
		Author: &object.Signature{Name: o.AuthorName, Email: o.AuthorEmail, When: when},
	})
	if err != nil {
		return pushed{}, fmt.Errorf("commit the report: %w", err)
	}
	return pushed{Commit: hash.String(), Changed: true}, nil
}

// stage adds the files under paths that the run wrote, changed or
// removed to the index, and tells whether the index now differs from the
// head for any of them. It looks at those paths only, file by file: a
// status of the whole work tree would hash every report ever written, and
// would count files the run did not write.
func stage(repo *git.Repository, wt *git.Worktree, paths []string) (bool, error) {
	root := wt.Filesystem.Root()
	idx, err := repo.Storer.Index()
	if err != nil {
		return false, fmt.Errorf("report repository index: %w", err)
	}
	indexed := map[string]plumbing.Hash{}
	for _, e := range idx.Entries {
		indexed[e.Name] = e.Hash
	}
	files := map[string]bool{}
	for _, p := range paths {
		files[p] = true
		err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(p)), func(file string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(root, file)
			files[filepath.ToSlash(rel)] = true
			return err
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, fmt.Errorf("stage %s: %w", p, err)
		}
		for name := range indexed {
			if strings.HasPrefix(name, p+"/") {
				files[name] = true
			}
		}
	}
	var head *object.Tree
	if ref, err := repo.Head(); err == nil {
		c, err := repo.CommitObject(ref.Hash())
		if err != nil {
			return false, fmt.Errorf("report repository: %w", err)
		}
		if head, err = c.Tree(); err != nil {
			return false, fmt.Errorf("report repository: %w", err)
		}
	}
	changed, staged := false, false
	dirs := map[string]*object.Tree{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		file := filepath.Join(root, filepath.FromSlash(name))
		fi, err := os.Lstat(file)
		if err == nil && fi.IsDir() {
			continue
		}
		var want plumbing.Hash // zero: the file is gone
		var data []byte
		switch {
		case err == nil:
			if data, err = os.ReadFile(file); err != nil {
				return false, fmt.Errorf("stage %s: %w", name, err)
			}
			want = plumbing.ComputeHash(plumbing.BlobObject, data)
		case !errors.Is(err, fs.ErrNotExist):
			return false, fmt.Errorf("stage %s: %w", name, err)
		}
		// The index is written once below, not once a file as
		// Worktree.Add does: it lists every report ever written.
		have, tracked := indexed[name]
		switch {
		case want.IsZero() && tracked:
			if _, err := idx.Remove(name); err != nil {
				return false, fmt.Errorf("stage the removal of %s: %w", name, err)
			}
			staged = true
		case !want.IsZero() && (!tracked || have != want):
			if err := addBlob(repo, idx, name, data, fi); err != nil {
				return false, fmt.Errorf("stage %s: %w", name, err)
			}
			staged = true
		}
		if committedHash(head, name, dirs) != want {
			changed = true
		}
	}
	if staged {
		if err := repo.Storer.SetIndex(idx); err != nil {
			return false, fmt.Errorf("report repository index: %w", err)
		}
	}
	return changed, nil
}

// committedHash is name's blob in the head tree, zero when it has none.
// dirs keeps the subtrees already found: a run's files share a directory,
// and every lookup from the root decodes each tree on the way.
func committedHash(head *object.Tree, name string, dirs map[string]*object.Tree) plumbing.Hash {
	if head == nil {
		return plumbing.ZeroHash
	}
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	t, ok := dirs[dir]
	if !ok {
		t = head
		if dir != "" {
			var err error
			if t, err = head.Tree(dir); err != nil {
				t = nil
			}
		}
		dirs[dir] = t
	}
	if t == nil {
		return plumbing.ZeroHash
	}
	e, err := t.FindEntry(base)
	if err != nil || !e.Mode.IsFile() {
		return plumbing.ZeroHash
	}
	return e.Hash
}

// addBlob stores data as name's blob and points the index entry at it.
func addBlob(repo *git.Repository, idx *index.Index, name string, data []byte, fi fs.FileInfo) error {
	obj := repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	hash, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return err
	}
	e, err := idx.Entry(name)
	if err != nil {
		e = idx.Add(name)
	}
	e.Hash, e.Mode, e.Size, e.ModifiedAt = hash, filemode.Regular, uint32(len(data)), fi.ModTime()
	return nil
}

// openOrInit opens the repository at dir, or starts one on branch.
func openOrInit(dir, branch string) (*git.Repository, error) {
	repo, err := git.PlainOpen(dir)
	if err == nil {
		return repo, nil
	}
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	return initRepo(dir, branch)
}

func initRepo(dir, branch string) (*git.Repository, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report repository %s: %w", dir, err)
	}
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)},
	})
	if err != nil {
		return nil, fmt.Errorf("report repository %s: %w", filepath.Clean(dir), err)
	}
	return repo, nil
}
