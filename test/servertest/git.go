package servertest

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

// NeedGit skips the test when git is missing, or fails it under CI=true:
// go-git's file:// transport needs git-upload-pack and git-receive-pack,
// and tests read remotes with git itself.
func NeedGit(t testing.TB) {
	t.Helper()
	Need(t, "git", "apt-get install git")
}

// Git runs git in dir, ignoring the machine's and user's configuration,
// and returns its trimmed output.
func Git(t testing.TB, dir string, args ...string) string {
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

// BareRepo makes an empty bare repository, reports.git in a new temporary
// directory, that also accepts pushes over HTTP.
func BareRepo(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "reports.git")
	Git(t, filepath.Dir(dir), "init", "--quiet", "--bare", "--initial-branch=main", dir)
	Git(t, dir, "config", "http.receivepack", "true")
	return dir
}

// RepoTree lists the files at the head of branch main in a bare repository.
func RepoTree(t testing.TB, bare string) []string {
	t.Helper()
	return strings.Fields(Git(t, bare, "ls-tree", "-r", "--name-only", "main"))
}

// GitHTTP serves bare repositories under root with Debian's
// git-http-backend, behind basic auth.
func GitHTTP(t testing.TB, root, user, password string) *httptest.Server {
	t.Helper()
	backend := Need(t, "git-http-backend", "apt-get install git", "/usr/lib/git-core/git-http-backend")
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
