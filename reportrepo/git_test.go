package reportrepo

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capplan/capplan/test/servertest"
)

// writeFiles is an apply that replaces a day's directory with files.
func writeFiles(day string, files map[string]string) applyFunc {
	return func(dir string) ([]string, error) {
		dayDir := filepath.Join(dir, "reports", day)
		if err := os.RemoveAll(dayDir); err != nil {
			return nil, err
		}
		for name, data := range files {
			p := filepath.Join(dayDir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				return nil, err
			}
		}
		return []string{"reports/" + day}, nil
	}
}

func options(url string, t *testing.T) gitOptions {
	return gitOptions{URL: url, Dir: t.TempDir(), Branch: "main", AuthorName: "capplan", AuthorEmail: "capplan@example.org", Backoff: 10 * time.Millisecond}
}

func TestFileRemote(t *testing.T) {
	servertest.NeedGit(t)
	ctx := context.Background()
	bare := servertest.BareRepo(t)
	o := options("file://"+bare, t)

	// The first report goes into an empty remote, which cannot be cloned.
	res, err := commitAndPush(ctx, o, writeFiles("2026-11-23", map[string]string{"report.md": "one", "stale.svg": "x"}), "report 2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || !res.Pushed || res.Commit != servertest.Git(t, bare, "rev-parse", "main") {
		t.Fatalf("first publish: %+v, remote main %s", res, servertest.Git(t, bare, "rev-parse", "main"))
	}
	if author := servertest.Git(t, bare, "log", "-1", "--format=%an <%ae> %s", "main"); author != "capplan <capplan@example.org> report 2026-11-23" {
		t.Errorf("commit: %q", author)
	}

	// The same files again: nothing to commit, the head is reported.
	again, err := commitAndPush(ctx, o, writeFiles("2026-11-23", map[string]string{"report.md": "one", "stale.svg": "x"}), "report 2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed || again.Pushed || again.Commit != res.Commit {
		t.Fatalf("unchanged publish: %+v, want no commit at %s", again, res.Commit)
	}

	// A second run on the same day replaces the day's files.
	third, err := commitAndPush(ctx, o, writeFiles("2026-11-23", map[string]string{"report.md": "two"}), "report 2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if !third.Changed || !third.Pushed {
		t.Fatalf("changed publish: %+v", third)
	}
	if got := servertest.RepoTree(t, bare); !slices.Equal(got, []string{"reports/2026-11-23/report.md"}) {
		t.Errorf("tree %v: want the day's files replaced", got)
	}
	if n := servertest.Git(t, bare, "rev-list", "--count", "main"); n != "2" {
		t.Errorf("%s commits, want 2", n)
	}
	if entries, _ := os.ReadDir(o.Dir); len(entries) != 0 {
		t.Errorf("clones left in the work directory: %v", entries)
	}
}

func TestLocalRepository(t *testing.T) {
	servertest.NeedGit(t)
	dir := filepath.Join(t.TempDir(), "demo")
	o := gitOptions{Dir: dir, AuthorName: "capplan", AuthorEmail: "capplan@example.org"}
	res, err := commitAndPush(context.Background(), o, writeFiles("2026-11-23", map[string]string{"report.md": "one"}), "report")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || res.Pushed || servertest.Git(t, dir, "rev-parse", "HEAD") != res.Commit {
		t.Fatalf("%+v", res)
	}
	if branch := servertest.Git(t, dir, "branch", "--show-current"); branch != "main" {
		t.Errorf("branch %q, want main", branch)
	}
	if status := servertest.Git(t, dir, "status", "--porcelain"); status != "" {
		t.Errorf("work tree not clean after the commit:\n%s", status)
	}
}

// TestLocalCommitsOnlyTheRun: files of the work tree that the run did not
// write stay out of its commit, and a run that changes nothing commits
// nothing, untracked files or not. The commit carries the run's time.
func TestLocalCommitsOnlyTheRun(t *testing.T) {
	servertest.NeedGit(t)
	dir := filepath.Join(t.TempDir(), "demo")
	when := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	o := gitOptions{Dir: dir, AuthorName: "capplan", AuthorEmail: "capplan@example.org", When: when}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := commitAndPush(context.Background(), o, writeFiles("2026-11-23", map[string]string{"report.md": "one"}), "report")
	if err != nil || !res.Changed {
		t.Fatalf("%+v, %v", res, err)
	}
	if tree := servertest.Git(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); tree != "reports/2026-11-23/report.md" {
		t.Errorf("commit holds %q: want the run's file alone", tree)
	}
	if date := servertest.Git(t, dir, "log", "-1", "--format=%aI %cI"); date != "2026-11-23T09:00:00+00:00 2026-11-23T09:00:00+00:00" {
		t.Errorf("commit dated %s, want the run's time", date)
	}
	again, err := commitAndPush(context.Background(), o, writeFiles("2026-11-23", map[string]string{"report.md": "one"}), "report")
	if err != nil || again.Changed || again.Commit != res.Commit {
		t.Errorf("unchanged rerun: %+v, %v", again, err)
	}
}

// TestLocalRunsTakeTurns: a run into a local repository waits while
// another holds it, and gives up when its time is out.
func TestLocalRunsTakeTurns(t *testing.T) {
	servertest.NeedGit(t)
	dir := filepath.Join(t.TempDir(), "demo")
	o := gitOptions{Dir: dir, AuthorName: "capplan", AuthorEmail: "capplan@example.org"}
	if _, err := commitAndPush(context.Background(), o, writeFiles("a", map[string]string{"report.md": "a"}), "a"); err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := commitAndPush(context.Background(), o, func(d string) ([]string, error) {
			close(entered)
			<-release
			return writeFiles("b", map[string]string{"report.md": "b"})(d)
		}, "b")
		done <- err
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	applied := false
	_, err := commitAndPush(ctx, o, func(d string) ([]string, error) {
		applied = true
		return writeFiles("c", map[string]string{"report.md": "c"})(d)
	}, "c")
	if err == nil || applied || !strings.Contains(err.Error(), "another run holds it") {
		t.Errorf("second run while the first holds the lock: applied %v, %v", applied, err)
	}
	waiting := make(chan error)
	go func() {
		_, err := commitAndPush(context.Background(), o, writeFiles("c", map[string]string{"report.md": "c"}), "c")
		waiting <- err
	}()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-waiting; err != nil {
		t.Fatal(err)
	}
	if got := servertest.Git(t, dir, "rev-list", "--count", "HEAD"); got != "3" {
		t.Errorf("%s commits, want 3: each run's, one after the other", got)
	}
}

// TestRejectedPushIsRetried moves the remote while a run is between its
// clone and its push: the push is refused, and the run's report lands on
// top of the other one.
func TestRejectedPushIsRetried(t *testing.T) {
	servertest.NeedGit(t)
	ctx := context.Background()
	bare := servertest.BareRepo(t)
	o := options("file://"+bare, t)
	if _, err := commitAndPush(ctx, o, writeFiles("2026-11-16", map[string]string{"report.md": "last week"}), "last week"); err != nil {
		t.Fatal(err)
	}
	calls := 0
	apply := func(dir string) ([]string, error) {
		calls++
		if calls == 1 {
			other := options("file://"+bare, t)
			if _, err := commitAndPush(ctx, other, writeFiles("other", map[string]string{"report.md": "other"}), "other run"); err != nil {
				return nil, fmt.Errorf("the other run: %w", err)
			}
		}
		return writeFiles("2026-11-23", map[string]string{"report.md": "this week"})(dir)
	}
	res, err := commitAndPush(ctx, o, apply, "this week")
	if err != nil {
		t.Fatal(err)
	}
	if res.Tries != 2 || calls != 2 {
		t.Errorf("tries %d, applies %d: want the second try to land", res.Tries, calls)
	}
	want := []string{"reports/2026-11-16/report.md", "reports/2026-11-23/report.md", "reports/other/report.md"}
	if got := servertest.RepoTree(t, bare); !slices.Equal(got, want) {
		t.Errorf("tree %v, want %v", got, want)
	}
}

// TestConcurrentRuns pushes two reports at once; both land.
func TestConcurrentRuns(t *testing.T) {
	servertest.NeedGit(t)
	ctx := context.Background()
	bare := servertest.BareRepo(t)
	if _, err := commitAndPush(ctx, options("file://"+bare, t), writeFiles("first", map[string]string{"report.md": "x"}), "first"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		o := options("file://"+bare, t)
		o.Tries = 10
		wg.Go(func() {
			_, errs[i] = commitAndPush(ctx, o, writeFiles(fmt.Sprintf("run-%d", i), map[string]string{"report.md": "x"}), "run")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
	want := []string{"reports/first/report.md", "reports/run-0/report.md", "reports/run-1/report.md", "reports/run-2/report.md", "reports/run-3/report.md"}
	if got := servertest.RepoTree(t, bare); !slices.Equal(got, want) {
		t.Errorf("tree %v, want %v", got, want)
	}
}

func TestUnreachableRemote(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/reports.git"
	srv.Close()
	o := options(url, t)
	res, err := commitAndPush(context.Background(), o, writeFiles("d", map[string]string{"a": "b"}), "m")
	if err == nil || res.Tries != 1 {
		t.Fatalf("publish to a closed port: %+v, %v; want one try and an error", res, err)
	}
	if !strings.Contains(err.Error(), url) {
		t.Errorf("error %q does not name the remote", err)
	}
}

// publishTwoWeeks publishes two reports through o and checks that both
// are at the head of bare.
func publishTwoWeeks(t *testing.T, o gitOptions, bare string) {
	t.Helper()
	for _, day := range []string{"2026-11-16", "2026-11-23"} {
		res, err := commitAndPush(context.Background(), o, writeFiles(day, map[string]string{"report.md": day}), "report "+day)
		if err != nil {
			t.Fatalf("%s: %v", day, err)
		}
		if !res.Pushed {
			t.Fatalf("%s: %+v", day, res)
		}
	}
	if got := servertest.RepoTree(t, bare); !slices.Equal(got, []string{"reports/2026-11-16/report.md", "reports/2026-11-23/report.md"}) {
		t.Errorf("tree %v", got)
	}
}

func TestHTTPBackend(t *testing.T) {
	servertest.NeedGit(t)
	ctx := context.Background()
	bare := servertest.BareRepo(t)
	srv := servertest.GitHTTP(t, filepath.Dir(bare), "capplan", "s3cret-token")
	url := srv.URL + "/reports.git"

	auth, err := authFor(url, credentials{Token: "s3cret-token"})
	if err != nil {
		t.Fatal(err)
	}
	o := options(url, t)
	o.Auth = auth
	publishTwoWeeks(t, o, bare)

	bad, err := authFor(url, credentials{Token: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	o.Auth = bad
	res, err := commitAndPush(ctx, o, writeFiles("x", map[string]string{"a": "b"}), "m")
	if err == nil || res.Tries != 1 {
		t.Fatalf("wrong token: %+v, %v; want a single failed try", res, err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the token: %v", err)
	}
}
