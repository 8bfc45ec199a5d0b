package kube

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://a.example:6443"}
- name: b
  cluster: {server: "https://b.example:6443"}
users:
- name: u
  user: {token: "t"}
contexts:
- name: ctx-a
  context: {cluster: a, user: u}
- name: ctx-b
  context: {cluster: b, user: u}
current-context: ctx-a
`

func TestConfig(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "") // not in a cluster
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, context, env, host, cluster string
	}{
		{"explicit file, its current context", path, "", "", "https://a.example:6443", "ctx-a"},
		{"explicit context", path, "ctx-b", "", "https://b.example:6443", "ctx-b"},
		{"KUBECONFIG", "", "", path, "https://a.example:6443", "ctx-a"},
		{"KUBECONFIG and a context", "", "ctx-b", path, "https://b.example:6443", "ctx-b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tc.env)
			cfg, name, err := Config(tc.file, tc.context)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != tc.host || name != tc.cluster {
				t.Errorf("host %s, context %q; want %s, %q", cfg.Host, name, tc.host, tc.cluster)
			}
		})
	}
	t.Setenv("KUBECONFIG", "")
	if _, _, err := Config(path, "ctx-c"); err == nil || !strings.Contains(err.Error(), "ctx-c") {
		t.Errorf("unknown context: error %v, want one naming it", err)
	}
	if _, _, err := Config(filepath.Join(t.TempDir(), "missing"), ""); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: error %v, want one naming it", err)
	}
}
