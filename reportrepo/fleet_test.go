package reportrepo

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/test/servertest"
)

// TestFleetLayout: two clusters' reports pushed, two weeks running, to
// one remote go to reports/<cluster>/, each with its own history.json and
// index; each cluster reads back its own history and earlier reports
// only, and the fleet's summary goes to the root.
func TestFleetLayout(t *testing.T) {
	servertest.NeedGit(t)
	ctx := context.Background()
	bare := servertest.BareRepo(t)
	repos := map[string]*Repository{}
	for _, name := range []string{"a", "b"} {
		g := config.Default().Git
		g.URL, g.Dir, g.Cluster = "file://"+bare, t.TempDir(), name
		repos[name] = New(g, config.Secrets{}, nil)
	}
	run := map[string]float64{"a": 1, "b": 5}
	for _, d := range []int{16, 23} {
		for _, name := range []string{"a", "b"} {
			rep := report.Report{Schema: report.Schema, Date: day(11, d).Format("2006-01-02"), Cluster: name, Generated: day(11, d)}
			js, err := rep.JSON()
			if err != nil {
				t.Fatal(err)
			}
			hist := weekly(run[name], day(10, 1), day(11, d-1))
			if _, err := repos[name].Publish(ctx, rep, []File{{"report.json", js}, {"report.md", []byte("# " + name)}}, hist, day(11, d)); err != nil {
				t.Fatalf("%s on 11-%d: %v", name, d, err)
			}
		}
	}
	if _, err := New(config.Git{URL: "file://" + bare, Dir: t.TempDir(), Branch: "main", AuthorName: "capplan", AuthorEmail: "c@example.org", Tries: 1}, config.Secrets{}, nil).
		PublishFleet(ctx, []File{{"README.md", []byte("# fleet")}, {"fleet.json", []byte("{}")}}, "fleet", day(11, 23)); err != nil {
		t.Fatal(err)
	}
	tree := servertest.RepoTree(t, bare)
	for _, want := range []string{"README.md", "fleet.json", "reports/a/README.md", "reports/a/history.json", "reports/a/2026/2026-11-16/report.json",
		"reports/b/2026/2026-11-23/report.md", "reports/b/history.json"} {
		if !slices.Contains(tree, want) {
			t.Errorf("tree lacks %s: %v", want, tree)
		}
	}
	if slices.Contains(tree, "history.json") || slices.ContainsFunc(tree, func(p string) bool { return strings.HasPrefix(p, "reports/2026/") }) {
		t.Errorf("a single cluster's layout in a fleet's repository: %v", tree)
	}
	clone := t.TempDir()
	servertest.Git(t, clone, "clone", "-q", bare, ".")
	index, err := os.ReadFile(filepath.Join(clone, "reports", "a", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), "- [2026-11-16](2026/2026-11-16/report.md)") {
		t.Errorf("a's index does not link its reports from where it is:\n%s", index)
	}
	h, earlier, _, err := repos["b"].Read(ctx, day(11, 30))
	if err != nil {
		t.Fatal(err)
	}
	if len(earlier) != 2 || !earlier[0].Plan.Today.Equal(day(11, 23)) {
		t.Errorf("b's earlier reports: %d, newest %+v", len(earlier), earlier)
	}
	if len(h.Series) != 1 || h.Series[0].Days[0].Mean != weekly(5, day(10, 1), day(10, 1)).Series[0].Days[0].Mean {
		t.Errorf("b's history %+v, want b's own", h.Series)
	}
}
