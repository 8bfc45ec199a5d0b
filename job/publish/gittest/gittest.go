// Package gittest runs the git binary for tests of the report repository:
// go-git's file:// transport needs git-upload-pack and git-receive-pack,
// and tests read remotes with git itself.
package gittest

import (
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Need skips the test when git is missing, or fails it under CI=true.
func Need(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed; .ci/run needs Debian's git package")
		}
		t.Skip("git is not installed: apt-get install git to run this test")
	}
}

// Run runs git in dir, ignoring the machine's and user's configuration,
// and returns its trimmed output.
func Run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Bare makes an empty bare repository, reports.git in a new temporary
// directory, that also accepts pushes over HTTP.
func Bare(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "reports.git")
	Run(t, filepath.Dir(dir), "init", "--quiet", "--bare", "--initial-branch=main", dir)
	Run(t, dir, "config", "http.receivepack", "true")
	return dir
}

// Tree lists the files at the head of branch main in a bare repository.
func Tree(t testing.TB, bare string) []string {
	t.Helper()
	return strings.Fields(Run(t, bare, "ls-tree", "-r", "--name-only", "main"))
}

// HTTP serves bare repositories under root with Debian's
// git-http-backend, behind basic auth.
func HTTP(t testing.TB, root, user, password string) *httptest.Server {
	t.Helper()
	backend := "/usr/lib/git-core/git-http-backend"
	if _, err := os.Stat(backend); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing: .ci/run needs Debian's git package", backend)
		}
		t.Skipf("%s missing: apt-get install git to run this test", backend)
	}
	cgiHandler := &cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="reports"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		// git-http-backend wants the authenticated user to accept pushes.
		r.Header.Set("Remote-User", u)
		cgiHandler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}
