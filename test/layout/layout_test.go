// Package layout checks docs/design.md's table of packages against the
// code: every package is listed, and each imports exactly the packages of
// capplan's its row names.
package layout

import (
	"errors"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/capplan/capplan/"

// row is a line of the table: | `pkg` | holds | `a`, `b` or none |.
var row = regexp.MustCompile("^\\| `([^`]+)` \\| .* \\| ([^|]+) \\|$")

func documented(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile("../../docs/design.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var imports []string
		if cell := strings.TrimSpace(m[2]); cell != "none" {
			for _, p := range strings.Split(cell, ",") {
				imports = append(imports, strings.Trim(strings.TrimSpace(p), "`"))
			}
		}
		out[m[1]] = imports
	}
	return out
}

// packages are the module's packages (directories of Go files, not
// testdata and not another module's) and the packages of capplan's each
// imports, tests aside.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
			return filepath.SkipDir // another module's
		}
		p, err := build.ImportDir(path, 0)
		var none *build.NoGoError
		switch {
		case errors.As(err, &none):
			return nil
		case err != nil && len(p.TestGoFiles)+len(p.XTestGoFiles) == 0:
			return err
		}
		rel, _ := filepath.Rel(root, path)
		var ours []string
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module) {
				ours = append(ours, strings.TrimPrefix(imp, module))
			}
		}
		slices.Sort(ours)
		out[filepath.ToSlash(rel)] = ours
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDesignTableIsTrue(t *testing.T) {
	doc, code := documented(t), packages(t)
	if len(code) < 20 {
		t.Fatalf("found %d packages", len(code))
	}
	for pkg, imports := range code {
		want, ok := doc[pkg]
		switch {
		case !ok:
			t.Errorf("docs/design.md does not list %s", pkg)
		case !slices.Equal(imports, slices.Sorted(slices.Values(want))):
			t.Errorf("%s imports %v; docs/design.md says %v", pkg, imports, want)
		}
	}
	for pkg := range doc {
		if _, ok := code[pkg]; !ok {
			t.Errorf("docs/design.md lists %s, which is no package", pkg)
		}
	}
}

// TestDataFlowsOneWay: the rules the design's data flow states.
func TestDataFlowsOneWay(t *testing.T) {
	code := packages(t)
	for pkg, imports := range code {
		for _, imp := range imports {
			switch {
			case (imp == "reportrepo" || imp == "job/narrate") && pkg != "job":
				t.Errorf("%s imports %s: only job does", pkg, imp)
			case pkg == "templates" && strings.HasPrefix(imp, "collectors"):
				t.Errorf("templates imports %s: it renders the report model only", imp)
			case strings.HasPrefix(pkg, "collectors") && (imp == "planner" || imp == "report" || imp == "templates" || strings.HasPrefix(imp, "job")):
				t.Errorf("%s imports %s: sources come before the plan", pkg, imp)
			case pkg == "forecast":
				t.Errorf("forecast imports %s: it imports nothing of ours", imp)
			}
		}
	}
}
