package servertest

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// Ollama runs the Ollama server .ci/ollama.sh builds (OLLAMA_BIN), with
// no model, in a directory of its own, and returns its address.
func Ollama(t testing.TB) string {
	t.Helper()
	bin := NeedEnv(t, "OLLAMA_BIN", "OLLAMA_BIN=$(.ci/ollama.sh) go test")
	addr := FreeAddr(t)
	dir := t.TempDir()
	env := append(os.Environ(), "OLLAMA_HOST="+addr, "OLLAMA_MODELS="+filepath.Join(dir, "models"), "HOME="+dir)
	Start(t, Process{Path: bin, Args: []string{"serve"}, Env: env,
		Ready: HTTPReady(http.DefaultClient, "http://"+addr+"/api/version", "", "version")})
	return addr
}
