// Package servertest starts the real servers capplan's tests run against
// (Prometheus, the Pushgateway, Ollama, sshd, git's HTTP backend, and the
// Kubernetes API server's processes through Start) on 127.0.0.1, waits
// until each is ready, and stops it when the test ends. A server that is
// not installed skips the test with the command that provides it; under
// CI=true, where .ci/run provides every one, it fails the test instead.
package servertest
